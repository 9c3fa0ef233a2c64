import type { Plan } from './plan.ts';
import { collectorLines, type Sla } from './sla.ts';

/**
 * config.ts's RunConfig, restated: importing config.ts here would pull its './guard.ts' imports
 * into the root tsconfig's type-check of the tests, which refuses '.ts' import paths.
 */
interface SummaryConfig {
  readonly plan: Plan;
  readonly summaryPath: string;
}

interface MetricSummary {
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
export interface SummaryData {
  metrics: Record<string, MetricSummary>;
  state: { testRunDurationMs: number };
}

/** Latency percentiles every summary shows, per step and overall (plus any the SLA names). */
export const SUMMARY_PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'p99.9'] as const;

/** "p99.9" → k6's trend stat name "p(99.9)". */
const stat = (p: string) => `p(${p.slice(1)})`;

/** The percentiles a run reports: the fixed ones and every one the SLA draws a line for, in order. */
export function summaryPercentiles(sla: Sla): string[] {
  const keys = new Set<string>([
    ...SUMMARY_PERCENTILES,
    ...Object.keys(sla.latencyMs),
    ...Object.keys(sla.ttftMs),
  ]);
  return [...keys].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** k6's summaryTrendStats for a run: what the summary below reads. */
export function summaryTrendStats(sla: Sla): string[] {
  return ['avg', 'min', 'med', 'max', ...summaryPercentiles(sla).map(stat)];
}

/**
 * Per-step sub-metrics the summary reads: k6 keeps a sub-metric only where a threshold names
 * it, so these get a threshold that always holds where the SLA has none.
 */
export function summarySubmetrics(steps: readonly { index: number }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const step of steps) {
    out[`http_reqs{step:${step.index}}`] = ['count>=0'];
    out[`busybench_ttft{step:${step.index}}`] = ['max>=0'];
    out[`busybench_latency{step:${step.index}}`] = ['max>=0'];
    out[`busybench_success{step:${step.index}}`] = ['rate>=0'];
  }
  return out;
}

export interface StepSummary {
  step: number;
  targetRate: number;
  startMs: number;
  endMs: number;
  /** Requests sent in the step, whatever their outcome. */
  requests: number;
  /** HTTP requests sent: more than `requests` when the client retries. */
  attempts: number;
  achievedRate: number;
  successRate: number | null;
  /** End-to-end latency by percentile ("p99": ms), every outcome. */
  latencyMs: Record<string, number | null>;
  /** Time to first token of whole streams by percentile. */
  ttftMs: Record<string, number | null>;
  p50Ms: number | null;
  p99Ms: number | null;
  ttftP95Ms: number | null;
}

/**
 * The end of a run: a JSON summary for the collector and the report, and a few lines for the
 * terminal that name every SLA line broken and the step where it broke.
 */
export function summarise(data: SummaryData, config: SummaryConfig): Record<string, string> {
  const { plan } = config;
  const m = data.metrics;
  const percentiles = summaryPercentiles(plan.sla);
  const byPercentile = (values: Record<string, number> | undefined) =>
    Object.fromEntries(percentiles.map((p) => [p, values?.[stat(p)] ?? null]));
  const steps: StepSummary[] = plan.profile.steps.map((step) => {
    const outcomes = m[`busybench_success{step:${step.index}}`]?.values;
    const requests = (outcomes?.passes ?? 0) + (outcomes?.fails ?? 0);
    const seconds = (step.endMs - step.startMs) / 1000;
    const latency = m[`busybench_latency{step:${step.index}}`]?.values;
    const ttft = m[`busybench_ttft{step:${step.index}}`]?.values;
    return {
      step: step.index,
      targetRate: step.targetRate,
      startMs: step.startMs,
      endMs: step.endMs,
      requests,
      attempts: m[`http_reqs{step:${step.index}}`]?.values.count ?? 0,
      achievedRate: seconds > 0 ? Math.round((requests / seconds) * 10) / 10 : 0,
      successRate: outcomes?.rate ?? null,
      latencyMs: byPercentile(latency),
      ttftMs: byPercentile(ttft),
      p50Ms: latency?.med ?? null,
      p99Ms: latency?.['p(99)'] ?? null,
      ttftP95Ms: ttft?.['p(95)'] ?? null,
    };
  });
  const breaches: string[] = [];
  for (const [name, metric] of Object.entries(m)) {
    for (const [line, result] of Object.entries(metric.thresholds ?? {})) {
      if (result.ok) continue;
      // Sub-metrics: `{step:2}`, `{priority:P0}`, `{step:2,priority:P0}` (sla.ts).
      const stepMatch = /[{,]step:(\d+)[,}]/.exec(name);
      const step = stepMatch ? plan.profile.steps.find((s) => s.index === Number(stepMatch[1])) : undefined;
      const where = step ? `step ${step.index} (${step.targetRate} req/s)` : 'overall';
      const priority = /[{,]priority:(P\d)[,}]/.exec(name)?.[1];
      breaches.push(
        `${priority ? `${priority} ` : ''}${name.replace(/\{.*\}$/, '')} ${line} broken at ${where}`,
      );
    }
  }
  const summary = {
    engine: 'k6',
    profile: plan.profile.name,
    target: plan.target,
    sla: plan.sla,
    durationMs: data.state.testRunDurationMs,
    requests: (m.busybench_success?.values.passes ?? 0) + (m.busybench_success?.values.fails ?? 0),
    attempts: m.http_reqs?.values.count ?? 0,
    droppedIterations: m.dropped_iterations?.values.count ?? 0,
    successRate: m.busybench_success?.values.rate ?? null,
    latencyMs: byPercentile(m.busybench_latency?.values),
    ttftMs: byPercentile(m.busybench_ttft?.values),
    errors: Object.fromEntries(
      Object.entries(m)
        .filter(([name]) => /^busybench_errors_[^{]+$/.test(name))
        .map(([name, metric]) => [name.replace('busybench_errors_', ''), metric.values.count ?? 0]),
    ),
    steps,
    breaches,
    // The lines the collector judges (the strategy's queue): carried, not judged by k6.
    ...(collectorLines(plan.sla).length > 0 ? { judgedByCollector: collectorLines(plan.sla) } : {}),
    passed: breaches.length === 0,
  };
  return { stdout: terminalText(summary), [config.summaryPath]: `${JSON.stringify(summary, null, 2)}\n` };
}

function terminalText(s: {
  profile: string;
  requests: number;
  attempts: number;
  droppedIterations: number;
  steps: StepSummary[];
  breaches: string[];
  judgedByCollector?: string[];
  errors: Record<string, number>;
}): string {
  const fmt = (v: number | null, digits = 1) => (v === null ? '-' : v.toFixed(digits));
  const rows = s.steps.map(
    (st) =>
      `  ${String(st.step).padStart(4)}  ${String(st.targetRate).padStart(7)}  ${fmt(st.achievedRate).padStart(9)}  ${String(st.requests).padStart(8)}  ${st.successRate === null ? '-'.padStart(8) : `${(st.successRate * 100).toFixed(2)}%`.padStart(8)}  ${fmt(st.p50Ms).padStart(8)}  ${fmt(st.p99Ms).padStart(8)}  ${fmt(st.ttftP95Ms).padStart(9)}`,
  );
  const errorLine = Object.entries(s.errors)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c}: ${n}`)
    .join(', ');
  return [
    '',
    `busybench ${s.profile}: ${s.requests} requests${s.attempts > s.requests ? ` (${s.attempts} attempts with retries)` : ''}, ${s.droppedIterations} dropped iterations${errorLine ? `, errors ${errorLine}` : ''}`,
    '  step   target  achieved  requests   success   p50 ms   p99 ms  ttft p95',
    ...rows,
    s.breaches.length === 0
      ? 'SLA: every line held'
      : `SLA BREACHED:\n${s.breaches.map((b) => `  - ${b}`).join('\n')}`,
    ...(s.judgedByCollector ?? []).map(
      (l) => `not judged here: ${l} (the strategy's queue; the collector judges it)`,
    ),
    '',
  ].join('\n');
}
