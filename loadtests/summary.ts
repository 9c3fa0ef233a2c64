import type { RunConfig } from './config.ts';

interface MetricSummary {
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
interface SummaryData {
  metrics: Record<string, MetricSummary>;
  state: { testRunDurationMs: number };
}

export interface StepSummary {
  step: number;
  targetRate: number;
  requests: number;
  /** HTTP requests sent: more than `requests` when the client retries. */
  attempts: number;
  achievedRate: number;
  successRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  ttftP95Ms: number | null;
}

/**
 * The end of a run: a JSON summary for the collector and the report, and a few lines for the
 * terminal that name every SLA line broken and the step where it broke.
 */
export function summarise(data: SummaryData, config: RunConfig): Record<string, string> {
  const m = data.metrics;
  const steps: StepSummary[] = config.profile.steps.map((step) => {
    const outcomes = m[`busybench_success{step:${step.index}}`]?.values;
    const requests = (outcomes?.passes ?? 0) + (outcomes?.fails ?? 0);
    const seconds = (step.endMs - step.startMs) / 1000;
    return {
      step: step.index,
      targetRate: step.targetRate,
      requests,
      attempts: m[`http_reqs{step:${step.index}}`]?.values.count ?? 0,
      achievedRate: Math.round((requests / seconds) * 10) / 10,
      successRate: m[`busybench_success{step:${step.index}}`]?.values.rate ?? null,
      p50Ms: m[`busybench_latency{step:${step.index}}`]?.values.med ?? null,
      p99Ms: m[`busybench_latency{step:${step.index}}`]?.values['p(99)'] ?? null,
      ttftP95Ms: m[`busybench_ttft{step:${step.index}}`]?.values['p(95)'] ?? null,
    };
  });
  const breaches: string[] = [];
  for (const [name, metric] of Object.entries(m)) {
    for (const [line, result] of Object.entries(metric.thresholds ?? {})) {
      if (result.ok) continue;
      const stepMatch = /\{step:(\d+)\}$/.exec(name);
      const step = stepMatch ? config.profile.steps[Number(stepMatch[1])] : undefined;
      const where = step ? `step ${step.index} (${step.targetRate} req/s)` : 'overall';
      breaches.push(`${name.replace(/\{.*\}$/, '')} ${line} broken at ${where}`);
    }
  }
  const summary = {
    profile: config.profileName,
    target: config.target,
    sla: config.sla,
    durationMs: data.state.testRunDurationMs,
    requests: (m.busybench_success?.values.passes ?? 0) + (m.busybench_success?.values.fails ?? 0),
    attempts: m.http_reqs?.values.count ?? 0,
    droppedIterations: m.dropped_iterations?.values.count ?? 0,
    successRate: m.busybench_success?.values.rate ?? null,
    errors: Object.fromEntries(
      Object.entries(m)
        .filter(([name]) => /^busybench_errors_[^{]+$/.test(name))
        .map(([name, metric]) => [name.replace('busybench_errors_', ''), metric.values.count ?? 0]),
    ),
    steps,
    breaches,
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
    '',
  ].join('\n');
}
