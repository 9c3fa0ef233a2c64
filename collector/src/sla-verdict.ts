import type { Sla } from '../../loadtests/sla.js';
import type { StepSummary } from './step-stats.js';

export interface LineVerdict {
  /** null: the run as a whole (dropped iterations). */
  readonly step: number | null;
  readonly targetRate: number | null;
  readonly line: string;
  readonly measured: number | null;
  readonly ok: boolean;
}

export interface Verdict {
  readonly passed: boolean;
  readonly lines: readonly LineVerdict[];
  /** The highest step whose every line holds (the knee), or null when none does. */
  readonly knee: number | null;
}

const PERCENTILE_FIELD: Record<string, keyof StepSummary['latency']> = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  'p99.9': 'p999',
};

/** Every SLA line judged per step, from the collector's exact histograms. */
/** Judges the SLA (one definition, loadtests/sla.ts, shared with the k6 scripts). */
export function judge(sla: Sla, steps: readonly StepSummary[], droppedIterations: number): Verdict {
  const lines: LineVerdict[] = [];
  for (const s of steps) {
    const at = (line: string, measured: number | null, ok: boolean) =>
      lines.push({ step: s.step, targetRate: s.targetRate, line, measured, ok });
    at(
      `success rate >= ${sla.successRate}`,
      s.successRate,
      s.successRate !== null && s.successRate >= sla.successRate,
    );
    for (const [p, ms] of Object.entries(sla.latencyMs)) {
      const field = PERCENTILE_FIELD[p];
      const measured = field ? s.latency[field] : null;
      at(`latency ${p} < ${ms} ms`, measured, measured !== null && measured < ms);
    }
    for (const [p, ms] of Object.entries(sla.ttftMs)) {
      const field = PERCENTILE_FIELD[p];
      // Steps without streams have nothing to judge on this line.
      if (!field || s.ttft.count === 0) continue;
      at(`ttft ${p} < ${ms} ms`, s.ttft[field], s.ttft[field] < ms);
    }
    for (const [errorClass, max] of Object.entries(sla.errorRates)) {
      const rate = s.requests === 0 ? 0 : (s.errors[errorClass] ?? 0) / s.requests;
      at(`${errorClass} rate <= ${max}`, rate, rate <= max);
    }
  }
  lines.push({
    step: null,
    targetRate: null,
    line: `dropped iterations <= ${sla.maxDroppedIterations}`,
    measured: droppedIterations,
    ok: droppedIterations <= sla.maxDroppedIterations,
  });
  const held = (step: number) => lines.every((l) => l.step !== step || l.ok);
  const knee = [...steps].reverse().find((s) => held(s.step))?.step ?? null;
  return { passed: lines.every((l) => l.ok), lines, knee };
}
