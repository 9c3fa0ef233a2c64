import { mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { isLoopbackUrl } from '../loadtests/guard.js';
import { parseDurationMs } from '../mock-server/src/duration.js';
import { packageRoot } from '../mock-server/src/paths.js';
import { spawnOwned } from '../stack/src/owned-child.js';
import { fail, type UsageError } from './fail.js';
import { throwIfProblems } from './flag-checks.js';
import { k6Binary } from './k6-binary.js';
import { loadSla } from './sla-file.js';

export interface LoadFlags {
  target: string;
  profile: string;
  rates?: string;
  stepDuration?: string;
  ramp: string;
  sla?: string;
  streamRatio?: string;
  models?: string;
  maxTokens?: string;
  keys?: string;
  promptChars?: string;
  vus?: string;
  maxVus?: string;
  timeout: string;
  clientRetries?: string;
  summary?: string;
  results?: string;
  allowRemote?: boolean;
  k6?: string;
  quiet?: boolean;
}

const PROFILES = ['smoke', 'stepped', 'spike', 'soak', 'breakpoint'];

/** The load's shape, shared by `load`, `run` and `compare`: profile, rates, mix, SLA, k6. */
export function withLoadOptions(command: Command): Command {
  return command
    .option('-p, --profile <name>', `one of ${PROFILES.join(', ')}`, 'stepped')
    .option(
      '-r, --rates <list>',
      'req/s: the steps (stepped), base,peak (spike), rate (soak, smoke), start,max (breakpoint)',
    )
    .option(
      '-d, --step-duration <dur>',
      'hold per step (stepped), peak (spike), whole run (soak, breakpoint, smoke)',
    )
    .option('--ramp <dur>', 'ramp into each step', '2s')
    .option('--sla <file>', 'SLA file (default loadtests/sla.yaml)')
    .option('--stream-ratio <x>', 'share of streaming requests, 0..1 (default 0.3)')
    .option('--models <list>', 'model=weight pairs, e.g. deepseek-flash=0.8,deepseek-v4-pro=0.2')
    .option('--max-tokens <n>', 'max_tokens of each request (default 64)')
    .option('--keys <list>', "API keys used in turn (default the mock's three keys of one account)")
    .option('--prompt-chars <list>', 'prompt sizes in characters (default 200,800,3000)')
    .option('--vus <n>', 'pre-allocated VUs (default half a second of the peak rate)')
    .option('--max-vus <n>', 'VU ceiling (default two seconds of the peak rate, at most 5000)')
    .option('--timeout <dur>', 'per-request timeout', '60s')
    .option(
      '--client-retries <n>',
      'k6 itself retries 429/503/5xx/timeouts/network errors up to n times (exponential backoff, full jitter)',
    )
    .option('--k6 <path>', 'k6 binary to use (default: the pinned build, or BUSYBENCH_K6)');
}

export function loadCommand(): Command {
  return withLoadOptions(
    new Command('load')
      .description('run a k6 load profile against a target (the mock, or any strategy in front of it)')
      .option(
        '-t, --target <url>',
        'base URL to load (loopback only unless --allow-remote)',
        'http://127.0.0.1:8000',
      ),
  )
    .option('--summary <file>', 'where the JSON summary goes (default results/<profile>-<time>.json)')
    .option('--results <file>', 'also write every sample as k6 NDJSON (.gz to compress), for the collector')
    .option('--allow-remote', 'allow a target that is not on this machine')
    .option('-q, --quiet', "hide k6's progress while the run goes on (the summary still shows)")
    .action(async (flags: LoadFlags) => {
      try {
        const env = loadEnv(flags);
        const out = flags.results ? ['--out', `json=${resolve(flags.results)}`] : [];
        // k6's progress line is the progress while a long run goes on; --quiet hides it.
        if (flags.quiet) out.push('--quiet');
        if (flags.results) mkdirSync(dirname(resolve(flags.results)), { recursive: true });
        const code = await runK6(k6Binary(flags.k6), env, out);
        process.exit(code);
      } catch (err) {
        fail(err);
      }
    });
}

/** Flags to the BUSYBENCH_* environment the k6 scripts read; every problem reported at once. */
export function loadEnv(flags: LoadFlags): Record<string, string> {
  const problems: string[] = [];
  if (!PROFILES.includes(flags.profile)) problems.push(`--profile must be one of ${PROFILES.join(', ')}`);
  if (!/^https?:\/\//.test(flags.target)) problems.push(`--target "${flags.target}" must be an http(s) URL`);
  else if (!flags.allowRemote && !isLoopbackUrl(flags.target)) {
    problems.push(
      `--target ${flags.target} is not on this machine (loopback); load tests fire thousands of requests a second, so pass --allow-remote only if you mean to load it`,
    );
  }
  const list = (name: string, raw: string | undefined) => {
    const values = (raw ?? '')
      .split(',')
      .filter((v) => v.trim() !== '')
      .map(Number);
    if (values.some((v) => !Number.isFinite(v) || v <= 0))
      problems.push(`--${name} "${raw}" must be positive numbers, comma-separated`);
    return values;
  };
  const seconds = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    try {
      return String(parseDurationMs(raw) / 1000);
    } catch {
      problems.push(`--${name} "${raw}" is not a duration (e.g. 30s, 2m)`);
      return undefined;
    }
  };
  const mix: Record<string, unknown> = {};
  if (flags.streamRatio !== undefined) {
    const r = Number(flags.streamRatio);
    if (!(r >= 0 && r <= 1)) problems.push('--stream-ratio must be between 0 and 1');
    mix.streamRatio = r;
  }
  if (flags.models !== undefined) {
    const pairs = flags.models.split(',').map((p) => p.split('='));
    if (pairs.some(([m, w]) => !m || !(Number(w) > 0)))
      problems.push('--models must look like deepseek-flash=0.8,deepseek-v4-pro=0.2');
    mix.models = Object.fromEntries(pairs.map(([m, w]) => [m, Number(w)]));
  }
  if (flags.maxTokens !== undefined) mix.maxTokens = list('max-tokens', flags.maxTokens)[0];
  if (flags.keys !== undefined) mix.keys = flags.keys.split(',').filter(Boolean);
  if (flags.promptChars !== undefined) mix.promptChars = list('prompt-chars', flags.promptChars);
  const rates = list('rates', flags.rates);
  if (flags.clientRetries !== undefined && !/^\d+$/.test(flags.clientRetries))
    problems.push(`--client-retries "${flags.clientRetries}" must be a whole number (0 = no retries)`);
  const stepSeconds = seconds('step-duration', flags.stepDuration);
  const rampSeconds = seconds('ramp', flags.ramp);
  let sla: unknown;
  try {
    sla = loadSla(flags.sla ?? join(packageRoot(), 'loadtests', 'sla.yaml'));
  } catch (err) {
    const { problems: slaProblems = [] } = err as UsageError;
    problems.push(...(slaProblems.length > 0 ? slaProblems : [(err as Error).message]));
  }
  throwIfProblems(problems);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const summary = resolve(flags.summary ?? join('results', `${flags.profile}-${stamp}.json`));
  mkdirSync(dirname(summary), { recursive: true });
  const env: Record<string, string> = {
    BUSYBENCH_TARGET: flags.target,
    BUSYBENCH_PROFILE: flags.profile,
    BUSYBENCH_SLA: JSON.stringify(sla),
    BUSYBENCH_SUMMARY: summary,
    BUSYBENCH_TIMEOUT: flags.timeout,
  };
  if (rates.length > 0) env.BUSYBENCH_RATES = rates.join(',');
  if (stepSeconds !== undefined) env.BUSYBENCH_STEP_SECONDS = stepSeconds;
  if (rampSeconds !== undefined) env.BUSYBENCH_RAMP_SECONDS = rampSeconds;
  if (Object.keys(mix).length > 0) env.BUSYBENCH_MIX = JSON.stringify(mix);
  if (flags.vus !== undefined) env.BUSYBENCH_VUS = flags.vus;
  if (flags.maxVus !== undefined) env.BUSYBENCH_MAX_VUS = flags.maxVus;
  if (flags.allowRemote) env.BUSYBENCH_ALLOW_REMOTE = '1';
  if (flags.clientRetries !== undefined) env.BUSYBENCH_RETRIES = flags.clientRetries;
  return env;
}

/**
 * Runs k6 with the scripts and the environment; resolves with k6's exit code (99: SLA breached).
 * With `logFile`, k6's output goes there instead of the terminal (busybench run shows its own).
 */
export function runK6(
  k6: string,
  env: Record<string, string>,
  extra: string[],
  logFile?: string,
): Promise<number> {
  const script = join(packageRoot(), 'loadtests', 'main.ts');
  return new Promise((resolveCode) => {
    const log = logFile ? openSync(logFile, 'a') : undefined;
    // Its own process group: a terminal's Ctrl-C reaches k6 once, through us, not twice (a
    // second SIGINT makes k6 abort without its summary), and a plain `kill -INT` works too.
    const child = spawnOwned(k6, ['run', ...extra, script], {
      stdio: log === undefined ? 'inherit' : ['ignore', log, log],
      env: { ...process.env, ...env },
    });
    // k6 stops gracefully on SIGINT and still writes its summary and results.
    const forward = () => child.kill('SIGINT');
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveCode(code ?? (signal ? 130 : 1));
    });
  });
}
