import type { Step } from './profiles.ts';

/** The SLA, as `busybench load` validated it from sla.yaml and put it in the plan. */
export interface Sla {
  readonly name: string;
  /** Minimum share of requests whose outcome is `ok` (a whole, real answer). */
  readonly successRate: number;
  /** End-to-end latency ceilings in ms, by percentile ("p99": 800). */
  readonly latencyMs: Readonly<Record<string, number>>;
  /** Time to first token ceilings in ms, by percentile (streaming requests only). */
  readonly ttftMs: Readonly<Record<string, number>>;
  /** Maximum share of requests per outcome class ("429": 0.001). */
  readonly errorRates: Readonly<Record<string, number>>;
  /** The load generator kept up: arrivals it could not start (k6 dropped_iterations). */
  readonly maxDroppedIterations: number;
}

export const DEFAULT_SLA: Sla = {
  name: 'default',
  successRate: 0.9995,
  latencyMs: { p99: 800 },
  ttftMs: {},
  errorRates: {},
  maxDroppedIterations: 0,
};

export type Threshold = string | { threshold: string; abortOnFail: boolean; delayAbortEval: string };

/** "p99" → "p(99)", "p99.9" → "p(99.9)": any percentile pN, 0 < N ≤ 100. */
export function k6Percentile(key: string): string {
  const match = /^p(\d+(?:\.\d+)?)$/.exec(key);
  const n = match ? Number(match[1]) : Number.NaN;
  if (!(n > 0 && n <= 100)) throw new Error(`SLA percentile "${key}" must look like p50, p99 or p99.9`);
  return `p(${match?.[1]})`;
}

/**
 * The SLA as k6 thresholds: every line overall and per step (tagged sub-metrics), so a breach
 * exits 99 and k6's report names the step. With `abort` (a breakpoint run), the first breach
 * ends the run. `dropped_iterations` is overall only: k6 does not tag it with the VU's step.
 */
export function slaThresholds(
  sla: Sla,
  steps: readonly Step[],
  streaming: boolean,
  abort: boolean,
): Record<string, Threshold[]> {
  const lines: Record<string, string[]> = {
    busybench_success: [`rate>=${sla.successRate}`],
    // What the user waited for a request, retries and backoff included (= http_req_duration without retries).
    busybench_latency: Object.entries(sla.latencyMs).map(([p, ms]) => `${k6Percentile(p)}<${ms}`),
  };
  if (streaming && Object.keys(sla.ttftMs).length > 0) {
    lines.busybench_ttft = Object.entries(sla.ttftMs).map(([p, ms]) => `${k6Percentile(p)}<${ms}`);
  }
  for (const [errorClass, max] of Object.entries(sla.errorRates))
    lines[`busybench_error_${errorClass}`] = [`rate<=${max}`];

  const thresholds: Record<string, Threshold[]> = {};
  const wrap = (t: string): Threshold =>
    abort ? { threshold: t, abortOnFail: true, delayAbortEval: '5s' } : t;
  for (const [metric, conditions] of Object.entries(lines)) {
    if (conditions.length === 0) continue;
    thresholds[metric] = conditions.map(wrap);
    for (const step of steps) thresholds[`${metric}{step:${step.index}}`] = conditions.map(wrap);
  }
  thresholds.dropped_iterations = [wrap(`count<=${sla.maxDroppedIterations}`)];
  return thresholds;
}
