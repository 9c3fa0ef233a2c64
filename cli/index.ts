import { Command } from 'commander';
import { collectCommand } from './collect-command.js';
import { compareCommand } from './compare-command.js';
import { demoCommand } from './demo-command.js';
import { EXIT_BAD_INPUT } from './fail.js';
import { loadCommand } from './load-command.js';
import { mockCommand } from './mock-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { stackCommand } from './stack-command.js';
import { strategyCommand } from './strategy-command.js';

function onCommanderExit(err: { code: string; exitCode: number }): never {
  const ok = [
    'commander.helpDisplayed',
    'commander.version',
    'commander.help',
    'commander.executeSubCommandAsync',
  ];
  process.exit(ok.includes(err.code) ? err.exitCode : EXIT_BAD_INPUT);
}

/** The one bin: `busybench <command>`. */
export function buildCli(): Command {
  const program = new Command('busybench')
    .description(
      'benchmark resilience strategies for LLM APIs against a DeepSeek mock that is busy on demand',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride(onCommanderExit);
  program.addCommand(runCommand());
  program.addCommand(compareCommand());
  program.addCommand(mockCommand());
  program.addCommand(loadCommand());
  program.addCommand(reportCommand());
  program.addCommand(collectCommand());
  program.addCommand(strategyCommand());
  program.addCommand(stackCommand());
  program.addCommand(demoCommand());
  // addCommand does not pass settings down: bad usage of any subcommand is exit 2 too.
  for (const command of program.commands)
    command.exitOverride(onCommanderExit).showHelpAfterError('(run with --help for usage)');
  return program;
}

await buildCli().parseAsync(process.argv);
