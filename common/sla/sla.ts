import type { PriorityClass } from '../priority-classes.ts';

/**
 * The SLA: one type, one set of defaults. The file form (sla.yaml) is read by sla-file.ts, the
 * verdict given by verdict.ts; the k6 scripts turn it into thresholds (loadtests/sla.ts) and the
 * Go engine judges the same lines (loadtests/engine/internal/sla), held to the same vectors
 * (loadtests/engine/contract/sla-vectors.json). No value imports: the k6 scripts load this file.
 */

/**
 * One priority class's lines, judged on that class's requests only (per step, beside the overall
 * lines). Each is optional: no successRate, no such line; an empty record, no lines.
 */
export interface ClassSla {
  readonly successRate?: number;
  readonly latencyMs?: Readonly<Record<string, number>>;
  readonly ttftMs?: Readonly<Record<string, number>>;
  readonly errorRates?: Readonly<Record<string, number>>;
}

/** The SLA, as sla-file.ts reads it (milliseconds, no optional parts) and a plan carries it. */
export interface Sla {
  readonly name: string;
  /** Minimum share of requests whose outcome is `ok` (a whole, real answer). */
  readonly successRate: number;
  /**
   * End-to-end latency ceilings in ms, by percentile ("p99": 800; any pN, 0 < N <= 100) or on the
   * mean ("avg": 400, the guides' "average latency > 800 ms" alarm).
   */
  readonly latencyMs: Readonly<Record<string, number>>;
  /** Time to first token ceilings in ms, by percentile or "avg" (streaming requests only). */
  readonly ttftMs: Readonly<Record<string, number>>;
  /** Maximum share of requests per outcome class ("429": 0.001). */
  readonly errorRates: Readonly<Record<string, number>>;
  /** The load generator kept up: arrivals it could not start (k6 dropped_iterations). */
  readonly maxDroppedIterations: number;
  /**
   * The strategy's queue stays under this many waiting requests at every scrape of a step (the
   * guides' "队列堆积量 < 500"): read from `busybench_strategy_queue_length` on the strategy's
   * /metrics, so judged by the collector only (it scrapes the strategy; the load generators see
   * their clients alone, and say the line is not theirs). Absent: no such line.
   */
  readonly queueLength?: number;
  /** Lines per priority class (`x-priority`); absent or empty: none. */
  readonly classes?: Readonly<Partial<Record<PriorityClass, ClassSla>>>;
}

/**
 * The default SLA (the brief's: success >= 99.95 %, p99 < 800 ms; and the first token of a
 * streamed answer within 2 s at p99, the TTFT SLO's line: alerts/slos); loadtests/sla.yaml spells
 * it out. The TTFT line is judged on streamed requests only: a run without streams has none.
 */
export const DEFAULT_SLA: Sla = {
  name: 'default',
  successRate: 0.9995,
  latencyMs: { p99: 800 },
  ttftMs: { p99: 2000 },
  errorRates: {},
  maxDroppedIterations: 0,
};

/** The percentile a line names: "p99" → 99, "p99.9" → 99.9, "p75" → 75; any pN with 0 < N <= 100. */
export function percentileOf(key: string): number {
  const match = /^p(\d+(?:\.\d+)?)$/.exec(key);
  const n = match ? Number(match[1]) : Number.NaN;
  if (!(n > 0 && n <= 100)) throw new Error(`SLA percentile "${key}" must look like p50, p99 or p99.9`);
  return n;
}

/** The key of a line on the mean rather than a percentile. */
export const MEAN_KEY = 'avg';

/** The pattern of a latency or TTFT line's key (a percentile, or the mean), for schemas. */
export const PERCENTILE_PATTERN = '^(p\\d+(\\.\\d+)?|avg)$';

/**
 * The SLA's lines a load generator cannot judge, in the judge's English words (the report's
 * `sla.queue`; a test holds them equal): the strategy's queue is on the strategy's /metrics,
 * which the collector scrapes. The engine (sla.CollectorLines) and the k6 summary name them.
 */
export function collectorLines(sla: Sla): string[] {
  return sla.queueLength === undefined ? [] : [`queue length < ${sla.queueLength}`];
}
