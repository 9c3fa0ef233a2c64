import { Command } from 'commander';
import { checkLoopbackTarget } from '../loadtests/target-check.js';
import { GO_FRAME_STRATEGIES } from '../strategies/src/go-frame.js';
import { EXTERNAL, STRATEGIES } from '../strategies/src/registry.js';
import { parseStrategySpec, startStrategy } from '../strategies/src/start-strategy.js';
import { closeWithin } from './close-within.js';
import { fail, UsageError } from './fail.js';
import { portFlag, urlsFlag } from './flag-checks.js';

/** Every proxy is gone within 5 s of SIGTERM, whatever clients keep open (orchestrators wait 10–30 s). */
const STOP_DEADLINE_MS = 4_500;

interface StrategyFlags {
  upstream: string;
  port: string;
  host: string;
  opt: string[];
  list?: boolean;
  allowRemote?: boolean;
  forwardTestControls?: boolean;
}

/** `busybench strategy <name>`: one reference strategy as a proxy in front of the upstreams. */
export function strategyCommand(): Command {
  return new Command('strategy')
    .description(
      'run a reference resilience strategy as an HTTP proxy in front of mock nodes (or any upstream)',
    )
    .argument('[name]', 'strategy name (see --list); name:key=value,... sets options too')
    .option('-u, --upstream <urls>', 'upstream nodes, comma-separated', 'http://127.0.0.1:8000')
    .option('-p, --port <port>', 'port to listen on', '8100')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option(
      '-o, --opt <key=value>',
      'a strategy option (repeatable); frame=node runs the strategy in the Node frame, where the Go frame is its default (see --list)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option(
      '--allow-remote',
      'allow upstreams that are not on this machine (a remote API: every request there is real)',
    )
    .option(
      '--forward-test-controls',
      "forward the mock's admin API (/admin/...) and its x-busybench-error / x-busybench-fault headers (off: refused and dropped)",
    )
    .option('--list', 'list the strategies and exit')
    .action(async (name: string | undefined, flags: StrategyFlags) => {
      try {
        if (flags.list || !name) {
          for (const [n, s] of Object.entries({
            ...Object.fromEntries(
              Object.entries(STRATEGIES).map(([k, v]) => [
                k,
                GO_FRAME_STRATEGIES.has(k) ? `${v.about} [Go frame; -o frame=node too]` : v.about,
              ]),
            ),
            ...EXTERNAL,
          }))
            process.stdout.write(`${n.padEnd(12)} ${s}\n`);
          if (!name && !flags.list)
            throw new UsageError('name a strategy (busybench strategy retry), or --list');
          return;
        }
        const problems: string[] = [];
        const port = portFlag('port', flags.port, problems, true);
        const upstreams = urlsFlag('upstream', flags.upstream, problems);
        for (const kv of flags.opt) if (!/^[^=]+=/.test(kv)) problems.push(`--opt "${kv}" is not key=value`);
        // A proxy on loopback in front of a remote API would let `busybench load` (which refuses
        // remote targets) send real, billed load through it.
        for (const u of upstreams) {
          const refusal = await checkLoopbackTarget(u, flags.allowRemote === true);
          if (refusal) problems.push(refusal);
        }
        if (problems.length > 0) throw new UsageError('bad flags', problems);
        const spec = parseStrategySpec(name);
        const options = {
          ...spec.options,
          ...Object.fromEntries(
            flags.opt.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
          ),
        };
        const running = await startStrategy({ name: spec.name, options }, upstreams, {
          port,
          host: flags.host,
          testControls: flags.forwardTestControls === true,
        });
        process.stdout.write(
          `busybench strategy ${running.name} listening on ${running.url} → ${upstreams.join(', ')}\n`,
        );
        // The proxy drains for at most 3 s (answers under way, then every connection closed);
        // the deadline here is the last resort should anything else hang.
        const stop = () =>
          closeWithin(
            () => running.stop(),
            STOP_DEADLINE_MS,
            (code) => process.exit(code),
            (line) => process.stderr.write(`busybench strategy: ${line}\n`),
          );
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      } catch (err) {
        fail(err);
      }
    });
}
