/**
 * Benchmark: what a strategy in front of the API costs a client, open-model. The mock answers like
 * an LLM (3 nodes, 100 ms to the first token, 8-20 tokens 5 ms apart); the load engine sends a
 * fixed arrival rate straight to it ("direct"), through our passthrough proxy (the Node frame
 * the reference strategies run in), through passthrough in the Go frame ("go", strategies/frame),
 * through nginx and through HAProxy, at 500, 1 000, 2 000, 3 000
 * req/s and up by 1 000 until each path breaks; non-streaming, then SSE. Then every reference
 * strategy at 2 000 req/s beside the direct path, so a user sees what the strategy itself costs.
 *
 * Placement: the engine on core 0; the mock and the proxy under test on core 1 (nginx's and
 * HAProxy's processes inherit the pinning). Each rate: one uncounted warm-up run per path, then
 * rounds alternating the paths, the order turned by one each round (ABCD, BCDA, ...); medians.
 *   npm run bench:strategies   (BENCH_ROUNDS 5, BENCH_SECONDS 5, BENCH_MODES json,sse,
 *                               BENCH_LADDER and BENCH_PATHS to refine a ceiling,
 *                               BENCH_STRATEGIES 0 to leave out the per-strategy lines,
 *                               BENCH_STRATEGY_FRAME node for them in the Node frame,
 *                               BENCH_STRATEGY_ONLY hedge,nginx for some of them (BENCH_MODES=
 *                               and BENCH_PATHS=direct for those lines alone),
 *                               BENCH_PLACEMENT sidecar | own-core, BENCH_FRAME_FLAGS,
 *                               BENCH_SOAK 1 for the soak alone: BENCH_SOAK_MINUTES 10,
 *                               BENCH_SOAK_RATE 3000, BENCH_SOAK_STRATEGY retry,
 *                               BENCH_SOAK_FRAME go | node, BENCH_SOAK_PROBE_RATE 300,
 *                               BENCH_SETTLE 0 for one step a run instead of two,
 *                               BENCH_STALL_MS 50)
 *
 * Each measured run is two steps at the rate (BENCH_SETTLE=1): the first while the clients open
 * their connections (reported as `first`), the second with them open (the run's figures). Paths:
 * BENCH_PATHS may add `floor`, the thinnest Node proxy (plain-node-proxy.ts), to split our frame's
 * cost into Node's and our own layers'.
 *
 * BENCH_PLACEMENT: `sidecar` (the default) puts the mock and the proxy under test on core 1,
 * the engine alone on core 0, as a sidecar proxy shares its app's machine; `own-core` gives the
 * proxy under test core 1 alone and puts the mock with the engine on core 0 (the load side), so
 * a path's added latency is its own work, not its contention with the mock for one core.
 * BENCH_FRAME_FLAGS: Node flags for our frame's processes only (passthrough and the strategies),
 * to measure a flag (`--max-semi-space-size=64`) against the frame's defaults.
 *
 * Stalls: a sentinel on each core (stall-watch.ts) says when the core did not run it for
 * BENCH_STALL_MS or more, longer than a loaded core delays a sleeper (15-25 ms at most here, at
 * json 4 000 req/s through the Go frame). Each run says its longest, and each core's speed (the
 * sentinel's fixed integer work against its fastest second); the figures count the rounds with
 * a stall (stalledRounds). No round is retaken for one: every stall seen here (96-182 ms, 7 of
 * 7) came in a round where a proxy had collapsed (7.8-59 % answered), none in a calm round, so
 * they are as likely the load's (the kernel's work for thousands of connections, say) as the
 * machine's, and retaking them would take a path's worst rounds out of its medians.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { MOCK_NODE_FLAGS } from '../common/mock-node-flags.js';
import { packageRoot } from '../common/paths.js';
import {
  boundBetween,
  type FrameCounts,
  frameAttempts,
  frameCostBetween,
  frameCounts,
  scrapeFrameCounts,
} from '../runner/src/frame-cost-read.js';
import { GO_FRAME_STRATEGIES } from '../strategies/src/go-frame.js';
import { median, startPinned as startPinnedNode } from './pinned.js';
import { type Stall, type StallWatch, startStallWatch } from './stall-watch.js';
import { MIN_POINTS, type Trend, theilSen, trendWord } from './trend.js';

const run = promisify(execFile);
const ROOT = packageRoot();
const BUSYBENCH = join(ROOT, 'bin/busybench.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MODES = (process.env.BENCH_MODES ?? 'json,sse').split(',').filter((m) => m !== '') as Mode[];
const WITH_STRATEGIES = (process.env.BENCH_STRATEGIES ?? '1') === '1';
const LADDER = (process.env.BENCH_LADDER ?? '500,1000,2000,3000,4000,5000,6000,7000,8000')
  .split(',')
  .map(Number);
const STRATEGY_RATE = 2000;
const MOCK_PORT = 18_600;
const PLACEMENT = process.env.BENCH_PLACEMENT ?? 'sidecar';
if (PLACEMENT !== 'sidecar' && PLACEMENT !== 'own-core')
  throw new Error(`BENCH_PLACEMENT must be sidecar or own-core, not ${JSON.stringify(PLACEMENT)}`);
/** The mock's core: beside the proxy (sidecar), or beside the engine (own-core). */
const MOCK_CORE = PLACEMENT === 'sidecar' ? 1 : 0;
const FRAME_FLAGS = (process.env.BENCH_FRAME_FLAGS ?? '').split(' ').filter((f) => f !== '');
/**
 * BENCH_SETTLE=1 (the default): each measured run is two steps, the clients' connections opening,
 * then the rate held (measure()); 0: one step, the figures of the two mixed as before 2026-12-05.
 */
const SETTLE = (process.env.BENCH_SETTLE ?? '1') === '1';
/** A core that did not run its sentinel for this long (ms) is said as stalled (stall-watch.ts). */
const STALL_MS = Number(process.env.BENCH_STALL_MS ?? 50);
if (!(STALL_MS >= 10)) throw new Error('BENCH_STALL_MS must be a number of ms, at least 10');
/** The cores the sentinels watch: the engine's and the proxy's. */
const CORES = [0, 1] as const;
/** The sentinels, once started (main). */
let stalls: StallWatch | null = null;

type Mode = 'json' | 'sse';
/**
 * `go`: passthrough in the Go frame (strategies/frame); `floor`: the thinnest Node proxy
 * (plain-node-proxy.ts), only when BENCH_PATHS names it.
 */
type Path = 'direct' | 'passthrough' | 'go' | 'nginx' | 'haproxy' | 'floor';
const PATHS = (process.env.BENCH_PATHS ?? 'direct,passthrough,go,nginx,haproxy').split(',') as Path[];
/** The paths that are one of our frames: issue 28's goals are said for each. */
const FRAMES = ['passthrough', 'go'] as const;
const noPaths = <T>(v: () => T) =>
  ({ direct: v(), passthrough: v(), go: v(), nginx: v(), haproxy: v(), floor: v() }) as Record<Path, T>;
const UPSTREAMS = [0, 1, 2].map((i) => `http://127.0.0.1:${MOCK_PORT + i}`);
/** The mock's process, once started: its CPU counts in the load on the proxy's core (sidecar). */
let mockPid: number | null = null;

/**
 * Options that take each strategy's own limits out of the way at 2 000 req/s (a bulkhead of 32
 * would shape the load, not show its cost); what remains is the strategy's work per request. A
 * `<name>@go` line runs `<name>`'s options in the Go frame (strategyOptions).
 */
const STRATEGY_LINES: Record<string, string[]> = {
  passthrough: [],
  'passthrough@go': [],
  retry: [],
  'retry@go': [],
  breaker: [],
  bulkhead: ['limit=2000', 'queue=2000'],
  'rate-limit': ['rps=10000'],
  'key-pool': ['keys=sk-busybench'],
  'balance-wrr': [],
  'balance-lor': [],
  hedge: [],
  cache: [],
  fallback: [],
  'openai-sdk': [],
  priority: ['limit=2000', 'queue=2000'],
};
/**
 * BENCH_STRATEGY_FRAME: `go` (the default, as it is the strategies' default frame) runs every
 * strategy the Go frame runs (`<name>@go`, with the lines' options), so a user reads what each
 * strategy costs in the frame `busybench run` starts; `node` runs the lines above in the Node
 * frame. nginx and HAProxy close both.
 */
const STRATEGY_FRAME = process.env.BENCH_STRATEGY_FRAME ?? 'go';
if (STRATEGY_FRAME !== 'node' && STRATEGY_FRAME !== 'go')
  throw new Error(`BENCH_STRATEGY_FRAME must be node or go, not ${JSON.stringify(STRATEGY_FRAME)}`);
const strategyLineNames = (): string[] =>
  STRATEGY_FRAME === 'node'
    ? Object.keys(STRATEGY_LINES)
    : Object.keys(STRATEGY_LINES)
        .filter((n) => !n.endsWith('@go') && GO_FRAME_STRATEGIES.has(n))
        .map((n) => `${n}@go`);
/**
 * A line's options: the strategy's own, and its frame named (the Go frame is the default for the
 * strategies it runs): `frame=go` for a `<name>@go` line, `frame=node` for the others of ours.
 */
const strategyOptions = (name: string): string[] => {
  const base = name.replace(/@go$/, '');
  const own = STRATEGY_LINES[base];
  if (own === undefined) return []; // nginx: not ours
  return [...own, name === base ? 'frame=node' : 'frame=go'];
};
/** HAProxy with its queue out of the way (the priority split's defaults suit a small account). */
const HAPROXY_OPTS = ['maxconn=2000', 'reserve=0.01', 'interactive=0.01'];

interface Run {
  readonly answeredShare: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ttftP50Ms: number | null;
  readonly lateP99Ms: number;
  readonly dropped: number;
  /** CPU milliseconds the proxy (its whole process tree) spent per request; the mock's for direct. */
  readonly cpuMsPerReq: number;
  readonly errors: Readonly<Record<string, number>>;
  /** The first step's figures, while the clients open their connections (BENCH_SETTLE=1). */
  readonly first: StepRun | null;
  /**
   * The load on the proxy's core: the CPU time of every process of ours on it (the proxy, and
   * the mock in the sidecar placement; the mock alone for direct there) over the steps' time.
   * Near 1, a path's added latency is mostly its wait for the core; above 1, the run asked more
   * of the core than it has (the rest ran after the steps, as a backlog).
   */
  readonly coreLoad: number;
  /**
   * Our frame's own view of the run from its /metrics (null on a path without it: direct, nginx,
   * HAProxy): its own work a request at p50 and p99, and how late its scheduler (event loop)
   * ran ready work at p99, each the bucket bound it fell under. What the path added beyond these
   * is the request's wait outside the frame's timers: for the core, and in the kernel's queues.
   */
  readonly own: OwnView | null;
  /** The longest stall of a core (BENCH_STALL_MS or more) during the run, or null. */
  readonly stall: Stall | null;
  /** Cores 0 and 1's speed over the run (StallWatch.speedBetween; 1 the fastest seen). */
  readonly speed: readonly (number | null)[];
}

/** A step's figures as a path's run, without what only a whole measured run has. */
type StepRun = Omit<Run, 'cpuMsPerReq' | 'first' | 'coreLoad' | 'own' | 'stall' | 'speed'>;

interface OwnView {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly waitP99Ms: number;
}

interface Started {
  readonly url: string;
  readonly child: ChildProcess;
  /** One of our frames (a /metrics with the frame's own counts). */
  readonly frame?: boolean;
}

/** A busybench command pinned to `core`, resolved with the URL of its listening line. */
async function startPinned(
  core: number,
  args: string[],
  ready: RegExp,
  nodeFlags: readonly string[] = [],
): Promise<Started> {
  const { child, match } = await startPinnedNode([...nodeFlags, BUSYBENCH, ...args], ready, core);
  return { url: match[1] as string, child };
}

/** A strategy (ours, nginx or HAProxy) in front of the mock's nodes, on core 1. */
async function startProxy(name: string, opts: readonly string[] = []): Promise<Started> {
  const frame = name !== 'nginx' && name !== 'haproxy';
  const s = await startPinned(
    1,
    ['strategy', name, '-u', UPSTREAMS.join(','), '-p', '0', ...opts.flatMap((o) => ['-o', o])],
    /listening on (http:\/\/[\d.:]+)/,
    frame ? FRAME_FLAGS : [],
  );
  return { ...s, frame };
}

/** Our frame's own view between two scrapes of its /metrics (Run.own), in ms; null where unread. */
function ownBetween(before: FrameCounts | null, after: FrameCounts | null): OwnView | null {
  const cost = before && after ? frameCostBetween(before, after) : null;
  return cost && { p50Ms: cost.own50 * 1000, p99Ms: cost.own99 * 1000, waitP99Ms: cost.loop99 * 1000 };
}

/** utime + stime of a process and all its descendants, in ms (nginx's and HAProxy's workers too). */
function treeCpuMs(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      const fields = (readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1] as string).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const c of children ? children.split(' ') : []) visit(Number(c));
    } catch {
      // a process that ended between the reads
    }
  };
  visit(pid);
  return total;
}

interface StepFigures {
  readonly requests: number;
  readonly dropped: number;
  readonly successRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ttftP50Ms: number | null;
  readonly lateP99Ms: number;
  readonly errors: Record<string, number>;
}

/** One engine run, open model, from core 0: each rate a step of `seconds`; the steps' figures. */
async function loadSteps(
  url: string,
  rates: readonly number[],
  seconds: number,
  mode: Mode,
): Promise<StepFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'busybench-sbench-'));
  const summary = join(dir, 'summary.json');
  const args = [
    ...['-c', '0', process.execPath, BUSYBENCH, 'load', '-t', url, '-p', 'stepped'],
    ...['-r', rates.join(','), '-d', `${seconds}s`, '--stream-ratio', mode === 'sse' ? '1' : '0'],
    ...['--thinking', 'off', '--max-tokens', '20', '--keys', 'sk-busybench', '--prompt-chars', '200'],
    ...['--timeout', '30s', '-q', '--summary', summary],
  ];
  // Exit 99 is a broken SLA line (the default SLA's p99 800 ms): the figures still stand.
  await run('taskset', args, { timeout: (seconds * rates.length + 60) * 1000 }).catch(
    (err: { code?: number }) => {
      if (err.code !== 99) throw err;
    },
  );
  const s = JSON.parse(readFileSync(summary, 'utf8')) as { steps: StepFigures[] };
  if (s.steps.length === 0) throw new Error(`no step in ${summary}`);
  return s.steps;
}

/** A step's figures as a path's run (its CPU apart). */
function asRun(step: StepFigures, rate: number, seconds: number): StepRun {
  return {
    answeredShare: (step.requests * step.successRate) / (rate * seconds),
    p50Ms: step.p50Ms,
    p99Ms: step.p99Ms,
    ttftP50Ms: step.ttftP50Ms,
    lateP99Ms: step.lateP99Ms,
    dropped: step.dropped,
    errors: step.errors,
  };
}

async function load(url: string, rate: number, seconds: number, mode: Mode): Promise<StepRun> {
  return asRun((await loadSteps(url, [rate], seconds, mode))[0] as StepFigures, rate, seconds);
}

/**
 * One measured run of a path: an engine run of two steps at the same rate, each `seconds` long.
 * The first opens the clients' connections (a new engine process has none: hundreds open within
 * its first second, and each path pays its own price for them); the second is the rate held,
 * connections open. Both are kept: `first` is what a crowd of new clients sees, the run's
 * figures are the steady state. The CPU counts both steps (the path's whole work).
 */
async function measure(target: Started, rate: number, seconds: number, mode: Mode): Promise<Run> {
  const pid = target.child.pid as number;
  // The mock shares the proxy's core in the sidecar placement (for direct it is the target).
  const mockToo = PLACEMENT === 'sidecar' && mockPid !== null && mockPid !== pid ? mockPid : null;
  const metrics = target.frame ? `${target.url}/metrics` : null;
  const ownBefore = metrics ? await scrapeFrameCounts(metrics) : null;
  const before = treeCpuMs(pid);
  const mockBefore = mockToo === null ? 0 : treeCpuMs(mockToo);
  const t0 = Date.now();
  const steps = await loadSteps(target.url, SETTLE ? [rate, rate] : [rate], seconds, mode);
  const t1 = Date.now();
  const cpu = treeCpuMs(pid) - before;
  const mockCpu = mockToo === null ? 0 : treeCpuMs(mockToo) - mockBefore;
  // A sentinel says a stall when it wakes after it: give the last one's line time to arrive.
  if (stalls) await sleep(STALL_MS + 20);
  const stall = stalls?.longestBetween(t0, t1) ?? null;
  const speed = stalls?.speedBetween(t0, t1) ?? [];
  const own = metrics ? ownBetween(ownBefore, await scrapeFrameCounts(metrics)) : null;
  const held = asRun(steps.at(-1) as StepFigures, rate, seconds);
  const first = SETTLE ? asRun(steps[0] as StepFigures, rate, seconds) : null;
  const onCore = PLACEMENT === 'sidecar' || pid !== mockPid ? cpu + mockCpu : 0;
  return {
    ...held,
    first,
    cpuMsPerReq: cpu / (rate * seconds * steps.length),
    // Over the steps' time (the engine's start and end, without load, left out).
    coreLoad: onCore / (seconds * 1000 * steps.length),
    own,
    stall,
    speed,
  };
}

interface Figures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly answeredShare: number;
  readonly cpuMsPerReq: number;
  /** The median round's load on the proxy's core (Run.coreLoad). */
  readonly coreLoad: number;
  /** The median of the rounds' own views (Run.own), each bound; null unless every round has one. */
  readonly own: OwnView | null;
  readonly ttftP50Ms: number | null;
  readonly lateP99Ms: number;
  readonly p50AddedMs: number;
  readonly p99AddedMs: number;
  /** Min and max of the per-round differences to direct (their spread). */
  readonly p99AddedSpreadMs: readonly [number, number];
  readonly p50AddedSpreadMs: readonly [number, number];
  /** Every round's generator kept up (../shared/benchmarking.md: nothing dropped, late p99 <= 5 ms). */
  readonly generatorKeptUp: boolean;
  readonly holds: boolean;
  /** Rounds with a stall (BENCH_STALL_MS) in this path's run or direct's. */
  readonly stalledRounds: number;
  /** The median of the runs' speeds, core 0 and core 1 (Run.speed). */
  readonly speed: readonly (number | null)[];
  /** The first step's (connections opening) p99, and its median difference to direct's. */
  readonly firstP99Ms: number | null;
  readonly firstP99AddedMs: number | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
/** ../shared/benchmarking.md: a generator keeps up when it dropped none and ran <= 5 ms late at p99. */
const keptUp = (s: { readonly dropped: number; readonly lateP99Ms: number }) =>
  s.dropped === 0 && s.lateP99Ms <= 5;
/** A difference with its sign: +3.2, -1.5. */
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x}`;
/** "+0.5 ms a minute (95 % -0.5 … +2.1) over 10 minutes". */
const trendText = (t: Trend) =>
  `${signed(round1(t.slope))} ms a minute (95 % ${signed(round1(t.lo))} … ${signed(round1(t.hi))}) over ${t.points} minutes`;
const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
const ownText = (o: OwnView) =>
  `work <= ${o.p50Ms} ms p50, <= ${o.p99Ms} ms p99 a request; scheduler <= ${o.waitP99Ms} ms late at p99`;

/** Medians of a path's rounds, with the per-round differences to direct (same round). */
function figures(runs: readonly Run[], direct: readonly Run[]): Figures {
  const added = (f: (r: Run) => number) => runs.map((r, i) => f(r) - f(direct[i] as Run));
  const p99Added = added((r) => r.p99Ms);
  const p50Added = added((r) => r.p50Ms);
  const ttft = runs.map((r) => r.ttftP50Ms).filter((x): x is number => x !== null);
  const fig = {
    p50Ms: round1(median(runs.map((r) => r.p50Ms))),
    p99Ms: round1(median(runs.map((r) => r.p99Ms))),
    answeredShare: Number(median(runs.map((r) => r.answeredShare)).toFixed(4)),
    cpuMsPerReq: Number(median(runs.map((r) => r.cpuMsPerReq)).toFixed(3)),
    coreLoad: Number(median(runs.map((r) => r.coreLoad)).toFixed(3)),
    own: runs.every((r) => r.own)
      ? {
          p50Ms: median(runs.map((r) => (r.own as OwnView).p50Ms)),
          p99Ms: median(runs.map((r) => (r.own as OwnView).p99Ms)),
          waitP99Ms: median(runs.map((r) => (r.own as OwnView).waitP99Ms)),
        }
      : null,
    ttftP50Ms: ttft.length > 0 ? round1(median(ttft)) : null,
    lateP99Ms: round1(median(runs.map((r) => r.lateP99Ms))),
    p50AddedMs: round1(median(p50Added)),
    p99AddedMs: round1(median(p99Added)),
    p99AddedSpreadMs: [round1(Math.min(...p99Added)), round1(Math.max(...p99Added))] as const,
    p50AddedSpreadMs: [round1(Math.min(...p50Added)), round1(Math.max(...p50Added))] as const,
    generatorKeptUp: runs.every(keptUp),
    stalledRounds: runs.filter((r, i) => r.stall !== null || direct[i]?.stall).length,
    speed: CORES.map((c) => {
      const xs = runs.map((r) => r.speed[c]).filter((x): x is number => typeof x === 'number');
      return xs.length > 0 ? Number(median(xs).toFixed(2)) : null;
    }),
  };
  // The shared definition (../shared/benchmarking.md): >= 97 % answered, p99 <= 2 x direct's.
  const holds = fig.answeredShare >= 0.97 && fig.p99Ms <= 2 * median(direct.map((r) => r.p99Ms));
  const firsts = runs.every((r) => r.first) && direct.every((r) => r.first);
  const firstP99 = (r: Run) => (r.first as NonNullable<Run['first']>).p99Ms;
  return {
    ...fig,
    holds,
    firstP99Ms: firsts ? round1(median(runs.map(firstP99))) : null,
    firstP99AddedMs: firsts
      ? round1(median(runs.map((r, i) => firstP99(r) - firstP99(direct[i] as Run))))
      : null,
  };
}

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

const stallText = (s: Stall) => `core ${s.core} stalled ${s.ms.toFixed(0)} ms`;
/** Cores' speeds as said: "94/81 %" (core 0/core 1 against the fastest each ran). */
const speedText = (speed: readonly (number | null)[]) =>
  `${speed.map((x) => (x === null ? '-' : (x * 100).toFixed(0))).join('/')} %`;

async function ladder(targets: Record<Path, Started>, mode: Mode) {
  const table: Record<number, Partial<Record<Path, Figures>>> = {};
  const alive = new Set<Path>(PATHS);
  const ceiling = noPaths<number | null>(() => null);
  for (const rate of LADDER) {
    const paths = PATHS.filter((p) => alive.has(p));
    for (const p of paths) await load(targets[p].url, rate, 2, mode); // warm-up, not counted
    const runs = noPaths<Run[]>(() => []);
    for (let r = 1; r <= ROUNDS; r++) {
      // Each round in another order, so no path always follows the same one.
      const order = paths.map((_, i) => paths[(i + r - 1) % paths.length] as Path);
      for (const p of order) runs[p].push(await measure(targets[p], rate, SECONDS, mode));
      line(
        `${mode} ${rate} req/s round ${r}/${ROUNDS}: ${paths
          .map((p) => {
            const x = runs[p].at(-1) as Run;
            const first = x.first ? ` (first ${x.first.p99Ms.toFixed(0)})` : '';
            return `${p} ${x.p50Ms.toFixed(1)}/${x.p99Ms.toFixed(1)} ms${first} ${(x.answeredShare * 100).toFixed(1)}% ${x.cpuMsPerReq.toFixed(3)} cpu, core load ${(x.coreLoad * 100).toFixed(0)}%, speed ${speedText(x.speed)}${x.stall ? `, ${stallText(x.stall)}` : ''}${x.own ? `, own ${ownText(x.own)}` : ''}`;
          })
          .join(' | ')}`,
      );
    }
    table[rate] = {};
    for (const p of paths) {
      const f = figures(runs[p], runs.direct);
      (table[rate] as Record<Path, Figures>)[p] = f;
      if (p === 'direct' ? f.answeredShare >= 0.97 : f.holds) ceiling[p] = rate;
      else alive.delete(p);
    }
    // Past the direct path's own limit nothing can be said about a proxy's.
    if (!alive.has('direct') || [...alive].every((p) => p === 'direct')) break;
  }
  return { table, ceiling };
}

/** The issues' goals for one of our frames, each said as met or not, from the same run's figures. */
function goals(mode: Mode, r: Awaited<ReturnType<typeof ladder>>, frame: (typeof FRAMES)[number]): void {
  const ours = r.ceiling[frame];
  const nginx = r.ceiling.nginx;
  const at = (rate: number) => r.table[rate]?.[frame];
  const say = (ok: boolean | null, what: string) =>
    line(`goal ${mode} ${frame}: ${ok === null ? 'not measured' : ok ? 'met' : 'NOT met'}: ${what}`);
  say(
    ours !== null && nginx !== null ? ours >= 0.8 * nginx : null,
    `${frame}'s ceiling ${ours ?? '-'} >= 0.8 x nginx's ${nginx ?? '-'} (ladder steps bound the ratio)`,
  );
  const f2 = at(2000);
  say(
    f2 ? f2.p50AddedMs <= 2 && f2.p99AddedMs <= 30 : null,
    f2 ? `at 2000 req/s +${f2.p50AddedMs} ms p50 (<= 2), +${f2.p99AddedMs} ms p99 (<= 30)` : 'at 2000 req/s',
  );
  const f1 = at(1000);
  say(
    f1 ? f1.p99AddedMs <= 10 : null,
    f1 ? `at 1000 req/s +${f1.p99AddedMs} ms p99 (<= 10)` : 'at 1000 req/s',
  );
  // Issue 28's goals, against nginx's figures of the same rounds.
  const issue28 = (rate: number, p50: number | null, p99x: number, cpux: number | null) => {
    const f = at(rate);
    const n = r.table[rate]?.nginx;
    if (!f || !n) return say(null, `issue 28 at ${rate} req/s (${frame} and nginx both measured)`);
    const stalled = `rounds with a stall of a core: ${f.stalledRounds} (nginx's ${n.stalledRounds})`;
    const p99Limit = Math.max(20, p99x * n.p99AddedMs);
    const cpuOk = cpux === null || f.cpuMsPerReq <= cpux * n.cpuMsPerReq;
    say(
      (p50 === null || f.p50AddedMs <= p50) && f.p99AddedMs <= p99Limit && f.answeredShare === 1 && cpuOk,
      `issue 28 at ${rate} req/s: +${f.p50AddedMs} ms p50${p50 === null ? '' : ` (<= ${p50})`}, +${f.p99AddedMs} ms p99 (<= ${round1(p99Limit)}: max(20, ${p99x} x nginx's +${n.p99AddedMs})), ${(f.answeredShare * 100).toFixed(2)}% answered (100 %)${cpux === null ? '' : `, CPU ${f.cpuMsPerReq} ms a request (<= ${cpux} x nginx's ${n.cpuMsPerReq})`}; connections opening: +${f.firstP99AddedMs ?? '-'} ms p99 (nginx +${n.firstP99AddedMs ?? '-'}); load on the proxy's core ${pct(f.coreLoad)} (nginx's ${pct(n.coreLoad)}); the cores' speed over its runs ${speedText(f.speed)} (core 0/core 1, against the fastest they ran; direct's ${speedText(r.table[rate]?.direct?.speed ?? [])})${f.own ? `; the frame's own view (its timers): ${ownText(f.own)}` : ''}; ${stalled}`,
    );
  };
  if (mode === 'json') for (const rate of [4000, 5000]) issue28(rate, 2, 2, null);
  else issue28(2000, null, 1.5, 1.3);
}

async function strategyLines(direct: Started): Promise<Record<string, Figures>> {
  const out: Record<string, Figures> = {};
  const only = (process.env.BENCH_STRATEGY_ONLY ?? '').split(',').filter((n) => n !== '');
  const names = [...strategyLineNames(), 'nginx', 'haproxy'].filter(
    (n) => only.length === 0 || only.includes(n.replace(/@go$/, '')),
  );
  for (const name of names) {
    const opts = name === 'haproxy' ? HAPROXY_OPTS : strategyOptions(name);
    const proxy = await startProxy(name.replace(/@go$/, ''), opts);
    try {
      await load(proxy.url, STRATEGY_RATE, 2, 'json'); // warm-up, not counted
      const runs: Run[] = [];
      const directRuns: Run[] = [];
      for (let r = 1; r <= ROUNDS; r++) {
        directRuns.push(await measure(direct, STRATEGY_RATE, SECONDS, 'json'));
        runs.push(await measure(proxy, STRATEGY_RATE, SECONDS, 'json'));
      }
      out[name] = figures(runs, directRuns);
      const f = out[name] as Figures;
      const stalled = f.stalledRounds > 0 ? `; rounds with a stall of a core: ${f.stalledRounds}` : '';
      line(
        `strategy ${name} at ${STRATEGY_RATE} req/s: +${f.p50AddedMs} ms p50, +${f.p99AddedMs} ms p99, ${(f.answeredShare * 100).toFixed(1)}% answered, ${f.cpuMsPerReq} CPU ms/req, load on the proxy's core ${pct(f.coreLoad)}${f.own ? `; own ${ownText(f.own)}` : ''}${stalled}`,
      );
    } finally {
      proxy.child.kill('SIGTERM');
      await new Promise((r) => proxy.child.once('exit', r));
    }
  }
  return out;
}

/** What a frame's /metrics says at one moment: its cost counts, and its upstream attempts by status. */
interface FrameReading {
  readonly counts: FrameCounts;
  readonly attempts: ReadonlyMap<string, number>;
}

async function readFrame(url: string): Promise<FrameReading> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  return { counts: frameCounts(text), attempts: frameAttempts(text) };
}

/** A loop delay's p99 bound as said: past the last bound (1 s) it is no number but "> 1 s". */
const loopText = (ms: number | null) => (ms === null ? '-' : Number.isFinite(ms) ? `≤ ${ms} ms` : '> 1 s');

/** Between two readings: the frame's event-loop delay p99 bound (ms) and its attempts by status. */
function frameBetween(
  a: FrameReading,
  b: FrameReading,
): { loopP99Ms: number | null; attempts: Record<string, number> } {
  const family = 'busybench_strategy_event_loop_delay_seconds_bucket';
  const loop = boundBetween(a.counts.get(family), b.counts.get(family), 0.99);
  const attempts: Record<string, number> = {};
  for (const [status, n] of b.attempts) attempts[status] = n - (a.attempts.get(status) ?? 0);
  return { loopP99Ms: loop ? loop.bound * 1000 : null, attempts };
}

/** The resident set of a process and all its descendants (the Go frame under its launcher), MB. */
function rssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const c of children ? children.split(' ') : []) visit(Number(c));
    } catch {
      // a process that ended between the reads
    }
  };
  visit(pid);
  return kb / 1024;
}

/** How long the soak's probe runs before the soak itself (soak, below). */
const PROBE_LEAD_MS = 3000;

/**
 * The soak (issue 28): BENCH_SOAK_MINUTES (10) at BENCH_SOAK_RATE (3 000 req/s) through
 * BENCH_SOAK_STRATEGY (retry), one engine run of a step a minute, so each minute has its own
 * p99. The direct path is measured for 30 s before and after at the same rate (the lower p99 of
 * the two is the shared definition's baseline of "added"), and the frame's RSS each second.
 * Beside the soak, a second engine sends BENCH_SOAK_PROBE_RATE (300 req/s; 0: none) straight
 * to the mock, a step a minute too (started 3 s ahead): each minute's direct p99 under that
 * minute's machine, so a slow minute of the shared machine, which lifts both paths' tails, is not read
 * as the frame's.
 * Goals: RSS at minute 10 within 10 % of minute 2's; the added p99 of minute 10 within 20 % of
 * minute 2's (judged against both baselines, each said).
 */
async function soak(direct: Started): Promise<unknown> {
  const minutes = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
  const rate = Number(process.env.BENCH_SOAK_RATE ?? 3000);
  const name = process.env.BENCH_SOAK_STRATEGY ?? 'retry';
  const frame = process.env.BENCH_SOAK_FRAME ?? 'go';
  const probeRate = Number(process.env.BENCH_SOAK_PROBE_RATE ?? 300);
  if (!(probeRate >= 0 && probeRate < rate))
    throw new Error('BENCH_SOAK_PROBE_RATE must be at least 0 and below BENCH_SOAK_RATE');
  if (!(minutes >= 3)) throw new Error('BENCH_SOAK_MINUTES must be at least 3 (minute 2 against the last)');
  if (frame !== 'node' && frame !== 'go') throw new Error('BENCH_SOAK_FRAME must be node or go');
  const proxy = await startProxy(name, [...(STRATEGY_LINES[name] ?? []), `frame=${frame}`]);
  const pid = proxy.child.pid as number;
  try {
    await load(proxy.url, rate, 5, 'json'); // warm-up, not counted
    const before = await load(direct.url, rate, 30, 'json');
    // The probe starts PROBE_LEAD_MS before the soak, so its minute m is the soak's minute m
    // less those seconds: two engines starting together on one core made the soak's generator
    // 0.36-1.1 s late at p99 in 2 of 3 trial runs (none of 3 with the lead), which "kept up"
    // would then rightly refuse to judge. Its rejection is awaited below, not left unhandled.
    const probeRun = probeRate > 0 ? loadSteps(direct.url, Array(minutes).fill(probeRate), 60, 'json') : null;
    probeRun?.catch(() => undefined);
    if (probeRun) await sleep(PROBE_LEAD_MS);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMb(pid)), 1000);
    // The frame's own view each minute (its loop's delay, its attempts by status): where a
    // minute's tail came from, told apart from the client's figures.
    const readings: FrameReading[] = [await readFrame(proxy.url)];
    const minuteReader = setInterval(() => void readFrame(proxy.url).then((r) => readings.push(r)), 60_000);
    const t0 = Date.now();
    const [steps, probe] = await Promise.all([
      loadSteps(proxy.url, Array(minutes).fill(rate), 60, 'json'),
      probeRun,
    ]).finally(() => {
      clearInterval(sampler);
      clearInterval(minuteReader);
    });
    if (readings.length <= minutes) readings.push(await readFrame(proxy.url));
    const seconds = (Date.now() - t0) / 1000;
    const after = await load(direct.url, rate, 30, 'json');
    // The lower of the two: a stall of the machine during one of them (seen here: a direct p99
    // of 1 s against 0.2 s) would otherwise lift the baseline and make every minute look cheaper.
    const base = Math.min(before.p99Ms, after.p99Ms);
    // RSS at the end of minute m (the samples run a second apart from the soak's start).
    const rssAt = (m: number) => rss[Math.min(rss.length - 1, m * 60 - 1)] as number;
    const perMinute = steps.map((st, i) => {
      const pr = probe?.[i] ? asRun(probe[i], probeRate, 60) : null;
      return {
        minute: i + 1,
        p50Ms: round1(st.p50Ms),
        p99Ms: round1(st.p99Ms),
        p99AddedMs: round1(st.p99Ms - base),
        // The minute's own baseline: the probe straight to the mock over the same minute, 3 s
        // ahead (null without a probe; keptUp: whether its generator kept up, else its p99 is no
        // figure).
        probe: pr && {
          p99Ms: round1(pr.p99Ms),
          answeredShare: Number(pr.answeredShare.toFixed(4)),
          keptUp: keptUp(pr),
        },
        p99AddedToProbeMs: pr && round1(st.p99Ms - pr.p99Ms),
        answeredShare: Number(((st.requests * st.successRate) / (rate * 60)).toFixed(4)),
        lateP99Ms: round1(st.lateP99Ms),
        dropped: st.dropped,
        // The longest stall of a core in the minute (from the engine's start, within its
        // start-up's fraction of a second), so a minute's tail is read beside it.
        stall: stalls?.longestBetween(t0 + i * 60_000, t0 + (i + 1) * 60_000) ?? null,
        speed: stalls?.speedBetween(t0 + i * 60_000, t0 + (i + 1) * 60_000) ?? [],
        rssMb: round1(rssAt(i + 1)),
        // The frame's own view of the minute (null past the readings taken).
        frame:
          readings[i] && readings[i + 1]
            ? frameBetween(readings[i] as FrameReading, readings[i + 1] as FrameReading)
            : null,
      };
    });
    type Minute = (typeof perMinute)[number];
    const m2 = perMinute[1] as Minute;
    const last = perMinute.at(-1) as Minute;
    // The added p99 is only a figure where the path held: answers that timed out make every
    // minute's p99 the timeout, equal but meaningless.
    const held = (x: { readonly answeredShare: number }) => x.answeredShare >= 0.97;
    // A minute in which the generator fell behind (keptUp) is no open-model figure: its p99 is
    // not judged (a stall of a core, if there was one, is said on the minute's line).
    const judgedMinute = (m: Minute) => held(m) && keptUp(m);
    const probedMinute = (m: Minute) => judgedMinute(m) && m.probe?.keptUp === true && held(m.probe);
    // The added p99's drift over every minute judged, with its interval (bench/trend.ts): what
    // minute 10 against minute 2 cannot tell apart from the minutes' noise.
    const trendOf = (ms: readonly Minute[], y: (m: Minute) => number) =>
      theilSen(ms.map((m) => ({ x: m.minute, y: y(m) })));
    const trends = {
      addedP99: trendOf(perMinute.filter(judgedMinute), (m) => m.p99AddedMs),
      addedToProbeP99: trendOf(perMinute.filter(probedMinute), (m) => m.p99AddedToProbeMs as number),
    };
    const out = {
      strategy: name,
      frame,
      rate,
      minutes,
      seconds: Math.round(seconds),
      directP99Ms: { before: round1(before.p99Ms), after: round1(after.p99Ms) },
      perMinute,
      rssGrowth: Number((last.rssMb / m2.rssMb - 1).toFixed(3)),
      addedP99Change: Number((last.p99AddedMs / m2.p99AddedMs - 1).toFixed(3)),
      probeRate,
      addedToProbeP99Change:
        last.p99AddedToProbeMs === null || m2.p99AddedToProbeMs === null
          ? null
          : Number((last.p99AddedToProbeMs / m2.p99AddedToProbeMs - 1).toFixed(3)),
      generatorKeptUp: perMinute.every(keptUp),
      trends,
    };
    for (const m of perMinute)
      line(
        `soak ${name} (${frame} frame) ${rate} req/s minute ${m.minute}: p99 ${m.p99Ms} ms (${signed(m.p99AddedMs)}; the probe's p99 ${m.probe?.p99Ms ?? '-'} ms, ${m.p99AddedToProbeMs === null ? '-' : signed(m.p99AddedToProbeMs)} over it), ${(m.answeredShare * 100).toFixed(2)}% answered, RSS ${m.rssMb} MB, late p99 ${m.lateP99Ms} ms${m.stall ? `, ${stallText(m.stall)}` : ''}, speed ${speedText(m.speed)}; frame loop p99 ${loopText(m.frame?.loopP99Ms ?? null)}, attempts ${JSON.stringify(m.frame?.attempts ?? {})}`,
      );
    const ok = (x: boolean) => (x ? 'met' : 'NOT met');
    // Flat memory is growth (../shared/benchmarking.md: "RSS grows <= 10 %"); a frame that gives
    // memory back after the first minutes' crowd is flat.
    line(
      `goal soak: ${ok(out.rssGrowth <= 0.1)}: RSS at minute ${minutes} ${last.rssMb} MB vs minute 2 ${m2.rssMb} MB (grows <= 10 %: ${(out.rssGrowth * 100).toFixed(1)} %)`,
    );
    const judged = judgedMinute(m2) && judgedMinute(last);
    line(
      `goal soak: ${judged ? ok(Math.abs(out.addedP99Change) <= 0.2) : 'not measured'}: added p99 at minute ${minutes} ${signed(last.p99AddedMs)} ms vs minute 2 ${signed(m2.p99AddedMs)} ms, against the direct path before and after (within 20 %; both minutes answered >= 97 % and the generator kept up in both: ${judged ? 'yes' : 'no'})`,
    );
    if (out.addedToProbeP99Change !== null) {
      const probed = probedMinute(m2) && probedMinute(last);
      line(
        `goal soak: ${probed ? ok(Math.abs(out.addedToProbeP99Change) <= 0.2) : 'not measured'}: added p99 at minute ${minutes} ${signed(last.p99AddedToProbeMs as number)} ms vs minute 2 ${signed(m2.p99AddedToProbeMs as number)} ms, against the probe of the same minute (within 20 %; the probe answered >= 97 % and kept up too: ${probed ? 'yes' : 'no'})`,
      );
    }
    for (const [what, t, baseline] of [
      ['against the direct path before and after', trends.addedP99, true],
      ['against the probe of the same minute', trends.addedToProbeP99, probeRate > 0],
    ] as const)
      if (baseline)
        line(
          `trend soak: added p99 ${what}: ${t ? `${trendText(t)}, ${trendWord(t)}` : `not read (fewer than ${MIN_POINTS} minutes judged)`}`,
        );
    return out;
  } finally {
    proxy.child.kill('SIGTERM');
    await new Promise((r) => proxy.child.once('exit', r));
  }
}

/** Writes a run's figures to bench/results/`file` and prints them. */
function writeSummary(file: string, summary: object): void {
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results', file), `${JSON.stringify(summary, null, 2)}\n`);
  line(`\n${JSON.stringify(summary, null, 2)}`);
}

async function main(): Promise<void> {
  const started: Started[] = [];
  stalls = await startStallWatch(CORES, STALL_MS);
  try {
    const mock = await startPinned(
      MOCK_CORE,
      ['mock', '-c', join(ROOT, 'bench/strategy-bench.yaml'), '--port', String(MOCK_PORT)],
      /node-2 listening on (http:\/\/[\d.:]+)/,
      MOCK_NODE_FLAGS,
    );
    started.push(mock);
    mockPid = mock.child.pid ?? null;
    const direct: Started = { url: UPSTREAMS[0] as string, child: mock.child };
    if (process.env.BENCH_SOAK === '1') {
      const result = await soak(direct);
      writeSummary('strategies-soak.json', {
        machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
        command: 'BENCH_SOAK=1 npm run bench:strategies',
        placement: PLACEMENT,
        frameFlags: FRAME_FLAGS,
        soak: result,
      });
      return;
    }
    const proxy = async (name: string, opts: readonly string[] = []) => {
      const s = await startProxy(name, opts);
      started.push(s);
      return s;
    };
    // The direct path is one node of three: the same node count behind every path, and one
    // node's answers at the direct path's rate are well inside what the mock process carries.
    // Only the paths measured are started: no idle proxy sits on core 1 beside the one measured.
    const want = (p: Path, start: () => Promise<Started>) => (PATHS.includes(p) ? start() : null);
    const targets = {
      direct,
      passthrough: await want('passthrough', () => proxy('passthrough', ['frame=node'])),
      go: await want('go', () => proxy('passthrough', ['frame=go'])),
      nginx: await want('nginx', () => proxy('nginx')),
      haproxy: await want('haproxy', () => proxy('haproxy', HAPROXY_OPTS)),
      floor: await want('floor', async () => {
        const { child, match } = await startPinnedNode(
          [join(ROOT, 'dist/bench/plain-node-proxy.js'), '0', UPSTREAMS.join(',')],
          /listening on (http:\/\/[\d.:]+)/,
          1,
        );
        const s = { url: match[1] as string, child };
        started.push(s);
        return s;
      }),
    } as Record<Path, Started>;
    const results: Record<string, unknown> = {};
    for (const mode of MODES) results[mode] = await ladder(targets, mode);
    const strategies = WITH_STRATEGIES ? await strategyLines(direct) : null;
    for (const mode of MODES)
      for (const frame of FRAMES)
        if (PATHS.includes(frame)) goals(mode, results[mode] as Awaited<ReturnType<typeof ladder>>, frame);
    const summary = {
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
      command: 'npm run bench:strategies',
      placement:
        PLACEMENT === 'sidecar'
          ? 'load engine on core 0; mock (3 nodes, one process) and the proxy under test on core 1'
          : 'load engine and mock (3 nodes, one process) on core 0; the proxy under test alone on core 1',
      frameFlags: FRAME_FLAGS,
      rounds: ROUNDS,
      secondsPerRun: SECONDS,
      upstream: '100 ms to the first token, 8-20 tokens 5 ms apart; max_tokens 20, thinking off',
      ladders: results,
      strategyFrame: STRATEGY_FRAME,
      strategiesAt2000: strategies,
    };
    writeSummary('strategies.json', summary);
  } finally {
    for (const s of started.reverse()) s.child.kill('SIGTERM');
    stalls.stop();
  }
}

await main();
