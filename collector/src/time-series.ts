/**
 * The run over time, for the live page's charts and for recovery time: per window (one second to
 * start with) the requests, failures, errors by class, the target rate and latencies in
 * log-spaced buckets. The exact HDR histograms stay per step; these windows are approximate
 * (a bucket is 4 % wide, a percentile read from it within 2 %) because a full HDR histogram per
 * second would cost too much memory over a long run.
 *
 * Bounded memory: past `maxWindows` windows, neighbours merge in pairs and the width doubles, so a
 * run of any length fits in the same space (an hour at 1-second windows, then 2-second ones, and so on; ~5 MB at most).
 */
export const FACTOR = 1.04;
const LOG_FACTOR = Math.log(FACTOR);
/** Buckets from 1 ms up to ~ 16 minutes; slower answers land in the last one. */
const BUCKETS = Math.ceil(Math.log(1_000_000) / LOG_FACTOR);

const bucketOf = (ms: number) => (ms <= 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(ms) / LOG_FACTOR)));
/** A bucket read back as its geometric middle: within 2 % of any latency in it. */
const bucketValue = (bucket: number) => FACTOR ** (bucket + 0.5);

export class Window {
  requests = 0;
  failures = 0;
  /** Successes faster than the goodput bound (the SLA's latency line). */
  good = 0;
  /** Every answer's latency added up (ms), for the mean. */
  msSum = 0;
  /** Completion tokens of the successful answers: what reached users. */
  tokensOk = 0;
  dropped = 0;
  targetRate = 0;
  readonly errors: Record<string, number> = {};
  readonly latency = new Uint32Array(BUCKETS);

  merge(other: Window): void {
    this.requests += other.requests;
    this.failures += other.failures;
    this.good += other.good;
    this.msSum += other.msSum;
    this.tokensOk += other.tokensOk;
    this.dropped += other.dropped;
    this.targetRate = Math.max(this.targetRate, other.targetRate);
    for (const [k, n] of Object.entries(other.errors)) this.errors[k] = (this.errors[k] ?? 0) + n;
    for (let i = 0; i < BUCKETS; i++)
      this.latency[i] = (this.latency[i] as number) + (other.latency[i] as number);
  }

  /** The latency (ms) below which a share q of the window's requests fell; null when empty. */
  quantile(q: number): number | null {
    if (this.requests === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.requests));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.latency[i] as number;
      if (seen >= rank) return bucketValue(i);
    }
    return bucketValue(BUCKETS - 1);
  }
}

export interface SeriesPoint {
  /** Window start, ms since the epoch. */
  readonly t: number;
  readonly widthS: number;
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly errors: Readonly<Record<string, number>>;
  readonly dropped: number;
}

export class TimeSeries {
  private widthMs = 1000;
  private readonly windows = new Map<number, Window>();

  constructor(
    private readonly maxWindows = 3600,
    /** Successes faster than this (ms) count as good: the SLA's latency line. */
    private readonly goodBoundMs = Number.POSITIVE_INFINITY,
  ) {}

  get windowMs(): number {
    return this.widthMs;
  }

  add(time: number, outcome: string, ms: number, targetRate: number, tokens = 0): void {
    const w = this.windowAt(time);
    w.requests++;
    w.msSum += ms;
    if (outcome !== 'ok') {
      w.failures++;
      w.errors[outcome] = (w.errors[outcome] ?? 0) + 1;
    } else {
      w.tokensOk += tokens;
      if (ms < this.goodBoundMs) w.good++;
    }
    if (targetRate > w.targetRate) w.targetRate = targetRate;
    const b = bucketOf(ms);
    w.latency[b] = (w.latency[b] as number) + 1;
  }

  addDropped(time: number, n: number): void {
    this.windowAt(time).dropped += n;
  }

  /**
   * Everything in [from, to) merged into one window (windows are counted by their start). Looks
   * up just the windows in range: recovery time calls this once per window of a run.
   */
  span(from: number, to: number): Window {
    const out = new Window();
    for (let index = Math.ceil(from / this.widthMs); index * this.widthMs < to; index++) {
      const w = this.windows.get(index);
      if (w) out.merge(w);
    }
    return out;
  }

  /** Every window with anything in it, in time order, with its start (ms since the epoch). */
  windowsInOrder(): Array<{ t: number; window: Window }> {
    return [...this.windows.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, window]) => ({ t: index * this.widthMs, window }));
  }

  /** The end of the last window with anything in it (ms since the epoch), or 0. */
  get endMs(): number {
    let last = -1;
    for (const index of this.windows.keys()) if (index > last) last = index;
    return last < 0 ? 0 : (last + 1) * this.widthMs;
  }

  points(): SeriesPoint[] {
    const widthS = this.widthMs / 1000;
    return [...this.windows.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, w]) => ({
        t: index * this.widthMs,
        widthS,
        targetRate: w.targetRate,
        achievedRate: w.requests / widthS,
        p50: w.quantile(0.5),
        p90: w.quantile(0.9),
        p99: w.quantile(0.99),
        errors: { ...w.errors },
        dropped: w.dropped,
      }));
  }

  private windowAt(time: number): Window {
    const index = Math.floor(time / this.widthMs);
    let w = this.windows.get(index);
    if (!w) {
      w = new Window();
      this.windows.set(index, w);
      if (this.windows.size > this.maxWindows) {
        this.coarsen();
        return this.windowAt(time);
      }
    }
    return w;
  }

  /** Doubles the window width, merging neighbours, to stay within `maxWindows`. */
  private coarsen(): void {
    const old = [...this.windows.entries()];
    this.windows.clear();
    this.widthMs *= 2;
    for (const [index, w] of old) {
      const merged = Math.floor(index / 2);
      const into = this.windows.get(merged);
      if (into) into.merge(w);
      else this.windows.set(merged, w);
    }
  }
}
