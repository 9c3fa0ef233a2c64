import type { RunWindow } from '../../collector/src/run-windows.js';
import { FACTOR, Window } from '../../collector/src/time-series.js';
import {
  bootstrapMean,
  DEFAULT_RESAMPLES,
  type Interval,
  intervalFromReplicates,
  seededRandom,
} from './intervals.js';

/**
 * The scoreboard's figures, each with its 95 % interval and how that interval was made:
 * `repeats` (bootstrap over whole runs, five or more of them), `windows` (bootstrap over the time
 * windows of the runs, resampled within each step or fault phase, so a resample keeps the run's
 * shape), or `none` (a figure a run has once, such as a knee, from fewer than five runs).
 */
export type IntervalMethod = 'repeats' | 'windows' | 'none';

export interface Figure {
  /** null: nothing to measure it on (no upstream watched, no fault phase...). */
  readonly value: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly method: IntervalMethod;
}

/** Figures a run's windows add up to. */
export const WINDOW_FIGURES = [
  'successRate',
  'rate429',
  'rate503',
  'p50Ms',
  'p99Ms',
  'meanMs',
  'throughput',
  'goodput',
  'peakGoodput',
  'amplification',
  'retriesPerRequest',
  'errorMasking',
  'usdPer1kOk',
  'wastedTokenShare',
] as const;
export type WindowFigure = (typeof WINDOW_FIGURES)[number];

/**
 * Figures a run has once (no window holds them): the knee, the longest recovery, and, when the
 * requests carried user_ids, fairness between users (collector/src/user-fairness.ts).
 */
export type RunFigure = 'knee' | 'recoveryS' | 'worstUsersSuccess' | 'usersJain';
export type FigureName = WindowFigure | RunFigure;

/** Which way is better, and how the figure reads, for ranking and for the page. */
export const FIGURE_INFO: Record<FigureName, { label: string; better: 'higher' | 'lower' }> = {
  successRate: { label: 'success', better: 'higher' },
  rate429: { label: '429 rate', better: 'lower' },
  rate503: { label: '503 rate', better: 'lower' },
  p50Ms: { label: 'p50 ms', better: 'lower' },
  p99Ms: { label: 'p99 ms', better: 'lower' },
  meanMs: { label: 'average latency ms', better: 'lower' },
  throughput: { label: 'throughput (ok/s)', better: 'higher' },
  goodput: { label: 'goodput (ok within the SLA latency, /s)', better: 'higher' },
  peakGoodput: { label: 'peak goodput (best step, /s)', better: 'higher' },
  amplification: { label: 'amplification', better: 'lower' },
  retriesPerRequest: { label: 'retries per request', better: 'lower' },
  errorMasking: { label: 'error masking', better: 'higher' },
  usdPer1kOk: { label: 'USD per 1 000 answers', better: 'lower' },
  wastedTokenShare: { label: 'tokens never delivered', better: 'lower' },
  knee: { label: 'knee (req/s)', better: 'higher' },
  recoveryS: { label: 'recovery s (longest)', better: 'lower' },
  worstUsersSuccess: { label: 'success of the worst 1 % of users', better: 'higher' },
  usersJain: { label: "Jain's index over users' goodput shares", better: 'higher' },
};

/** Sums of windows: every window figure is made from one of these. */
class Tally {
  seconds = 0;
  requests = 0;
  ok = 0;
  good = 0;
  msSum = 0;
  tokensOk = 0;
  e429 = 0;
  e503 = 0;
  attempts = 0;
  upErrors = 0;
  upTokens = 0;
  upCost = 0;
  /** Every window had the upstream's view. */
  watched = true;
  /** The latencies of all windows added, for the percentiles (the time series' own window). */
  readonly latency = new Window();
  /** Per step (target rate): good answers and seconds, for the peak goodput. */
  readonly strata = new Map<number, { good: number; seconds: number }>();

  add(w: RunWindow): void {
    this.seconds += w.seconds;
    this.requests += w.requests;
    this.ok += w.ok;
    this.good += w.good;
    this.msSum += w.msSum;
    this.tokensOk += w.tokensOk;
    this.e429 += w.errors['429'] ?? 0;
    this.e503 += w.errors['503'] ?? 0;
    if (w.upstream) {
      this.attempts += w.upstream.attempts;
      this.upErrors += w.upstream.errors;
      this.upTokens += w.upstream.tokens;
      this.upCost += w.upstream.costUsd;
    } else this.watched = false;
    this.latency.requests += w.requests;
    for (const [b, n] of w.latency) this.latency.latency[b] = (this.latency.latency[b] as number) + n;
    // A window where the rate changes holds the end of one step and the start of the next.
    if (w.boundary) return;
    const s = this.strata.get(w.targetRate) ?? { good: 0, seconds: 0 };
    s.good += w.good;
    s.seconds += w.seconds;
    this.strata.set(w.targetRate, s);
  }

  figures(): Record<WindowFigure, number | null> {
    const n = this.requests;
    const per = (v: number) => (n === 0 ? null : v / n);
    const amplification = this.watched && n > 0 ? this.attempts / n : null;
    const upRate = this.attempts > 0 ? this.upErrors / this.attempts : 0;
    let peak: number | null = null;
    for (const s of this.strata.values()) if (s.seconds > 0) peak = Math.max(peak ?? 0, s.good / s.seconds);
    return {
      successRate: per(this.ok),
      rate429: per(this.e429),
      rate503: per(this.e503),
      p50Ms: this.latency.quantile(0.5),
      p99Ms: this.latency.quantile(0.99),
      meanMs: per(this.msSum),
      throughput: this.seconds > 0 ? this.ok / this.seconds : null,
      goodput: this.seconds > 0 ? this.good / this.seconds : null,
      peakGoodput: peak,
      amplification,
      retriesPerRequest: amplification === null ? null : Math.max(0, amplification - 1),
      errorMasking: this.watched && n > 0 && upRate > 0 ? 1 - (n - this.ok) / n / upRate : null,
      usdPer1kOk: this.watched && this.ok > 0 ? (this.upCost / this.ok) * 1000 : null,
      // Successes that carried no token count (k6's results have none) leave the share unknown.
      wastedTokenShare:
        this.watched && this.upTokens > 0 && (this.tokensOk > 0 || this.ok === 0)
          ? Math.max(0, this.upTokens - this.tokensOk) / this.upTokens
          : null,
    };
  }
}

/** What a window is resampled within: its step (target rate) and its fault phase. */
export const stratumOf = (w: RunWindow): string => `${w.targetRate}|${w.phase ?? ''}`;

/** The figures of some windows as they are, no resampling: one run's point values. */
export function pointFigures(windows: readonly RunWindow[]): Record<WindowFigure, number | null> {
  const t = new Tally();
  for (const w of windows) t.add(w);
  return t.figures();
}

/**
 * Every window figure of a set of runs (pooled), with its interval from resampling the windows
 * within their strata (a run's step and phase; runs apart). `resamples` bootstrap replicates.
 */
export function windowFigures(
  runs: ReadonlyArray<readonly RunWindow[]>,
  seed: number,
  resamples = DEFAULT_RESAMPLES / 2,
): Record<WindowFigure, Figure> {
  const strata = new Map<string, RunWindow[]>();
  runs.forEach((windows, r) => {
    for (const w of windows) {
      const key = `${r}|${stratumOf(w)}`;
      const list = strata.get(key) ?? [];
      list.push(w);
      strata.set(key, list);
    }
  });
  const n = runs.reduce((a, w) => a + w.length, 0);
  const whole = new Tally();
  for (const ws of runs) for (const w of ws) whole.add(w);
  const point = whole.figures();
  const replicates = Object.fromEntries(WINDOW_FIGURES.map((f) => [f, [] as number[]])) as Record<
    WindowFigure,
    number[]
  >;
  const random = seededRandom(seed);
  for (let b = 0; b < resamples; b++) {
    const t = new Tally();
    for (const list of strata.values())
      for (let i = 0; i < list.length; i++) {
        t.add(list[Math.floor(random() * list.length)] as RunWindow);
      }
    const f = t.figures();
    for (const name of WINDOW_FIGURES) {
      const v = f[name];
      if (v !== null) replicates[name].push(v);
    }
  }
  return Object.fromEntries(
    WINDOW_FIGURES.map((name) => {
      const value = point[name];
      const interval = value === null ? null : intervalFromReplicates(replicates[name], n, strata.size);
      return [name, figure(value, interval && widened(name, interval), interval ? 'windows' : 'none')];
    }),
  ) as Record<WindowFigure, Figure>;
}

/**
 * A percentile read from the windows' 4 % buckets is known to within its bucket: the interval
 * reaches out to the outer edges of its ends' buckets, or a run whose p99 always fell in one
 * bucket would claim no uncertainty at all.
 */
function widened(name: WindowFigure, i: Interval): Interval {
  if (name !== 'p50Ms' && name !== 'p99Ms') return i;
  const half = Math.sqrt(FACTOR);
  return { lo: i.lo / half, hi: i.hi * half };
}

/** A figure over repeated runs: their mean and its bootstrap interval; null values left out. */
export function repeatFigure(values: ReadonlyArray<number | null>, seed: number): Figure {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return figure(null, null, 'none');
  const { value, interval } = bootstrapMean(known, seed);
  return figure(value, interval, interval ? 'repeats' : 'none');
}

/** A figure a run has once, from fewer runs than the repeats method needs: the mean, no interval. */
export function plainFigure(values: ReadonlyArray<number | null>): Figure {
  const known = values.filter((v): v is number => v !== null);
  return figure(known.length === 0 ? null : known.reduce((a, v) => a + v, 0) / known.length, null, 'none');
}

export function figure(value: number | null, interval: Interval | null, method: IntervalMethod): Figure {
  return { value, lo: interval?.lo ?? null, hi: interval?.hi ?? null, method };
}
