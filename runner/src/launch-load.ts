import { chmodSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { cpus as machineCpus } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnOwned } from '../../common/owned-child.js';
import { packageRoot } from '../../common/paths.js';
import type { Plan } from '../../loadtests/plan.js';
import { engineBinary } from './engine-binary.js';
import { RunnerError, RunnerErrorCodes } from './errors.js';
import { k6Binary } from './k6-binary.js';

/**
 * Starting a load generator on a plan: the launcher `busybench load`, `run` and `compare` share.
 * Typed options in, the generator's own flags out; nothing here parses the CLI's strings.
 */

/** Which generator runs the plan, and how (the engine's share of it, where results go). */
export interface GeneratorOptions {
  readonly engine: string;
  /** With the k6 engine: the user's k6 binary. */
  readonly k6?: string;
  /** `i/n`: this generator's share of the schedule. */
  readonly segment?: string;
  readonly quiet?: boolean;
  /** Ship results to this collector (busybench collect --receive), at least once. */
  readonly ship?: string;
  readonly spool?: string;
  readonly runner?: string;
  readonly shipWaitMs?: number;
  /** The collector's token, in a file (the engine reads it; the token is on no command line). */
  readonly shipTokenFile?: string;
  /** Each spooled batch on the disk before the run goes on (`--fsync`). */
  readonly fsync?: boolean;
}

export interface LoadFiles {
  readonly summary: string;
  readonly results?: string;
  /** Where the generator's own output goes (busybench run shows its own progress). */
  readonly log?: string;
}

/** How a load generator ended: its exit code, or the signal that killed it. */
export interface LoadEnd {
  readonly exit: number;
  readonly killedBy?: NodeJS.Signals;
}

/**
 * Runs the plan with the chosen generator: the Go engine (default) or the user's k6. Resolves
 * with its exit code (99: SLA breached). Its own process group: a terminal's Ctrl-C reaches it
 * once, through us, and it stops gracefully (no new requests, those under way finish).
 */
export function runLoad(plan: Plan, flags: GeneratorOptions, files: LoadFiles): Promise<LoadEnd> {
  mkdirSync(dirname(files.summary), { recursive: true });
  if (files.results) mkdirSync(dirname(files.results), { recursive: true });
  // The plan beside the summary: what ran can be run again (`busybench-engine --plan`).
  const planFile = files.summary.replace(/(\.json)?$/, '.plan.json');
  // The plan holds the API keys: readable by its owner only (an existing file too).
  writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  chmodSync(planFile, 0o600);
  if (flags.engine === 'k6') {
    const out = files.results ? ['--out', `json=${files.results}`] : [];
    if (flags.quiet || files.log) out.push('--quiet');
    return spawnLoad(
      k6Binary(flags.k6),
      ['run', ...out, join(packageRoot(), 'loadtests', 'main.ts')],
      files.log,
      {
        BUSYBENCH_PLAN: JSON.stringify(plan),
        BUSYBENCH_SUMMARY: files.summary,
      },
    );
  }
  const args = ['--plan', planFile, '--summary', files.summary];
  if (files.results) args.push('--results', files.results);
  if (flags.segment) args.push('--segment', flags.segment);
  if (flags.runner) args.push('--runner', flags.runner);
  if (flags.ship) args.push('--ship', flags.ship);
  if (flags.spool) args.push('--spool', flags.spool);
  if (flags.shipWaitMs !== undefined) args.push('--ship-wait', `${flags.shipWaitMs}ms`);
  if (flags.shipTokenFile) args.push('--ship-token-file', flags.shipTokenFile);
  if (flags.fsync) args.push('--fsync');
  if (flags.quiet) args.push('--quiet');
  // A benchmark's placement (../shared/benchmarking.md): the engine on cores of its own, the
  // servers under test elsewhere. taskset execs the engine, so signals reach it as before.
  const cpus = engineCpus();
  if (cpus !== undefined) return spawnLoad('taskset', ['-c', cpus, engineBinary(), ...args], files.log, {});
  return spawnLoad(engineBinary(), args, files.log, {});
}

/**
 * The engine's CPUs from BUSYBENCH_ENGINE_CPUS (taskset's list: `0`, `0,2`, `0-1`); undefined
 * when unset or empty. A value that is not a list of this machine's CPUs is refused, not
 * ignored: a benchmark placed wrongly would measure the harness, saying nothing. run and
 * compare call it before they start anything.
 */
export function engineCpus(): string | undefined {
  const value = process.env.BUSYBENCH_ENGINE_CPUS?.trim();
  if (!value) return undefined;
  const n = machineCpus().length;
  const ok =
    /^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$/.test(value) &&
    value.split(',').every((part) => {
      const [a, b = a] = part.split('-').map(Number) as [number, number?];
      return a <= (b as number) && (b as number) < n;
    });
  if (!ok)
    throw new RunnerError(
      RunnerErrorCodes.ENGINE_CPUS,
      `BUSYBENCH_ENGINE_CPUS=${JSON.stringify(value)} is not a list of this machine's CPUs (0 to ${n - 1}: e.g. 0, 0,1 or 0-1)`,
    );
  return value;
}

function spawnLoad(
  bin: string,
  args: string[],
  logFile: string | undefined,
  env: Record<string, string>,
): Promise<LoadEnd> {
  return new Promise((resolveEnd) => {
    const log = logFile ? openSync(logFile, 'a') : undefined;
    const child = spawnOwned(bin, args, {
      stdio: log === undefined ? 'inherit' : ['ignore', log, log],
      env: { ...process.env, ...env },
    });
    const forward = () => child.kill('SIGINT');
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveEnd(code !== null ? { exit: code } : { exit: 1, killedBy: signal ?? undefined });
    });
  });
}
