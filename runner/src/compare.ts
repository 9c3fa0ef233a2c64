import { basename, join } from 'node:path';
import { replicasOf } from '../../collector/src/run-events.js';
import type { TraceSpec } from '../../loadtests/plan.js';
import type { TraceInfo } from '../../loadtests/trace-plan.js';
import type { StrategySpec } from '../../strategies/src/start-strategy.js';
import { type BenchmarkOptions, type BenchmarkResult, runBenchmark } from './benchmark.js';
import type { SearchOptions } from './capacity-search.js';
import { capacityArrivedS, type ElasticSection } from './elastic-section.js';
import { RunnerError, RunnerErrorCodes } from './errors.js';
import { seededRandom } from './intervals.js';
import { engineCpus } from './launch-load.js';
import { rankWithTies } from './ranking.js';
import {
  FIGURE_INFO,
  type Figure,
  type FigureName,
  plainFigure,
  pointFigures,
  repeatFigure,
  WINDOW_FIGURES,
  type WindowFigure,
  windowFigures,
} from './run-figures.js';
import {
  type CapacityLoad,
  type CapacitySection,
  capacityLoadText,
  type FaultSection,
  type FaultsLoad,
  faultsLoadText,
  type Scoreboard,
  type SectionRow,
  type TraceLoad,
  type TraceSection,
  traceLoadText,
} from './scoreboard.js';
import { runSearch } from './search-run.js';
import type { SearchSection } from './search-section.js';

/**
 * `busybench compare`: the two experiments, each strategy run `repeat` times, interleaved
 * (ABCABC…, or a seeded shuffle per round) so that the machine's drift falls on all strategies
 * alike, then one scoreboard section per experiment. Capacity: the mock's capacity fixed by its
 * own config, no scenario, the load stepped up. Faults: the mock's usual config with a fault
 * timeline, one constant rate for the timeline's length. Trace: a real trace's arrivals and sizes
 * replayed while the mock plays the same fault timeline, stretched over the replay. Elastic: the
 * mock's capacity moved by an autoscaler (a scenario's `autoscale`), a base rate for one step,
 * then a burst for ELASTIC_BURST_STEPS steps while the replicas it calls for start.
 */
export const EXPERIMENTS = ['capacity', 'faults', 'trace', 'elastic'] as const;
/** The elastic experiment's burst: this many steps at the burst's rate after one at the base's. */
export const ELASTIC_BURST_STEPS = 3;
export type Experiment = (typeof EXPERIMENTS)[number];

/** From this many repeats on, intervals come from the runs themselves, not their windows. */
export const REPEATS_FOR_RUN_INTERVALS = 5;

type Shared = Omit<
  BenchmarkOptions,
  'strategy' | 'out' | 'scenario' | 'scenarioSpeed' | 'mockConfig' | 'print' | 'interrupted'
>;

export interface CompareOptions extends Shared {
  readonly strategies: readonly StrategySpec[];
  readonly experiments: readonly Experiment[];
  readonly repeat: number;
  readonly order: 'interleaved' | 'shuffled';
  /** Seeds the shuffle and the bootstrap. */
  readonly seed: number;
  readonly capacity: { readonly mockConfig: string; readonly rates: readonly number[] };
  readonly faults: {
    readonly scenario: string;
    readonly speed: number;
    readonly rate: number;
    readonly seconds: number;
    readonly mockConfig?: string;
  };
  /** The trace experiment: what is replayed (read by the engine), and the mock that answers it. */
  readonly trace?: {
    readonly spec: TraceSpec;
    readonly info: TraceInfo;
    /** A mock config that answers every row at its length (written by the caller). */
    readonly mockConfig: string;
    readonly scenario: string;
    readonly speed: number;
  };
  /** The elastic experiment: the autoscaling scenario, its speed, [base, burst] and a step's length. */
  readonly elastic: {
    readonly scenario: string;
    readonly speed: number;
    readonly rates: readonly [number, number];
    readonly stepSeconds: number;
    readonly mockConfig?: string;
  };
  /**
   * The capacity experiment as a search (capacity-search.ts): each strategy's sustained rate in
   * place of the fixed steps, on the capacity experiment's mock.
   */
  readonly search?: { readonly options: SearchOptions; readonly probeSeconds: number };
  readonly out: string;
  readonly print: (line: string) => void;
  readonly interrupted: () => boolean;
}

export interface ScheduledRun {
  readonly experiment: Experiment;
  readonly round: number;
  readonly spec: StrategySpec;
  /** The strategy's place in the --strategies list (the baseline is 0). */
  readonly index: number;
}

/** The runs in the order they go: experiment by experiment, round by round, every strategy once a round. */
export function schedule(
  specs: readonly StrategySpec[],
  experiments: readonly Experiment[],
  repeat: number,
  order: 'interleaved' | 'shuffled',
  seed: number,
): ScheduledRun[] {
  const out: ScheduledRun[] = [];
  for (const experiment of experiments)
    for (let round = 0; round < repeat; round++) {
      const indices = specs.map((_, i) => i);
      if (order === 'shuffled') {
        const random = seededRandom(seed * 7919 + round * 31 + EXPERIMENTS.indexOf(experiment));
        for (let i = indices.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
        }
      }
      for (const index of indices) out.push({ experiment, round, index, spec: specs[index] as StrategySpec });
    }
  return out;
}

/** What every run of a compare shares with `run` (the compare's own options left out). */
function sharedOptions(o: CompareOptions): Shared & Pick<CompareOptions, 'print' | 'interrupted'> {
  const {
    capacity: _c,
    faults: _f,
    trace: _t,
    elastic: _el,
    strategies: _s,
    experiments: _e,
    repeat: _r,
    order: _o,
    seed: _d,
    search: _x,
    out: _out,
    ...shared
  } = o;
  return shared;
}

/** A run's directory: per experiment, round, then the strategy's place and name. */
export const runDir = (out: string, r: ScheduledRun) =>
  join(out, r.experiment, `r${r.round + 1}-${r.index + 1}-${r.spec.name.replace(/\W+/g, '-')}`);

export async function runCompare(o: CompareOptions): Promise<Scoreboard> {
  // Refused before anything starts: each run would fail the same way.
  engineCpus();
  // With --search the capacity experiment is the search, run below, not steps.
  const stepped = o.search ? o.experiments.filter((e) => e !== 'capacity') : o.experiments;
  const runs = schedule(o.strategies, stepped, o.repeat, o.order, o.seed);
  const results = new Map<string, BenchmarkResult[]>();
  const started = Date.now();
  // One id for the whole compare run, on every run's metrics with its experiment: the strategy
  // dashboard shows one compare run's strategies side by side (compare-2026-11-29T10-00-00).
  const id = `compare-${new Date(started).toISOString().slice(0, 19).replace(/:/g, '-')}`;
  for (const [n, r] of runs.entries()) {
    if (o.interrupted()) break;
    o.print(
      `\n== ${n + 1}/${runs.length} ${r.experiment}: ${r.spec.name} (round ${r.round + 1}/${o.repeat}) ${eta(started, n, runs.length)} ==`,
    );
    const capacity = r.experiment === 'capacity';
    const trace = r.experiment === 'trace' ? o.trace : undefined;
    const elastic = r.experiment === 'elastic' ? o.elastic : undefined;
    // Every strategy of a round gets the same draws (arrivals, mix); each round other ones, so
    // repeats differ by more than the machine's noise.
    const seed = o.plan.seed + r.round;
    const shared = sharedOptions(o);
    const result = await runBenchmark({
      ...shared,
      strategy: r.spec,
      scenario: capacity ? null : (elastic?.scenario ?? trace?.scenario ?? o.faults.scenario),
      scenarioSpeed: capacity ? 1 : (elastic?.speed ?? trace?.speed ?? o.faults.speed),
      mockConfig: capacity
        ? o.capacity.mockConfig
        : elastic
          ? elastic.mockConfig
          : (trace?.mockConfig ?? o.faults.mockConfig),
      plan: {
        ...o.plan,
        seed,
        // A trace's answers are as long as its rows say: no thinking on top of them.
        ...(trace
          ? { trace: { spec: trace.spec, info: trace.info }, mix: { ...o.plan.mix, thinking: 0 } }
          : {}),
        profile: capacity
          ? { ...o.plan.profile, rates: o.capacity.rates }
          : elastic
            ? {
                name: 'stepped',
                rates: [elastic.rates[0], ...Array(ELASTIC_BURST_STEPS).fill(elastic.rates[1])],
                stepSeconds: elastic.stepSeconds,
                rampSeconds: 0,
              }
            : { name: 'soak', rates: [o.faults.rate], stepSeconds: o.faults.seconds, rampSeconds: 0 },
      },
      out: runDir(o.out, r),
      compare: { id, experiment: r.experiment },
    }).catch((err: Error) => {
      // One strategy that cannot start (nginx missing, a URL down) does not cost the others.
      process.stderr.write(
        `busybench compare: ${r.spec.name} (${r.experiment}, round ${r.round + 1}) failed, left out: ${err.message}\n`,
      );
      return null;
    });
    if (!result) continue;
    const key = `${r.experiment}|${r.index}`;
    results.set(key, [...(results.get(key) ?? []), result]);
  }
  const of = (experiment: Experiment) =>
    o.strategies
      .map((spec, i) => ({ strategy: spec.name, runs: results.get(`${experiment}|${i}`) ?? [] }))
      .filter((s) => s.runs.length > 0);
  const capacityRuns = of('capacity');
  const faultRuns = of('faults');
  const traceRuns = of('trace');
  const elasticRuns = of('elastic');
  const search =
    o.search && o.experiments.includes('capacity') ? await searchSection(o, o.search, id) : undefined;
  if (
    capacityRuns.length === 0 &&
    faultRuns.length === 0 &&
    traceRuns.length === 0 &&
    elasticRuns.length === 0 &&
    !search?.rows.length
  )
    throw new RunnerError(RunnerErrorCodes.LOAD_FAILED, 'no strategy ran to the end: nothing to compare');
  // From the runs that finished, not from --repeat: a strategy whose runs failed has fewer.
  const methodOf = (runs: readonly StrategyRuns[]) =>
    Math.min(...runs.map((s) => s.runs.length)) >= REPEATS_FOR_RUN_INTERVALS ? 'repeats' : 'windows';
  const methods = [capacityRuns, faultRuns, traceRuns, elasticRuns].filter((r) => r.length > 0).map(methodOf);
  return {
    generatedAt: new Date().toISOString(),
    strategies: o.strategies.map((s) => s.name),
    baseline: o.strategies[0]?.name ?? '',
    repeats: o.repeat,
    order: o.order,
    intervals: methods.every((m) => m === 'repeats') ? 'repeats' : 'windows',
    ...(capacityRuns.length > 0
      ? { capacity: capacitySection(capacityRuns, o, methodOf(capacityRuns)) }
      : {}),
    ...(faultRuns.length > 0 ? { faults: faultSection(faultRuns, o, methodOf(faultRuns)) } : {}),
    ...(traceRuns.length > 0 && o.trace
      ? { trace: traceSection(traceRuns, o.trace, o, methodOf(traceRuns)) }
      : {}),
    ...(elasticRuns.length > 0 ? { elastic: elasticSection(elasticRuns, o, methodOf(elasticRuns)) } : {}),
    ...(search ? { search } : {}),
  };
}

/**
 * The capacity search, strategy after strategy (each search adapts its rates to what the earlier
 * probes found, so strategies cannot be interleaved probe by probe as steps are).
 */
async function searchSection(
  o: CompareOptions,
  search: NonNullable<CompareOptions['search']>,
  id: string,
): Promise<SearchSection> {
  const rows: Array<SearchSection['rows'][number]> = [];
  for (const [i, spec] of o.strategies.entries()) {
    if (o.interrupted()) break;
    o.print(
      `\n== search ${i + 1}/${o.strategies.length}: ${spec.name}, from ${search.options.from} req/s to ${search.options.resolution * 100} % ==`,
    );
    const shared = sharedOptions(o);
    try {
      const result = await runSearch({
        benchmark: { ...shared, mockConfig: o.capacity.mockConfig, compare: { id, experiment: 'search' } },
        spec,
        out: join(o.out, 'search', `${i + 1}-${spec.name.replace(/\W+/g, '-')}`),
        probeSeconds: search.probeSeconds,
        search: search.options,
        print: o.print,
        interrupted: o.interrupted,
      });
      o.print(
        `   ${spec.name}: sustained ${result.sustained ?? 'none'} req/s [${result.bracket[0] ?? '—'} … ${result.bracket[1] ?? '—'}], ${result.ended}`,
      );
      rows.push({
        strategy: spec.name,
        sustainedRps: result.sustained,
        bracket: result.bracket,
        ended: result.ended,
        probes: result.probes,
      });
    } catch (err) {
      // One strategy that cannot start does not cost the others.
      process.stderr.write(
        `busybench compare: ${spec.name} (search) failed, left out: ${(err as Error).message}\n`,
      );
    }
  }
  return {
    experiment: 'search',
    probeSeconds: search.probeSeconds,
    resolution: search.options.resolution,
    mockConfig: basename(o.capacity.mockConfig),
    nodes: o.nodes,
    rows,
  };
}

/** The trace experiment's section: the strategies on a real trace's arrivals and sizes. */
function traceSection(
  runs: readonly StrategyRuns[],
  trace: NonNullable<CompareOptions['trace']>,
  o: CompareOptions,
  method: 'repeats' | 'windows',
): TraceSection {
  const loadSpec: TraceLoad = {
    file: basename(trace.spec.file),
    format: trace.info.format,
    rows: trace.info.selected * trace.info.loops,
    meanRate: Math.round(trace.info.meanRate * 10) / 10,
    peakRate: Math.round(Math.max(...trace.info.windows.map((w) => w.targetRate)) * 10) / 10,
    seconds: Math.round(trace.info.durationMs / 100) / 10,
    windows: trace.info.windows.length,
    scenario: trace.scenario,
    nodes: o.nodes,
  };
  return {
    experiment: 'trace',
    load: traceLoadText(loadSpec),
    loadSpec,
    deciding: 'goodput',
    ranking: rows(runs, method, o.seed + 2, 'goodput'),
  };
}

/** "about 4 min left", from the runs so far (nothing to go on before the first ends). */
function eta(started: number, done: number, total: number): string {
  if (done === 0) return '';
  const perRun = (Date.now() - started) / done;
  return `· about ${Math.ceil((perRun * (total - done)) / 60_000)} min left`;
}

export type StrategyRuns = { strategy: string; runs: BenchmarkResult[] };

/** Every window figure of some runs' windows: over the runs (enough repeats) or their windows. */
function figuresOf(
  windowSets: ReadonlyArray<BenchmarkResult['windows']>,
  method: 'repeats' | 'windows',
  seed: number,
): Record<WindowFigure, Figure> {
  if (method === 'windows') return windowFigures(windowSets, seed);
  const points = windowSets.map((w) => pointFigures(w));
  return Object.fromEntries(
    WINDOW_FIGURES.map((f, i) => [
      f,
      repeatFigure(
        points.map((p) => p[f]),
        seed + i,
      ),
    ]),
  ) as Record<WindowFigure, Figure>;
}

/** A figure a run has once (knee, recovery): over the runs with enough repeats, else no interval. */
function onceFigure(
  values: ReadonlyArray<number | null>,
  method: 'repeats' | 'windows',
  seed: number,
): Figure {
  return method === 'repeats' ? repeatFigure(values, seed) : plainFigure(values);
}

function rows(
  runs: readonly StrategyRuns[],
  method: 'repeats' | 'windows',
  seed: number,
  deciding: FigureName,
  rates: readonly number[] = [],
): SectionRow[] {
  const unranked = runs.map((s, i) => {
    const knees = s.runs.map((r) => r.overall.kneeRps);
    return {
      strategy: s.strategy,
      runs: s.runs.length,
      slaHeld: s.runs.filter((r) => r.view.verdict.passed).length,
      // A fault phase after which the SLA did not hold again before the run ended.
      notRecovered: s.runs.filter((r) => r.view.recovery.some((x) => x.status === 'not-recovered')).length,
      figures: {
        ...figuresOf(
          s.runs.map((r) => r.windows),
          method,
          seed + i * 101,
        ),
        knee: kneeFigure(knees, method, seed + i * 101 + 50, rates),
        recoveryS: onceFigure(
          s.runs.map((r) => r.overall.recoveryS),
          method,
          seed + i * 101 + 51,
        ),
        // Null (a column left out) unless the requests carried user_ids.
        worstUsersSuccess: onceFigure(
          s.runs.map((r) => r.view.users?.worstSuccessRate ?? null),
          method,
          seed + i * 101 + 52,
        ),
        usersJain: onceFigure(
          s.runs.map((r) => r.view.users?.jain ?? null),
          method,
          seed + i * 101 + 53,
        ),
      },
    };
  });
  return rankWithTies(unranked, (r) => r.figures[deciding], FIGURE_INFO[deciding].better).map((p) => ({
    ...p.row,
    rank: p.rank,
    tiedWith: p.tiedWith,
  }));
}

/**
 * The knee over runs. A run whose first step broke has none: with few runs the figure is none
 * when any run's is; over 5 runs or more such a run counts as 0 req/s. Knees are step rates, so
 * the truth lies between the knee and the next step up: the interval reaches that step, or five
 * equal knees would claim no uncertainty at all.
 */
function kneeFigure(
  knees: ReadonlyArray<number | null>,
  method: 'repeats' | 'windows',
  seed: number,
  rates: readonly number[],
): Figure {
  if (method === 'windows') return knees.some((k) => k === null) ? plainFigure([]) : plainFigure(knees);
  const f = repeatFigure(
    knees.map((k) => k ?? 0),
    seed,
  );
  if (f.hi === null) return f;
  const next = rates.find((r) => r > (f.hi as number)) ?? (f.hi as number);
  return { ...f, hi: next };
}

function capacitySection(
  runs: readonly StrategyRuns[],
  o: CompareOptions,
  method: 'repeats' | 'windows',
): CapacitySection {
  // The knee is what the experiment asks; a run has it once, so it decides only when repeats give it an interval.
  const deciding: FigureName = method === 'repeats' ? 'knee' : 'peakGoodput';
  const rates = o.capacity.rates;
  const loadSpec: CapacityLoad = {
    profile: o.plan.profile.name,
    rates,
    stepSeconds: o.plan.profile.stepSeconds,
    mockConfig: o.capacity.mockConfig,
    nodes: o.nodes,
  };
  // scoreboard.json is data: the load in English whatever --lang, and as figures the pages word.
  return {
    experiment: 'capacity',
    load: capacityLoadText(loadSpec),
    loadSpec,
    deciding,
    rates,
    ranking: rows(runs, method, o.seed, deciding, rates),
    curves: runs.map((s, i) => ({
      strategy: s.strategy,
      steps: rates.map((offered, k) => {
        const f = figuresOf(
          // A window where the rate changed holds two steps' answers: left out of both.
          s.runs.map((r) => r.windows.filter((w) => w.targetRate === offered && !w.boundary)),
          method,
          o.seed + 10_000 + i * 101 + k,
        );
        return {
          offered,
          goodput: f.goodput,
          p99Ms: f.p99Ms,
          successRate: f.successRate,
          heldRuns: s.runs.filter((r) => {
            const step = r.view.steps.find((st) => st.targetRate === offered);
            return step?.held === true;
          }).length,
        };
      }),
    })),
  };
}

function faultSection(
  runs: readonly StrategyRuns[],
  o: CompareOptions,
  method: 'repeats' | 'windows',
): FaultSection {
  const first = runs[0]?.runs[0] as BenchmarkResult;
  const t0 = (r: BenchmarkResult) => r.windows[0]?.t ?? 0;
  const phaseNames = [
    ...new Set(runs.flatMap((s) => s.runs.flatMap((r) => r.view.recovery.map((x) => x.phase)))),
  ];
  const loadSpec: FaultsLoad = { ...o.faults, nodes: o.nodes };
  return {
    experiment: 'faults',
    load: faultsLoadText(loadSpec),
    loadSpec,
    deciding: 'goodput',
    scenario: o.faults.scenario,
    speed: o.faults.speed,
    rate: o.faults.rate,
    ranking: rows(runs, method, o.seed + 1, 'goodput'),
    phases: first.view.phases.map((p) => ({
      name: p.phase,
      fault: p.fault,
      fromS: (p.startMs - t0(first)) / 1000,
      toS: p.endMs === null ? null : (p.endMs - t0(first)) / 1000,
    })),
    series: runs.map((s) => {
      const run = s.runs[0] as BenchmarkResult;
      return {
        strategy: s.strategy,
        points: run.view.series.map((p) => {
          const n = p.achievedRate * p.widthS;
          const errors = Object.values(p.errors).reduce((a, v) => a + v, 0);
          return { s: (p.t - t0(run)) / 1000, p99Ms: p.p99, errorRate: n > 0 ? errors / n : null };
        }),
      };
    }),
    recovery: runs.flatMap((s, i) =>
      phaseNames.flatMap((phase, k) => {
        const seen = s.runs.map((r) => r.view.recovery.find((x) => x.phase === phase));
        if (seen.every((x) => x === undefined || x.status === 'next-fault')) return [];
        return [
          {
            strategy: s.strategy,
            phase,
            recoveryS: onceFigure(
              seen.map((x) => x?.recoveryS ?? null),
              method,
              o.seed + 20_000 + i * 101 + k,
            ),
            statuses: seen.map((x) => x?.status ?? 'missing'),
          },
        ];
      }),
    ),
  };
}

/**
 * The elastic experiment's section: each strategy's figures over the burst's windows (the steps
 * at the burst's rate, the window where the rate changed left out), how long until the capacity
 * the burst called for had arrived, and the first node's replicas and each strategy's goodput
 * over its first run (the mock names the replicas in its phase: elastic-section.ts).
 */
export function elasticSection(
  runs: readonly StrategyRuns[],
  o: Pick<CompareOptions, 'elastic' | 'seed' | 'nodes'>,
  method: 'repeats' | 'windows',
): ElasticSection {
  const [base, burst] = o.elastic.rates;
  const burstWindows = (r: BenchmarkResult) => r.windows.filter((w) => w.targetRate === burst && !w.boundary);
  const burstStart = (r: BenchmarkResult) => r.windows.find((w) => w.targetRate === burst)?.t ?? null;
  const burstEnd = (r: BenchmarkResult) => {
    const last = r.windows.filter((w) => w.targetRate === burst).at(-1);
    return last ? last.t + last.seconds * 1000 : Number.POSITIVE_INFINITY;
  };
  const t0 = (r: BenchmarkResult) => r.windows[0]?.t ?? 0;
  const unranked = runs.map((s, i) => {
    const f = figuresOf(s.runs.map(burstWindows), method, o.seed + 30_000 + i * 101);
    // The replicas as the chart draws them: the first run's, from the burst's start to its end.
    const first = s.runs[0] as BenchmarkResult;
    const at = burstStart(first);
    const atBurst = at === null ? undefined : first.view.phases.filter((p) => p.startMs <= at).at(-1);
    const during = [
      ...(atBurst ? [atBurst] : []),
      ...first.view.phases.filter((p) => at !== null && p.startMs > at && p.startMs < burstEnd(first)),
    ];
    const known = during.map((p) => replicasOf(p.phase)?.ready).filter((r): r is number => r !== undefined);
    return {
      strategy: s.strategy,
      runs: s.runs.length,
      goodput: f.goodput,
      successRate: f.successRate,
      p99Ms: f.p99Ms,
      capacityArrivedS: onceFigure(
        s.runs.map((r) => {
          const b = burstStart(r);
          return b === null ? null : capacityArrivedS(r.view.phases, b, burstEnd(r));
        }),
        method,
        o.seed + 30_000 + i * 101 + 50,
      ),
      replicasFrom: atBurst ? (replicasOf(atBurst.phase)?.ready ?? null) : null,
      replicasTo: known.length > 0 ? Math.max(...known) : null,
    };
  });
  const first = runs[0]?.runs[0] as BenchmarkResult;
  return {
    experiment: 'elastic',
    loadSpec: {
      baseRate: base,
      burstRate: burst,
      baseSeconds: o.elastic.stepSeconds,
      burstSeconds: o.elastic.stepSeconds * ELASTIC_BURST_STEPS,
      scenario: basename(o.elastic.scenario),
      speed: o.elastic.speed,
      nodes: o.nodes,
    },
    rows: rankWithTies(unranked, (r) => r.goodput, 'higher').map((p) => ({
      ...p.row,
      rank: p.rank,
      tiedWith: p.tiedWith,
    })),
    replicas: runs.map((s) => {
      const run = s.runs[0] as BenchmarkResult;
      return {
        strategy: s.strategy,
        points: run.view.phases.flatMap((p) => {
          const r = replicasOf(p.phase);
          return r ? [{ s: Math.max(0, (p.startMs - t0(run)) / 1000), ...r }] : [];
        }),
      };
    }),
    goodput: runs.map((s) => {
      const run = s.runs[0] as BenchmarkResult;
      return {
        strategy: s.strategy,
        points: run.windows.map((w) => ({
          s: (w.t - t0(run)) / 1000,
          goodput: w.seconds > 0 ? w.good / w.seconds : 0,
        })),
      };
    }),
    burstAtS: ((burstStart(first) ?? t0(first)) - t0(first)) / 1000,
  };
}
