import * as hdr from 'hdr-histogram-js';
import { CollectorError, CollectorErrorCodes } from './errors.js';

/** The percentiles every report shows. */
export const PERCENTILES = [50, 90, 95, 99, 99.9] as const;

export interface LatencySummary {
  readonly count: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * An exact latency distribution in bounded memory: HDR histogram of integer microseconds at 3
 * significant digits (0.1 % resolution), whatever the number of samples. Encodes to compressed
 * base64 so that several load generators' histograms merge into one, as autocannon's workers do.
 */
export class LatencyHistogram {
  private readonly h: hdr.Histogram;

  constructor() {
    // Plain 32-bit counts, not 'packed': a packed array makes every percentile walk the buckets
    // through slow lookups (seconds per scrape once a run has a few steps), to save part of 75 KB.
    this.h = hdr.build({ numberOfSignificantValueDigits: 3, bitBucketSize: 32 });
  }

  /** Percentiles read since the last change: a scrape reads the same ones many times. */
  private readonly cache = new Map<number, number>();

  /** Records one latency given in milliseconds. */
  recordMs(ms: number): void {
    if (ms >= 0 && Number.isFinite(ms)) {
      this.h.recordValue(Math.round(ms * 1000));
      if (this.cache.size > 0) this.cache.clear();
    }
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** The mean, ms (0 without values): the SLA's `avg` lines. */
  meanMs(): number {
    return this.h.totalCount === 0 ? 0 : this.h.mean / 1000;
  }

  /** Milliseconds at a percentile (0..100). */
  percentileMs(p: number): number {
    let v = this.cache.get(p);
    if (v === undefined) {
      v = this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p) / 1000;
      this.cache.set(p, v);
    }
    return v;
  }

  merge(other: LatencyHistogram): void {
    this.h.add(other.h);
    this.cache.clear();
  }

  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  static decode(text: string): LatencyHistogram {
    const out = new LatencyHistogram();
    try {
      out.h.add(hdr.decodeFromCompressedBase64(text, 32));
    } catch (err) {
      throw new CollectorError(
        CollectorErrorCodes.HISTOGRAM_DECODE,
        `not an encoded histogram: ${(err as Error).message}`,
      );
    }
    return out;
  }

  summary(): LatencySummary {
    const at = (p: number) => this.percentileMs(p);
    return {
      count: this.h.totalCount,
      p50: at(50),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      // The 100th percentile, not the exact max seen: merged histograms know buckets, not values.
      max: at(100),
      mean: this.h.totalCount === 0 ? 0 : this.h.mean / 1000,
    };
  }
}
