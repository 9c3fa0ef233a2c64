import { HistogramHandle, LLM_LATENCY_BUCKETS } from '../../mock-server/src/metrics/fast-metrics.js';
import { parseLine, type Sample } from './k6-samples.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { TimeSeries } from './time-series.js';

/** Outcomes as the k6 scripts tag them: `ok`, or the error class. */
export const OUTCOMES = ['ok', '429', '503', '5xx', '4xx', 'timeout', 'network', 'truncated'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Everything measured for one step: latency by outcome (and over all), time to first token and
 * inter-token latency of streams, request counts by outcome, the step's time span. Memory is
 * bounded by the histograms, whatever the run's length.
 */
export class StepStats {
  readonly latency = new Map<string, LatencyHistogram>();
  readonly all = new LatencyHistogram();
  readonly ttft = new LatencyHistogram();
  readonly interToken = new LatencyHistogram();
  readonly counts = new Map<string, number>();
  /** The same latencies in Prometheus buckets (seconds, 5 ms – 120 s), for histogram_quantile. */
  readonly buckets = new HistogramHandle(LLM_LATENCY_BUCKETS);
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = 0;

  /** Successful answers faster than the goodput bound. */
  okWithinBound = 0;

  constructor(
    readonly step: number,
    readonly targetRate: number,
    /** Goodput counts successes under this latency (ms): the SLA's latency line. */
    private readonly goodputBoundMs = Number.POSITIVE_INFINITY,
  ) {}

  addLatency(outcome: string, ms: number, time: number): void {
    let h = this.latency.get(outcome);
    if (!h) {
      h = new LatencyHistogram();
      this.latency.set(outcome, h);
    }
    h.recordMs(ms);
    this.all.recordMs(ms);
    if (outcome === 'ok' && ms < this.goodputBoundMs) this.okWithinBound++;
    this.buckets.observe(ms / 1000);
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    if (time < this.firstMs) this.firstMs = time;
    if (time > this.lastMs) this.lastMs = time;
  }

  get requests(): number {
    return this.all.count;
  }

  /** Requests that did not succeed, whatever their class. */
  get failures(): number {
    return this.requests - (this.counts.get('ok') ?? 0);
  }

  get successRate(): number | null {
    return this.requests === 0 ? null : (this.counts.get('ok') ?? 0) / this.requests;
  }

  /** `count` per second over the step's span (a lone request counts as itself). */
  private perSecond(count: number): number {
    if (this.requests <= 1) return count;
    return count / Math.max(0.001, (this.lastMs - this.firstMs) / 1000);
  }

  get goodput(): number {
    return this.perSecond(this.okWithinBound);
  }

  summary(): StepSummary {
    return {
      step: this.step,
      targetRate: this.targetRate,
      requests: this.requests,
      achievedRate: this.perSecond(this.requests),
      goodput: this.goodput,
      successRate: this.successRate,
      errors: Object.fromEntries([...this.counts].filter(([o]) => o !== 'ok')),
      latency: this.all.summary(),
      latencyOk: (this.latency.get('ok') ?? new LatencyHistogram()).summary(),
      ttft: this.ttft.summary(),
      interToken: this.interToken.summary(),
    };
  }
}

export interface StepSummary {
  step: number;
  targetRate: number;
  requests: number;
  achievedRate: number;
  /** Successful responses within the latency SLA, per second (the design brief's goodput). */
  goodput: number;
  successRate: number | null;
  errors: Record<string, number>;
  latency: LatencySummary;
  latencyOk: LatencySummary;
  ttft: LatencySummary;
  interToken: LatencySummary;
}

/** A whole run, fed line by line from k6's NDJSON. */
export class RunStats {
  /** `goodputBoundMs`: the SLA's latency bound a success must beat to count as goodput. */
  constructor(private readonly goodputBoundMs = Number.POSITIVE_INFINITY) {}

  readonly steps = new Map<number, StepStats>();
  /** The same requests over time: live charts and recovery time. */
  readonly series = new TimeSeries();
  malformedLines = 0;
  droppedIterations = 0;

  ingestLine(line: string): void {
    const r = parseLine(line);
    if (r.kind === 'malformed') this.malformedLines++;
    else if (r.kind === 'sample') this.ingest(r.sample);
  }

  ingest(s: Sample): void {
    if (s.metric === 'dropped_iterations') {
      this.droppedIterations += s.value;
      this.series.addDropped(s.time, s.value);
      return;
    }
    const step = this.stepOf(s);
    if (s.metric === 'busybench_latency') {
      const outcome = s.tags.outcome ?? 'ok';
      step.addLatency(outcome, s.value, s.time);
      this.series.add(s.time, outcome, s.value, step.targetRate);
    } else if (s.metric === 'busybench_ttft') step.ttft.recordMs(s.value);
    else if (s.metric === 'busybench_inter_token') step.interToken.recordMs(s.value);
  }

  summaries(): StepSummary[] {
    return [...this.steps.values()].sort((a, b) => a.step - b.step).map((s) => s.summary());
  }

  private stepOf(s: Sample): StepStats {
    const index = Number(s.tags.step ?? 0);
    let step = this.steps.get(index);
    if (!step) {
      step = new StepStats(index, Number(s.tags.target_rate ?? 0), this.goodputBoundMs);
      this.steps.set(index, step);
    }
    return step;
  }
}

/** The goodput bound an SLA sets: its strictest latency line (e.g. p99 < 800 ms → 800). */
export function goodputBound(latencyMs: Readonly<Record<string, number>>): number {
  const bounds = Object.values(latencyMs);
  return bounds.length > 0 ? Math.min(...bounds) : Number.POSITIVE_INFINITY;
}
