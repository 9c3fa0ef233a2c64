import { Command } from 'commander';
import { listBuiltinScenarios } from '../mock-server/src/busy/scenario.js';
import { loadConfig } from '../mock-server/src/config/load.js';
import { type Cluster, startCluster } from '../mock-server/src/server.js';
import { closeWithin } from './close-within.js';
import { fail, UsageError } from './fail.js';
import { flagsToOverrides, type MockFlags } from './mock-flags.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const CLOSE_DEADLINE_MS = 3000;

export function mockCommand(): Command {
  return new Command('mock')
    .description('start the DeepSeek-compatible mock, busy on demand (one or several nodes)')
    .option('-c, --config <file>', 'YAML or JSON config file (see mock-server/README.md)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('-p, --port <port>', 'first port; node i listens on port+i (default 8000, 0 = any free port)')
    .option('-n, --nodes <count>', 'number of nodes (default 1)')
    .option('--seed <n>', 'seed for every random choice (default 42)')
    .option('-s, --scenario <name|file>', 'fault timeline to play: a built-in name or a file')
    .option('--scenario-speed <x>', 'play the timeline x times faster (default 1)')
    .option('--loop', 'start the scenario again when it ends')
    .option('-e, --error-rate <status=rate>', 'inject an error at a rate, e.g. 503=0.3 (repeatable)', collect)
    .option(
      '--ttft <dist>',
      'time to first token: fixed:MS | uniform:MIN-MAX | normal:MEAN,STD | lognormal:MEDIAN,SIGMA',
    )
    .option('--itl <dist>', 'inter-token latency, same forms as --ttft')
    .option('--max-in-flight <n>', 'node capacity (default 4096)')
    .option('--queue <n>', 'requests that may wait for capacity (default 0)')
    .option(
      '--overflow <503|hold>',
      'past capacity and queue: answer 503, or hold the connection (default 503)',
    )
    .option('--retry-after <seconds>', 'send Retry-After on 429 (the real API sends none)')
    .option('--allow-unknown-keys', 'charge unknown API keys to the first account instead of 401')
    .option(
      '--admin-token-file <file>',
      'open the admin API to remote clients that send this token (Authorization: Bearer); without it, loopback only',
    )
    .option('--log-level <level>', 'fatal | error | warn | info | debug | silent (default warn)')
    .option('--list-scenarios', 'list the built-in scenarios and exit')
    .option('--print-config', 'print the resulting config as JSON and exit')
    .action(async (flags: MockFlags & { listScenarios?: boolean; printConfig?: boolean }) => {
      if (flags.listScenarios) {
        process.stdout.write(`${listBuiltinScenarios().join('\n')}\n`);
        return;
      }
      const { overrides, problems } = flagsToOverrides(flags);
      if (problems.length > 0) fail(new UsageError('bad flags', problems));
      let cluster: Cluster;
      try {
        const config = loadConfig({ file: flags.config, overrides });
        if (flags.printConfig) {
          process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
          return;
        }
        cluster = await startCluster(config);
      } catch (err) {
        fail(err);
      }
      // Handlers first, then the "listening" lines: whoever reads those may signal at once.
      // Open connections are closed, not waited for (fastify's forceCloseConnections).
      const stop = async (signal: string) => {
        process.stdout.write(`busybench mock: ${signal}, closing\n`);
        await closeWithin(
          () => cluster.close(),
          CLOSE_DEADLINE_MS,
          (code) => process.exit(code),
          (line) => process.stderr.write(`busybench mock: ${line}\n`),
        );
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      for (const { node, url } of cluster.nodes) {
        const phase = node.timeline.status();
        const scenario = phase.scenario ? `, scenario ${phase.scenario} (${phase.phase})` : '';
        process.stdout.write(`busybench mock ${node.name} listening on ${url}${scenario}\n`);
      }
    });
}
