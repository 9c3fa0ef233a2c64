import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { ingestFile } from '../collector/src/ingest-file.js';
import { goodputBound, RunStats } from '../collector/src/step-stats.js';
import { fairnessLine, terminalReport } from '../collector/src/terminal-report.js';
import { readTokenFile } from '../common/bearer-token.js';
import { parseDurationMs } from '../common/duration.js';
import type { KitError } from '../common/errors.js';
import { messagesFor } from '../common/i18n/catalogue.js';
import { REPORT_MESSAGES } from '../common/i18n/messages/report.js';
import { DEFAULT_SLA, type Sla } from '../common/sla/sla.js';
import { loadSla } from '../common/sla/sla-file.js';
import { judge } from '../common/sla/verdict.js';
import { buildPlan, type PlanInput } from '../loadtests/build-plan.js';
import {
  APIS,
  type Api,
  type Arrivals,
  DEFAULT_MIX,
  type Mix,
  type Plan,
  TRACE_FORMATS,
  type TraceFormat,
  type TraceSpec,
} from '../loadtests/plan.js';
import { DEFAULT_STEP_SECONDS, PROFILES, type ProfileName } from '../loadtests/profiles.js';
import { describeSessions, MAX_SESSIONS, MAX_TURNS } from '../loadtests/sessions-plan.js';
import { checkLoopbackTarget } from '../loadtests/target-check.js';
import { describeTrace, type TraceInfo } from '../loadtests/trace-plan.js';
import { engineBinary } from '../runner/src/engine-binary.js';
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
  shipTokenFile?: string;
  fsync?: boolean;
  allowRemote?: boolean;
  engine: string;
  k6?: string;
  quiet?: boolean;
  arrivals?: string;
  users?: string;
  reuseShare?: string;
  sessions?: string;
  turns?: string;
  turnGap?: string;
  api?: string;
  stopWhenSaturated?: boolean;
  trace?: string;
  traceFormat?: string;
  traceSpeed?: string;
  traceRate?: string;
  traceStart?: string;
  traceDuration?: string;
  traceLoop?: string;
  traceWindows?: string;
  traceWindow?: string;
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
    .option(
      '--keys <list>',
      "API keys used in turn: key,key, @FILE (one a line) or env:NAME (default the mock's three keys of one account)",
    )
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
    .option(
      '--arrivals <kind>',
      'how arrivals spread around the rate: constant (evenly spaced), poisson, or gamma:CV (CV > 1 burstier than Poisson), seeded (default constant)',
    )
    .option(
      '--users <n>',
      "each request carries user_id, drawn from n users: N (uniform) or N:zipf:S (Zipf's law, exponent S)",
    )
    .option(
      '--reuse-share <p>',
      'share of requests that repeat an earlier request byte for byte (the rest are distinct), 0..1 (default 0)',
    )
    .option(
      '--sessions <n>',
      'multi-turn conversations: arrivals are turns of n conversations in turn, each sending the conversation so far',
    )
    .option('--turns <k>', `turns of each conversation before it starts afresh, 1..${MAX_TURNS} (default 4)`)
    .option(
      '--turn-gap <dur>',
      "or size the conversations by the time between a conversation's turns (mean rate × gap conversations)",
    )
    .option('--api <format>', `request format: ${APIS.join(' or ')} (/anthropic/v1/messages)`, 'openai')
    .option(
      '--stop-when-saturated',
      'end the run once the target is plainly past saturation (in flight and first byte rising while goodput no longer does, 3 s in a row), and say why',
    )
    .option(
      '--trace <file>',
      'replay a request trace (Azure CSV, Mooncake JSONL, BurstGPT CSV, busybench JSONL; .gz too) in place of the profile',
    )
    .option('--trace-format <name>', `the trace's format: ${TRACE_FORMATS.join(', ')} (default: detected)`)
    .option('--trace-speed <x>', 'replay the trace x times faster than recorded (default 1)')
    .option(
      '--trace-rate <req/s>',
      "replay at this mean rate, the trace's shape kept (instead of --trace-speed; not --rates)",
    )
    .option('--trace-start <dur>', "where in the trace to start, in the trace's own time (default 0s)")
    .option(
      '--trace-duration <dur>',
      'how much of the trace to replay, in its own time (default: to its end)',
    )
    .option('--trace-loop <n>', 'replay the stretch n times back to back (default 1)')
    .option(
      '--trace-windows <n>',
      "the run's steps: n time windows of equal length, each judged by the SLA (default 10)",
    )
    .option('--trace-window <dur>', 'or windows of this length (run time), instead of --trace-windows')
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
    .option(
      '--fsync',
      'with --ship: each batch on the disk in the spool before the run goes on (a power loss loses none)',
    )
    .option(
      '--ship-token-file <file>',
      "with --ship: the collector's token (its --token-file), sent as Authorization: Bearer",
    )
    .option('--allow-remote', 'allow a target that is not on this machine')
    .option('-q, --quiet', 'no progress lines while the run goes on (the summary still shows)')
    .action(async (flags: LoadFlags) => {
      try {
        const plan = await loadPlan(flags);
        const files = loadFiles(flags, plan);
        const code = await runLoad(plan, generatorOptions(flags), files);
        if (code.killedBy) {
          process.stderr.write(
            `busybench: the load generator was killed (${code.killedBy}) before it finished: no summary from it.\n`,
          );
          process.exit(await summariseWritten(files.results, plan.sla));
        }
        if (plan.mix.users && files.results)
          await printFairness(files.results, plan.sla, flags.results === undefined);
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
    ...(flags.shipTokenFile === undefined ? {} : { shipTokenFile: flags.shipTokenFile }),
    ...(flags.fsync === true ? { fsync: true } : {}),
  };
}

function loadFiles(flags: LoadFlags, plan: Plan): LoadFiles {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // Fairness between users is read from every request's line: with --users and no --results,
  // the lines go to a file of the run's own, removed after.
  const own =
    plan.mix.users && !flags.results
      ? join(mkdtempSync(join(tmpdir(), 'busybench-users-')), 'results.ndjson')
      : undefined;
  return {
    summary: resolve(flags.summary ?? join('results', `${flags.profile}-${stamp}.json`)),
    results: flags.results ? resolve(flags.results) : own,
  };
}

/** The users' fairness line under the engine's summary, read from the results. */
async function printFairness(results: string, sla: Sla, own: boolean): Promise<void> {
  const run = new RunStats(goodputBound(sla.latencyMs));
  await ingestFile(results, run);
  const f = run.users.summary();
  if (f) process.stdout.write(`${fairnessLine(f, messagesFor(REPORT_MESSAGES, 'en'))}\n`);
  if (own) rmSync(dirname(results), { recursive: true, force: true });
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
  if (input.trace)
    process.stderr.write(`busybench: ${describeTrace(flags.trace as string, input.trace.info)}\n`);
  const plan = buildPlan(flags.target, flags.allowRemote === true, input);
  const sessions = describeSessions(plan);
  if (sessions) process.stderr.write(`busybench: ${sessions}\n`);
  return plan;
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
  const ms = durationFlag(problems);
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
  if (flags.keys !== undefined) mix.keys = keysFlag(flags.keys, problems);
  if (flags.promptChars !== undefined) mix.promptChars = list('prompt-chars', flags.promptChars);
  if (flags.thinking !== undefined) {
    const raw = flags.thinking;
    const share = raw === 'on' ? 1 : raw === 'off' ? 0 : raw.trim() === '' ? Number.NaN : Number(raw);
    if (!(share >= 0 && share <= 1))
      problems.push(`--thinking "${raw}" must be on, off or a share between 0 and 1, e.g. 0.3`);
    mix.thinking = share;
  }
  mix.priority = priorityFlag(flags.priority, problems);
  const users = usersFlag(flags.users, problems);
  if (users) mix.users = users;
  if (flags.reuseShare !== undefined) {
    const p = flags.reuseShare.trim() === '' ? Number.NaN : Number(flags.reuseShare);
    if (!(p >= 0 && p <= 1))
      problems.push(`--reuse-share "${flags.reuseShare}" must be a share between 0 and 1`);
    mix.reuseShare = p;
  }
  const turnGap = sessionsFlags(flags, mix, problems, ms);
  const arrivals = arrivalsFlag(flags.arrivals, problems);
  const api = flags.api ?? 'openai';
  if (!APIS.includes(api as Api)) problems.push(`--api "${api}" must be ${APIS.join(' or ')}`);
  const trace = flags.trace === undefined ? undefined : traceFlags(flags, problems, ms, true);
  if (flags.engine === 'k6')
    for (const [name, given] of [
      ['trace', flags.trace],
      ['arrivals', flags.arrivals],
      ['users', flags.users],
      ['reuse-share', flags.reuseShare],
      ['sessions', flags.sessions ?? flags.turnGap],
      ['api', flags.api === 'openai' ? undefined : flags.api],
      ['stop-when-saturated', flags.stopWhenSaturated],
    ] as const)
      if (given !== undefined)
        problems.push(`--${name} needs the engine (the k6 scripts send the profile's fixed mix)`);
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
  if (trace && problems.length === 0) trace.info = readTrace(trace.spec, problems);
  return {
    ...(arrivals ? { arrivals } : {}),
    ...(api === 'openai' ? {} : { api: api as Api }),
    ...(flags.stopWhenSaturated ? { stopWhenSaturated: true } : {}),
    ...(trace?.info ? { trace: { spec: trace.spec, info: trace.info } } : {}),
    ...(turnGap ? { turnGap } : {}),
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
    terminalReport(
      steps,
      judge(sla, run.ordered(), run.droppedIterations),
      run.malformedLines,
      [],
      'en',
      run.users.summary(),
    ),
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
      ['ship-token-file', flags.shipTokenFile],
      ['fsync', flags.fsync],
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
  // Read here too, so a bad file is said with the other flags' problems, before anything runs.
  if (flags.shipTokenFile !== undefined)
    try {
      readTokenFile(flags.shipTokenFile, '--ship-token-file');
    } catch (err) {
      problems.push((err as Error).message);
    }
}

/** A duration flag's milliseconds; a bad one adds its problem (undefined: not given). */
type DurationFlag = (name: string, raw: string | undefined) => number | undefined;

function durationFlag(problems: string[]): DurationFlag {
  return (name, raw) => {
    if (raw === undefined) return undefined;
    try {
      return parseDurationMs(raw);
    } catch {
      problems.push(`--${name} "${raw}" is not a duration (e.g. 30s, 2m)`);
      return undefined;
    }
  };
}

/**
 * `--keys`: the keys themselves (comma-separated), `@FILE` (one a line, or comma-separated), or
 * `env:NAME` (an environment variable holding them): keys need not stand in the command line,
 * where `ps` and the shell's history show them.
 */
function keysFlag(raw: string, problems: string[]): string[] {
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (err) {
      problems.push(
        `--keys ${raw}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
      return [];
    }
  } else if (raw.startsWith('env:')) {
    const value = process.env[raw.slice(4)];
    if (value === undefined || value.trim() === '') {
      problems.push(`--keys ${raw}: the environment variable ${raw.slice(4)} is not set`);
      return [];
    }
    text = value;
  }
  const keys = text
    .split(/[,\n]/)
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0) problems.push(`--keys "${raw}": no key in it`);
  return keys;
}

/** `--users N` or `N:zipf:S`: the user_id population (undefined: no user_id). */
function usersFlag(raw: string | undefined, problems: string[]): Mix['users'] {
  if (raw === undefined) return undefined;
  const m = /^(\d+)(?::zipf:(\d+(?:\.\d+)?))?$/.exec(raw.trim());
  const count = Number(m?.[1]);
  const zipf = m?.[2] === undefined ? 0 : Number(m[2]);
  if (!m || !(count >= 1 && count <= 1_000_000) || zipf > 10) {
    problems.push(
      `--users "${raw}" must be N (1..1000000 users, uniform) or N:zipf:S (0 <= S <= 10), e.g. 100:zipf:1.1`,
    );
    return undefined;
  }
  return zipf > 0 ? { count, zipf } : { count };
}

/**
 * `--sessions N` or `--turn-gap D`, with `--turns K`: a count goes into the mix now; a gap is
 * returned, turned into a count once the schedule's mean rate is known (buildPlan).
 */
function sessionsFlags(
  flags: Omit<LoadFlags, 'target'>,
  mix: { -readonly [K in keyof Mix]: Mix[K] },
  problems: string[],
  ms: DurationFlag,
): PlanInput['turnGap'] {
  const { sessions, turns: rawTurns, turnGap } = flags;
  if (sessions === undefined && turnGap === undefined) {
    if (rawTurns !== undefined) problems.push('--turns needs --sessions or --turn-gap');
    return undefined;
  }
  if (sessions !== undefined && turnGap !== undefined)
    problems.push('--sessions and --turn-gap both size the conversations: give one');
  if (flags.reuseShare !== undefined)
    problems.push('--reuse-share does not go with --sessions (a conversation repeats its own turns)');
  const turns = rawTurns === undefined ? 4 : Number(rawTurns);
  if (!(/^\d+$/.test(rawTurns ?? '4') && turns >= 1 && turns <= MAX_TURNS))
    problems.push(`--turns "${rawTurns}" must be a whole number within 1..${MAX_TURNS}`);
  if (sessions !== undefined) {
    const count = Number(sessions);
    if (!(/^\d+$/.test(sessions) && count >= 1 && count <= MAX_SESSIONS))
      problems.push(`--sessions "${sessions}" must be a whole number within 1..${MAX_SESSIONS}`);
    mix.sessions = { count, turns };
    return undefined;
  }
  const gapMs = ms('turn-gap', turnGap);
  if (gapMs !== undefined && !(gapMs > 0)) problems.push('--turn-gap must be above 0');
  return gapMs === undefined ? undefined : { ms: gapMs, turns };
}

/** `--arrivals constant|poisson|gamma:CV`. */
function arrivalsFlag(raw: string | undefined, problems: string[]): Arrivals | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'constant' || raw === 'poisson') return { kind: raw };
  const m = /^gamma:(\d+(?:\.\d+)?)$/.exec(raw);
  const cv = Number(m?.[1]);
  if (m && cv > 0 && cv <= 20) return { kind: 'gamma', cv };
  problems.push(`--arrivals "${raw}" must be constant, poisson or gamma:CV with 0 < CV <= 20, e.g. gamma:2`);
  return undefined;
}

/** The --trace flags as the plan's trace; the profile's own flags do not go with them. */
function traceFlags(
  flags: Omit<LoadFlags, 'target'>,
  problems: string[],
  ms: DurationFlag,
  /** The trace replaces the profile (load, run); compare runs it as an experiment of its own. */
  replacesProfile: boolean,
): { spec: TraceSpec; info?: TraceInfo } {
  const file = resolve(flags.trace as string);
  if (!existsSync(file)) problems.push(`--trace ${flags.trace}: no such file`);
  const positive = (name: string, raw: string | undefined, whole: boolean): number | undefined => {
    if (raw === undefined) return undefined;
    const x = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!(x > 0) || (whole && !Number.isInteger(x)))
      problems.push(`--${name} "${raw}" must be a ${whole ? 'whole number >= 1' : 'number above 0'}`);
    return x;
  };
  if (flags.traceFormat !== undefined && !TRACE_FORMATS.includes(flags.traceFormat as TraceFormat))
    problems.push(`--trace-format "${flags.traceFormat}" must be one of ${TRACE_FORMATS.join(', ')}`);
  if (flags.traceSpeed !== undefined && flags.traceRate !== undefined)
    problems.push('--trace-speed and --trace-rate both set the speed: give one');
  if (flags.traceWindows !== undefined && flags.traceWindow !== undefined)
    problems.push('--trace-windows and --trace-window both set the windows: give one');
  for (const [name, given] of [
    ['rates', replacesProfile ? flags.rates : undefined],
    ['step-duration', replacesProfile ? flags.stepDuration : undefined],
    ['arrivals', flags.arrivals],
    ['reuse-share', flags.reuseShare],
    ['sessions', flags.sessions],
    ['turn-gap', flags.turnGap],
  ] as const)
    if (given !== undefined)
      problems.push(
        `--${name} does not go with --trace (the trace brings its arrivals and sizes; --trace-speed or --trace-rate set its pace)`,
      );
  const spec: { -readonly [K in keyof TraceSpec]: TraceSpec[K] } = { file };
  if (flags.traceFormat !== undefined) spec.format = flags.traceFormat as TraceFormat;
  const speed = positive('trace-speed', flags.traceSpeed, false);
  if (speed !== undefined) spec.speed = speed;
  const meanRate = positive('trace-rate', flags.traceRate, false);
  if (meanRate !== undefined) spec.meanRate = meanRate;
  const startMs = ms('trace-start', flags.traceStart);
  if (startMs !== undefined) spec.startMs = startMs;
  const durationMs = ms('trace-duration', flags.traceDuration);
  if (durationMs !== undefined) {
    if (durationMs <= 0) problems.push('--trace-duration must be above 0');
    spec.durationMs = durationMs;
  }
  const loops = positive('trace-loop', flags.traceLoop, true);
  if (loops !== undefined) spec.loops = loops;
  const windows = positive('trace-windows', flags.traceWindows, true);
  if (windows !== undefined) spec.windows = windows;
  const windowMs = ms('trace-window', flags.traceWindow);
  if (windowMs !== undefined) {
    if (windowMs <= 0) problems.push('--trace-window must be above 0');
    spec.windowMs = windowMs;
  }
  return { spec };
}

/** What the engine finds in the trace (the one reader of every format); its refusal, one line. */
function readTrace(spec: TraceSpec, problems: string[]): TraceInfo | undefined {
  const run = spawnSync(engineBinary(), ['--trace-info', JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (run.status === 0) return JSON.parse(run.stdout) as TraceInfo;
  problems.push((run.stderr || run.stdout).trim().replace(/^busybench-engine: /, '--trace: '));
  return undefined;
}

/**
 * compare's trace experiment: the --trace flags as a trace of its own, read by the engine, beside
 * the capacity and fault experiments' profile (whose --rates go with it). Problems added to the list.
 */
export function traceExperimentInput(
  flags: Omit<LoadFlags, 'target'>,
  problems: string[],
): { spec: TraceSpec; info: TraceInfo } | undefined {
  const ms = durationFlag(problems);
  const before = problems.length;
  if (flags.engine === 'k6')
    problems.push("--trace needs the engine (the k6 scripts send the profile's fixed mix)");
  const t = traceFlags(flags, problems, ms, false);
  if (problems.length > before) return undefined;
  const info = readTrace(t.spec, problems);
  return info ? { spec: t.spec, info } : undefined;
}
