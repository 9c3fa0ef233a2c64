import type { Step } from './profiles.ts';

/** The SLA, as `busybench load` validated it from sla.yaml and passed it in BUSYBENCH_SLA. */
export interface Sla {
  readonly name: string;
  /** Minimum share of requests answered 2xx with a complete body. */
  readonly successRate: number;
  /** End-to-end latency ceilings in ms, by percentile ("p99": 800). */
  readonly latencyMs: Readonly<Record<string, number>>;
  /** Time to first token ceilings in ms, by percentile (streaming requests only). */
  readonly ttftMs: Readonly<Record<string, number>>;
  /** Maximum share of requests per error class ("429": 0.001). */
  readonly errorRates: Readonly<Record<string, number>>;
  /** The load generator kept up: iterations it could not start. */
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

type Threshold = string | { threshold: string; abortOnFail: boolean; delayAbortEval: string };

/** "p99" → "p(99)", "p99.9" → "p(99.9)". */
const percentile = (key: string) => `p(${key.replace(/^p/, '')})`;

/**
 * The SLA as k6 thresholds: every line overall and per step (tagged sub-metrics), so a breach
 * exits 99 and k6's report names the step. With `abort`, the first breach ends the run.
 */
export function slaThresholds(sla: Sla, steps: readonly Step[], streaming: boolean, abort: boolean) {
  const lines: Record<string, string[]> = {
    busybench_success: [`rate>=${sla.successRate}`],
    // What the user waited for a request, retries and backoff included (= http_req_duration without retries).
    busybench_latency: Object.entries(sla.latencyMs).map(([p, ms]) => `${percentile(p)}<${ms}`),
  };
  if (streaming && Object.keys(sla.ttftMs).length > 0) {
    lines.busybench_ttft = Object.entries(sla.ttftMs).map(([p, ms]) => `${percentile(p)}<${ms}`);
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
  thresholds.dropped_iterations = [`count<=${sla.maxDroppedIterations}`];
  return thresholds;
}
