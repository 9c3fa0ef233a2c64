import type { Metric, Registry } from 'prom-client';

/**
 * Counters, gauges and histograms that cost a Map lookup and an addition on the hot path, and
 * are turned into prom-client's exposition only when scraped. prom-client's own metrics hash and
 * sort label objects on every inc/observe, which alone would eat most of the mock's budget
 * (≈1 µs each, several per request, at tens of thousands of requests a second).
 */
type Labels = Record<string, string>;
interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}

abstract class FastMetric<H> {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, { labels: Labels; handle: H }>();

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly labelNames: readonly string[],
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The handle of one label combination; keep it when the labels are known in advance. */
  handle(...values: string[]): H {
    return this.attach(undefined, ...values);
  }

  /**
   * Exposes a handle that already exists (kept by whoever records into it) under these label
   * values; with no handle, makes one. Returns the handle now exposed.
   */
  attach(existing: H | undefined, ...values: string[]): H {
    const key = values.length === 1 ? (values[0] as string) : values.join('\u0001');
    let entry = this.series.get(key);
    if (!entry) {
      const labels: Labels = {};
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] ?? '';
      });
      entry = { labels, handle: existing ?? this.create() };
      this.series.set(key, entry);
    }
    return entry.handle;
  }

  reset(): void {
    this.series.clear();
  }

  protected abstract create(): H;
  protected abstract samples(labels: Labels, handle: H, out: Sample[]): void;

  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    for (const { labels, handle } of this.series.values()) this.samples(labels, handle, values);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export interface ValueHandle {
  value: number;
}

export class FastCounter extends FastMetric<ValueHandle> {
  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    super(registry, name, help, 'counter', labelNames);
  }
  protected create(): ValueHandle {
    return { value: 0 };
  }
  protected samples(labels: Labels, h: ValueHandle, out: Sample[]): void {
    out.push({ value: h.value, labels });
  }
}

/** A gauge whose values are read at scrape time from `collect`, or set through handles. */
export class FastGauge extends FastMetric<ValueHandle> {
  constructor(
    registry: Registry,
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly collect?: (gauge: FastGauge) => void,
  ) {
    super(registry, name, help, 'gauge', labelNames);
  }
  protected create(): ValueHandle {
    return { value: 0 };
  }
  protected samples(labels: Labels, h: ValueHandle, out: Sample[]): void {
    out.push({ value: h.value, labels });
  }
  override get() {
    this.collect?.(this);
    return super.get();
  }
}

export class HistogramHandle {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > (b[i] as number)) i++;
    if (i < b.length) this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

export class FastHistogram extends FastMetric<HistogramHandle> {
  constructor(
    registry: Registry,
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly bounds: readonly number[],
    /** Runs before each scrape, e.g. to attach the handles of series that appeared meanwhile. */
    private readonly collect?: (histogram: FastHistogram) => void,
  ) {
    super(registry, name, help, 'histogram', labelNames);
  }
  override get() {
    this.collect?.(this);
    return super.get();
  }
  protected create(): HistogramHandle {
    return new HistogramHandle(this.bounds);
  }
  protected samples(labels: Labels, h: HistogramHandle, out: Sample[]): void {
    let cumulative = 0;
    this.bounds.forEach((le, i) => {
      cumulative += h.counts[i] as number;
      out.push({
        value: cumulative,
        labels: { ...labels, le: String(le) },
        metricName: `${this.name}_bucket`,
      });
    });
    out.push({ value: h.count, labels: { ...labels, le: '+Inf' }, metricName: `${this.name}_bucket` });
    out.push({ value: h.sum, labels, metricName: `${this.name}_sum` });
    out.push({ value: h.count, labels, metricName: `${this.name}_count` });
  }
}

/** Buckets that suit LLM traffic: 5 ms to 120 s. */
export const LLM_LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 3, 5, 8, 10, 15, 20, 30, 60, 120,
];
/** Inter-token gaps are short: 0.5 ms to 5 s. */
export const INTER_TOKEN_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1, 5,
];
