import { join } from 'node:path';
import type { Command } from 'commander';
import { parseDurationMs } from '../common/duration.js';
import { listBuiltinScenarios } from '../mock-server/src/busy/scenario.js';
import type { BenchmarkOptions } from '../runner/src/benchmark.js';
import { UsageError } from './fail.js';
import { portFlag } from './flag-checks.js';
import { LANG_OPTION, langFlag } from './lang-flag.js';
import { ENGINES, generatorOptions, type LoadFlags, planInput, withLoadOptions } from './load-command.js';

/** Flags `run` and `compare` share: the mock, its scenario, the load, the stack. */
export interface BenchmarkFlags extends Omit<LoadFlags, 'target' | 'results' | 'summary'> {
  scenario: string;
  scenarioSpeed: string;
  nodes: string;
  mockPort: string;
  mockConfig?: string;
  out?: string;
  stack: boolean;
  warmup: string;
  runners: string;
  lang?: string;
}

export function withBenchmarkOptions(
  command: Command,
  defaults: { scenario: string; scenarioSpeed: string } = { scenario: 'peak-hour', scenarioSpeed: '1' },
): Command {
  return withLoadOptions(
    command
      .option(
        '--scenario <name|file>',
        `fault timeline the mock plays (${listBuiltinScenarios().join(', ')}, a file, or none)`,
        defaults.scenario,
      )
      .option('--scenario-speed <x>', 'play the timeline x times faster', defaults.scenarioSpeed)
      .option('--nodes <n>', 'mock nodes (consecutive ports)', '3')
      .option(
        '--mock-port <port>',
        'first mock port (0: any free; fix it when your own proxy, -s URL, must reach the nodes)',
        '0',
      )
      .option('--mock-config <file>', "the mock's config file (busybench mock --config)")
      .option('--out <dir>', 'where results, reports and logs go (default results/<command>-<time>)')
      .option('--no-stack', 'do not start the local Prometheus + Alertmanager even when installed')
      .option(
        '--runners <n>',
        'load generator processes sharing the plan (engine i of n sends segment i/n), one collector for all',
        '1',
      )
      .option(
        '--warmup <dur>',
        "load at the first step's rate before each run, not counted (the strategy's pools and JIT), 0s for none",
        '5s',
      )
      .option(...LANG_OPTION),
  );
}

/** Checks the shared flags, every problem at once; the strategy is set by the command. */
export function benchmarkOptions(
  flags: BenchmarkFlags,
  command: string,
): Omit<BenchmarkOptions, 'strategy' | 'out' | 'stack'> & { out: string; stack: boolean } {
  const problems: string[] = [];
  const speed = Number(flags.scenarioSpeed);
  if (!(speed > 0 && speed <= 100))
    problems.push(`--scenario-speed "${flags.scenarioSpeed}" must be a number above 0, at most 100`);
  const nodes = Number(flags.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16)
    problems.push(`--nodes "${flags.nodes}" must be 1 to 16`);
  const mockPort = portFlag('mock-port', flags.mockPort, problems, true);
  // The whole load (profile, mix, SLA, limits) checked and typed before anything starts.
  const plan = planInput(flags, problems);
  if (!ENGINES.includes(flags.engine as (typeof ENGINES)[number]))
    problems.push(`--engine must be one of ${ENGINES.join(', ')}`);
  let warmupSeconds = 0;
  try {
    warmupSeconds = parseDurationMs(flags.warmup) / 1000;
    if (warmupSeconds > 600) problems.push(`--warmup "${flags.warmup}" must be at most 10m`);
  } catch {
    problems.push(`--warmup "${flags.warmup}" must be a duration such as 5s (0s for none)`);
  }
  const runners = Number(flags.runners);
  if (!Number.isInteger(runners) || runners < 1 || runners > 16)
    problems.push(`--runners "${flags.runners}" must be a whole number from 1 to 16`);
  else if (runners > 1 && flags.engine === 'k6')
    problems.push('--runners needs the engine (k6 segments are not wired)');
  else if (runners > 1 && flags.segment !== undefined)
    problems.push('--runners splits the plan itself: leave --segment out');
  const locale = langFlag(flags.lang, problems);
  const builtins = listBuiltinScenarios();
  if (
    flags.scenario !== 'none' &&
    !builtins.includes(flags.scenario) &&
    !/\.(ya?ml|json)$/.test(flags.scenario)
  )
    problems.push(
      `--scenario "${flags.scenario}": not a built-in (${builtins.join(', ')}), a .yaml/.json file, or none`,
    );
  if (problems.length > 0) throw new UsageError('bad flags', problems);
  const {
    scenario,
    scenarioSpeed: _s,
    nodes: _n,
    mockPort: _p,
    mockConfig,
    out,
    stack,
    warmup: _w,
    runners: _r,
    lang: _l,
    ...load
  } = flags;
  return {
    scenario: scenario === 'none' ? null : scenario,
    scenarioSpeed: speed,
    nodes,
    mockPort,
    mockConfig,
    plan,
    generator: generatorOptions(load),
    warmupSeconds,
    runners,
    locale,
    out: out ?? join('results', `${command}-${new Date().toISOString().replace(/[:.]/g, '-')}`),
    stack,
  };
}

/** Ctrl-C: the first one lets the load generator stop and the report be written; a second one quits at once. */
export function onInterrupt(): () => boolean {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(
      '\nbusybench: stopping (the requests under way finish, the report of what ran is written; Ctrl-C again to quit now)\n',
    );
  });
  return () => interrupted;
}
