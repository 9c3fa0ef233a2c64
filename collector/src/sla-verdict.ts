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
  /**
   * The knee: the last step before the first step that broke a line (every step when none
   * broke), or null when step 0 broke. A step that holds after a broken one is not the knee.
   */
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
/** Judges the SLA (one definition, loadtests/sla.ts, the one the plan gives the load generator). */
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
  const broken = new Set(lines.filter((l) => !l.ok && l.step !== null).map((l) => l.step));
  let knee: number | null = null;
  for (const s of [...steps].sort((a, b) => a.step - b.step)) {
    if (broken.has(s.step)) break;
    knee = s.step;
  }
  return { passed: lines.every((l) => l.ok), lines, knee };
}
