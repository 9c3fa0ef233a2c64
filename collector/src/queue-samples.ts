/**
 * The strategy's queue length as scraped (`busybench_strategy_queue_length`, every strategy of
 * our frame exports it), a sample a scrape: what the SLA's queue line is judged on, step by step
 * (a step's peak is the highest sample taken within its time span). Bounded: a day of
 * one-second scrapes; past that the oldest go.
 */
export class QueueSamples {
  private readonly times: number[] = [];
  private readonly lengths: number[] = [];
  private static readonly MAX = 86_400;

  /** A scrape's reading, ms since the epoch; samples come in time order (one scrape at a time). */
  add(timeMs: number, length: number): void {
    if (!Number.isFinite(length) || length < 0) return;
    this.times.push(timeMs);
    this.lengths.push(length);
    if (this.times.length > QueueSamples.MAX) {
      this.times.splice(0, this.times.length - QueueSamples.MAX);
      this.lengths.splice(0, this.lengths.length - QueueSamples.MAX);
    }
  }

  get size(): number {
    return this.times.length;
  }

  /** The highest reading taken in [fromMs, toMs]; null when no scrape fell in it. */
  peakIn(fromMs: number, toMs: number): number | null {
    let peak: number | null = null;
    // Binary search for the first sample at or after fromMs: a run's samples are in time order.
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.times[mid] as number) < fromMs) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.times.length && (this.times[i] as number) <= toMs; i++)
      peak = Math.max(peak ?? 0, this.lengths[i] as number);
    return peak;
  }
}
