import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { ingestFile } from '../collector/src/ingest-file.js';
import { goodputBound, RunStats } from '../collector/src/step-stats.js';
import { terminalReport } from '../collector/src/terminal-report.js';
import { parseDurationMs } from '../common/duration.js';
import type { KitError } from '../common/errors.js';
import { DEFAULT_SLA, type Sla } from '../common/sla/sla.js';
import { loadSla } from '../common/sla/sla-file.js';
import { judge } from '../common/sla/verdict.js';
import { buildPlan, type PlanInput } from '../loadtests/build-plan.js';
import { DEFAULT_MIX, type Mix, type Plan } from '../loadtests/plan.js';
import { DEFAULT_STEP_SECONDS, PROFILES, type ProfileName } from '../loadtests/profiles.js';
import { checkLoopbackTarget } from '../loadtests/target-check.js';
import { type GeneratorOptions, type LoadFiles, runLoad } from '../runner/src/launch-load.js';
import { EXIT_RUN_FAILED, fail } from './fail.js';
import { priorityFlag, throwIfProblems } from './flag-checks.js';

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
  thinking?: string;
  priority?: string;
  maxInFlight?: string;
  timeout: string;
  clientRetries?: string;
  seed?: string;
  summary?: string;
  results?: string;
  segment?: string;
  ship?: string;
  spool?: string;
  runner?: string;
  shipWait?: string;
  allowRemote?: boolean;
  engine: string;
  k6?: string;
  quiet?: boolean;
}

export const ENGINES = ['engine', 'k6'] as const;

/** The load's shape, shared by `load`, `run` and `compare`: profile, rates, mix, SLA, engine. */
export function withLoadOptions(command: Command): Command {
  return command
    .option('-p, --profile <name>', `one of ${PROFILES.join(', ')}`, 'stepped')
    .option(
      '-r, --rates <list>',
      'req/s: the steps (stepped), base,peak (spike), rate (soak, smoke), from,to (breakpoint, ramp)',
    )
    .option(
      '-d, --step-duration <dur>',
      'hold per step (stepped), peak (spike), whole run (soak, breakpoint, ramp, smoke)',
    )
    .option('--ramp <dur>', 'stepped: a linear ramp into each step after the first; spike: its edges', '0s')
    .option(
      '--sla <file>',
      'SLA file (default: success >= 99.95 %, p99 < 800 ms, TTFT p99 < 2 s on streams, as loadtests/sla.yaml)',
    )
    .option('--stream-ratio <x>', 'share of streaming requests, 0..1 (default 0.3)')
    .option('--models <list>', 'model=weight pairs, e.g. deepseek-v4-flash=0.8,deepseek-v4-pro=0.2')
    .option('--max-tokens <n>', 'max_tokens of each request (default 64)')
    .option('--keys <list>', "API keys used in turn (default the mock's three keys of one account)")
    .option('--prompt-chars <list>', 'prompt sizes in characters (default 200,800,3000)')
    .option(
      '--thinking <on|off|share>',
      'share of requests sent with thinking enabled, the others with it disabled: on (1), off (0) or 0..1, e.g. 0.3 (default on)',
    )
    .option(
      '--priority <list>',
      'priority classes by weight, sent as x-priority, e.g. P0=0.1,P1=0.3,P2=0.4,P3=0.2 (default: no header, no classes)',
    )
    .option(
      '--max-in-flight <n>',
      'requests in flight at most; an arrival due past it is dropped, counted (default 2 s of the peak rate, at least 1000)',
    )
    .option('--timeout <dur>', 'per-request timeout', '60s')
    .option(
      '--client-retries <n>',
      'the load generator itself retries 429/503/5xx/timeouts/network errors up to n times (exponential backoff, full jitter)',
    )
    .option('--seed <n>', "seeds the mix's draws (stream or not, model, prompt, thinking, class)", '1')
    .option('--engine <name>', `load generator: engine (the Go engine) or k6 (a k6 you installed)`, 'engine')
    .option('--k6 <path>', 'with --engine k6: the k6 binary (default BUSYBENCH_K6, or k6 on PATH)');
}

export function loadCommand(): Command {
  return withLoadOptions(
    new Command('load')
      .description('run a load profile against a target (the mock, or any strategy in front of it)')
      .option(
        '-t, --target <url>',
        'base URL to load (loopback only unless --allow-remote)',
        'http://127.0.0.1:8000',
      ),
  )
    .option('--summary <file>', 'where the JSON summary goes (default results/<profile>-<time>.json)')
    .option('--results <file>', 'also write one line per request (.gz to compress), for the collector')
    .option('--segment <i/n>', 'run segment i of n of the schedule (n generators together send it all)')
    .option(
      '--ship <url>',
      'also send the results to a collector (busybench collect --receive) as the run goes, at least once',
    )
    .option(
      '--spool <dir>',
      'with --ship: where batches wait until the collector has them (default <tmp>/busybench-spool-<runner>)',
    )
    .option(
      '--runner <name>',
      "this generator's name in the results (default host-pid); with --ship, the collector's dedupe key",
    )
    .option(
      '--ship-wait <dur>',
      'with --ship: at the end, how long to keep trying to deliver what is left (default 2m)',
    )
    .option('--allow-remote', 'allow a target that is not on this machine')
    .option('-q, --quiet', 'no progress lines while the run goes on (the summary still shows)')
    .action(async (flags: LoadFlags) => {
      try {
        const plan = await loadPlan(flags);
        const files = loadFiles(flags);
        const code = await runLoad(plan, generatorOptions(flags), files);
        if (code.killedBy) {
          process.stderr.write(
            `busybench: the load generator was killed (${code.killedBy}) before it finished: no summary from it.\n`,
          );
          process.exit(await summariseWritten(files.results, plan.sla));
        }
        process.exit(code.exit);
      } catch (err) {
        fail(err);
      }
    });
}

/** The load flags that say which generator runs and how, typed for the launcher. */
export function generatorOptions(flags: Omit<LoadFlags, 'target'>): GeneratorOptions {
  return {
    engine: flags.engine,
    ...(flags.k6 === undefined ? {} : { k6: flags.k6 }),
    ...(flags.segment === undefined ? {} : { segment: flags.segment }),
    ...(flags.quiet === undefined ? {} : { quiet: flags.quiet }),
    ...(flags.ship === undefined ? {} : { ship: flags.ship }),
    ...(flags.spool === undefined ? {} : { spool: flags.spool }),
    ...(flags.runner === undefined ? {} : { runner: flags.runner }),
    ...(flags.shipWait === undefined ? {} : { shipWaitMs: parseDurationMs(flags.shipWait) }),
  };
}

function loadFiles(flags: LoadFlags): LoadFiles {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    summary: resolve(flags.summary ?? join('results', `${flags.profile}-${stamp}.json`)),
    results: flags.results ? resolve(flags.results) : undefined,
  };
}

/**
 * Flags to the plan both load generators run (loadtests/plan.ts); every problem reported at
 * once. The target is checked as the client will dial it: names resolved, every address loopback.
 */
export async function loadPlan(flags: LoadFlags): Promise<Plan> {
  const problems: string[] = [];
  if (!ENGINES.includes(flags.engine as (typeof ENGINES)[number]))
    problems.push(`--engine must be one of ${ENGINES.join(', ')}`);
  if (!/^https?:\/\//i.test(flags.target)) problems.push(`--target "${flags.target}" must be an http(s) URL`);
  else {
    const refusal = await checkLoopbackTarget(flags.target, flags.allowRemote === true);
    if (refusal) problems.push(refusal);
  }
  const input = planInput(flags, problems);
  if (flags.segment !== undefined && !/^\d+\/\d+$/.test(flags.segment))
    problems.push(`--segment "${flags.segment}" must be i/n, e.g. 0/3`);
  else if (flags.segment !== undefined) {
    const [i, n] = flags.segment.split('/').map(Number) as [number, number];
    if (!(n >= 1 && i < n)) problems.push(`--segment "${flags.segment}": i must be below n`);
    if (flags.engine === 'k6') problems.push('--segment needs the engine (k6 segments are not wired)');
  }
  shipFlags(flags, problems);
  throwIfProblems(problems);
  return buildPlan(flags.target, flags.allowRemote === true, input);
}

/**
 * The load's flags (profile, rates, mix, SLA, limits, seed) as a typed plan without its target:
 * what `load` points at its target and `run`/`compare` at a strategy. Problems are added to the
 * list, every one of them.
 */
export function planInput(flags: Omit<LoadFlags, 'target'>, problems: string[]): PlanInput {
  const profileName = flags.profile as ProfileName;
  if (!PROFILES.includes(profileName)) problems.push(`--profile must be one of ${PROFILES.join(', ')}`);
  const list = (name: string, raw: string | undefined) => {
    const values = (raw ?? '')
      .split(',')
      .filter((v) => v.trim() !== '')
      .map(Number);
    if (values.some((v) => !Number.isFinite(v) || v <= 0))
      problems.push(`--${name} "${raw}" must be positive numbers, comma-separated`);
    return values;
  };
  const whole = (name: string, raw: string | undefined, min: number): number | undefined => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min)
      problems.push(`--${name} "${raw}" must be a whole number >= ${min}`);
    return Number(raw);
  };
  const ms = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    try {
      return parseDurationMs(raw);
    } catch {
      problems.push(`--${name} "${raw}" is not a duration (e.g. 30s, 2m)`);
      return undefined;
    }
  };
  const mix: { -readonly [K in keyof Mix]: Mix[K] } = { ...DEFAULT_MIX };
  if (flags.streamRatio !== undefined) {
    const r = Number(flags.streamRatio);
    if (!(r >= 0 && r <= 1)) problems.push('--stream-ratio must be between 0 and 1');
    mix.streamRatio = r;
  }
  if (flags.models !== undefined) {
    const pairs = flags.models.split(',').map((p) => p.split('='));
    if (pairs.some(([m, w]) => !m || !(Number(w) > 0)))
      problems.push('--models must look like deepseek-v4-flash=0.8,deepseek-v4-pro=0.2');
    mix.models = Object.fromEntries(pairs.map(([m, w]) => [m, Number(w)]));
  }
  if (flags.maxTokens !== undefined) mix.maxTokens = whole('max-tokens', flags.maxTokens, 1) ?? mix.maxTokens;
  if (flags.keys !== undefined) mix.keys = flags.keys.split(',').filter(Boolean);
  if (flags.promptChars !== undefined) mix.promptChars = list('prompt-chars', flags.promptChars);
  if (flags.thinking !== undefined) {
    const raw = flags.thinking;
    const share = raw === 'on' ? 1 : raw === 'off' ? 0 : raw.trim() === '' ? Number.NaN : Number(raw);
    if (!(share >= 0 && share <= 1))
      problems.push(`--thinking "${raw}" must be on, off or a share between 0 and 1, e.g. 0.3`);
    mix.thinking = share;
  }
  mix.priority = priorityFlag(flags.priority, problems);
  const rates = list('rates', flags.rates);
  const retries = whole('client-retries', flags.clientRetries, 0) ?? 0;
  const seed = whole('seed', flags.seed, 0) ?? 1;
  const maxInFlight = whole('max-in-flight', flags.maxInFlight, 1);
  const stepMs = ms('step-duration', flags.stepDuration);
  const rampMs = ms('ramp', flags.ramp) ?? 0;
  const timeoutMs = ms('timeout', flags.timeout) ?? 60_000;
  if (timeoutMs <= 0) problems.push('--timeout must be above 0');
  let sla: Sla = DEFAULT_SLA;
  try {
    sla = loadSla(flags.sla);
  } catch (err) {
    const { problems: slaProblems = [] } = err as KitError;
    problems.push(...(slaProblems.length > 0 ? slaProblems : [(err as Error).message]));
  }
  const name = PROFILES.includes(profileName) ? profileName : 'stepped';
  return {
    profile: {
      name,
      rates,
      stepSeconds: (stepMs ?? DEFAULT_STEP_SECONDS[name] * 1000) / 1000,
      rampSeconds: rampMs / 1000,
    },
    mix,
    sla,
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
    timeoutMs,
    retries,
    seed,
  };
}

/**
 * After the generator was killed: what it wrote, summarised from its results file (the
 * collector's own reading); the exit code says the run did not finish.
 */
async function summariseWritten(results: string | undefined, sla: Sla): Promise<number> {
  if (!results || !existsSync(results)) {
    process.stderr.write(
      'busybench: no results file was asked for (--results), so nothing is left to summarise\n',
    );
    return EXIT_RUN_FAILED;
  }
  const run = new RunStats(goodputBound(sla.latencyMs));
  await ingestFile(results, run);
  const steps = run.summaries();
  const requests = steps.reduce((n, s) => n + s.requests, 0);
  process.stderr.write(
    `busybench: ${results} holds ${requests} requests in ${steps.length} step(s); what they show:\n`,
  );
  process.stdout.write(
    terminalReport(steps, judge(sla, run.ordered(), run.droppedIterations), run.malformedLines),
  );
  return EXIT_RUN_FAILED;
}

/** --ship and its companions: a collector's URL, a plain runner name, a duration; the engine only. */
function shipFlags(flags: LoadFlags, problems: string[]): void {
  if (flags.ship !== undefined) {
    let ok = false;
    try {
      const u = new URL(flags.ship);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {}
    if (!ok)
      problems.push(`--ship "${flags.ship}" must be a collector's http(s) URL, e.g. http://127.0.0.1:9464`);
    if (flags.engine === 'k6') problems.push('--ship needs the engine (k6 writes its own output)');
  } else
    for (const [name, v] of [
      ['spool', flags.spool],
      ['ship-wait', flags.shipWait],
    ] as const)
      if (v !== undefined) problems.push(`--${name} goes with --ship`);
  if (flags.runner !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(flags.runner))
    problems.push(
      `--runner "${flags.runner}": use 1-128 of A-Z a-z 0-9 . _ - (starting with a letter or digit)`,
    );
  if (flags.shipWait !== undefined)
    try {
      parseDurationMs(flags.shipWait);
    } catch {
      problems.push(`--ship-wait "${flags.shipWait}" is not a duration (e.g. 30s, 2m)`);
    }
}
