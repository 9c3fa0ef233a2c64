import { PRIORITY_CLASSES } from '../common/priority-classes.ts';
import { type ClassSla, MEAN_KEY, percentileOf, type Sla } from '../common/sla/sla.ts';
import type { Step } from './profiles.ts';

/**
 * The SLA as k6 thresholds, for the k6 scripts. The SLA itself (type, defaults, file, verdict)
 * is the kit's: common/sla/.
 */
export { type ClassSla, collectorLines, DEFAULT_SLA, type Sla } from '../common/sla/sla.ts';

export type Threshold = string | { threshold: string; abortOnFail: boolean; delayAbortEval: string };

/** "p99" → "p(99)", "p99.9" → "p(99.9)": any percentile pN, 0 < N ≤ 100; "avg" as it is (k6's own). */
export function k6Percentile(key: string): string {
  if (key === MEAN_KEY) return key;
  percentileOf(key); // throws for a key that is no percentile
  return `p(${key.slice(1)})`;
}

/** A line set's conditions by metric: success, latency, TTFT (when streaming), error classes. */
function conditions(lines: ClassSla, streaming: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (lines.successRate !== undefined) out.busybench_success = [`rate>=${lines.successRate}`];
  // What the user waited for a request, retries and backoff included (= http_req_duration without retries).
  const latency = Object.entries(lines.latencyMs ?? {}).map(([p, ms]) => `${k6Percentile(p)}<${ms}`);
  if (latency.length > 0) out.busybench_latency = latency;
  const ttft = Object.entries(lines.ttftMs ?? {}).map(([p, ms]) => `${k6Percentile(p)}<${ms}`);
  if (streaming && ttft.length > 0) out.busybench_ttft = ttft;
  for (const [errorClass, max] of Object.entries(lines.errorRates ?? {}))
    out[`busybench_error_${errorClass}`] = [`rate<=${max}`];
  return out;
}

/** Every error class an SLA line names, overall or for a class: each needs its own k6 Rate. */
export function slaErrorClasses(sla: Sla): string[] {
  const classes = new Set(Object.keys(sla.errorRates));
  for (const lines of Object.values(sla.classes ?? {}))
    for (const c of Object.keys(lines?.errorRates ?? {})) classes.add(c);
  return [...classes];
}

/**
 * The SLA as k6 thresholds: every line overall and per step (tagged sub-metrics), so a breach
 * exits 99 and k6's report names the step; a class's lines on the sub-metrics tagged with it
 * (`{priority:P0}`, `{step:2,priority:P0}`), so they judge that class's requests only. With
 * `abort` (a breakpoint run), the first breach ends the run. `dropped_iterations` is overall
 * only: k6 does not tag it with the VU's step.
 */
export function slaThresholds(
  sla: Sla,
  steps: readonly Step[],
  streaming: boolean,
  abort: boolean,
): Record<string, Threshold[]> {
  const thresholds: Record<string, Threshold[]> = {};
  const wrap = (t: string): Threshold =>
    abort ? { threshold: t, abortOnFail: true, delayAbortEval: '5s' } : t;
  const draw = (lines: Record<string, string[]>, tag: string) => {
    for (const [metric, conds] of Object.entries(lines)) {
      thresholds[tag === '' ? metric : `${metric}{${tag}}`] = conds.map(wrap);
      for (const step of steps)
        thresholds[`${metric}{step:${step.index}${tag === '' ? '' : `,${tag}`}}`] = conds.map(wrap);
    }
  };
  draw(conditions(sla, streaming), '');
  // P0 first.
  for (const c of PRIORITY_CLASSES) {
    const lines = sla.classes?.[c];
    if (lines) draw(conditions(lines, streaming), `priority:${c}`);
  }
  thresholds.dropped_iterations = [wrap(`count<=${sla.maxDroppedIterations}`)];
  return thresholds;
}
