import { PRIORITY_CLASSES, type PriorityClass } from '../../loadtests/priority.js';
import type { ClassSla, Sla } from '../../loadtests/sla.js';
import type { ClassSummary, StepSummary } from './step-stats.js';

export interface LineVerdict {
  /** null: the run as a whole (dropped iterations). */
  readonly step: number | null;
  readonly targetRate: number | null;
  /** The class whose requests the line judged; null: every request. */
  readonly priority: PriorityClass | null;
  /** What the line says, its class first when it has one ("P0 success rate >= 0.999"). */
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

/**
 * Judges the SLA (one definition, loadtests/sla.ts, the one the plan gives the load generator):
 * every line per step from the collector's exact histograms, then each priority class's lines on
 * that class's requests. A class with no request in a step is not judged there.
 */
export function judge(sla: Sla, steps: readonly StepSummary[], droppedIterations: number): Verdict {
  const lines: LineVerdict[] = [];
  for (const s of steps) {
    judgeLines(s, null, sla, s, lines);
    for (const c of PRIORITY_CLASSES) {
      const classLines = sla.classes?.[c];
      const figures = s.classes?.[c];
      if (classLines && figures && figures.requests > 0) judgeLines(s, c, classLines, figures, lines);
    }
  }
  lines.push({
    step: null,
    targetRate: null,
    priority: null,
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

/** Appends one set of lines (the SLA's own, or a class's) judged on a step's figures. */
function judgeLines(
  step: StepSummary,
  priority: PriorityClass | null,
  set: ClassSla,
  f: Pick<ClassSummary, 'requests' | 'successRate' | 'errors' | 'latency' | 'ttft'>,
  lines: LineVerdict[],
): void {
  const at = (line: string, measured: number | null, ok: boolean) =>
    lines.push({
      step: step.step,
      targetRate: step.targetRate,
      priority,
      line: priority === null ? line : `${priority} ${line}`,
      measured,
      ok,
    });
  if (set.successRate !== undefined) {
    const min = set.successRate;
    at(`success rate >= ${min}`, f.successRate, f.successRate !== null && f.successRate >= min);
  }
  for (const [p, ms] of Object.entries(set.latencyMs ?? {})) {
    const field = PERCENTILE_FIELD[p];
    const measured = field ? f.latency[field] : null;
    at(`latency ${p} < ${ms} ms`, measured, measured !== null && measured < ms);
  }
  for (const [p, ms] of Object.entries(set.ttftMs ?? {})) {
    const field = PERCENTILE_FIELD[p];
    // Steps (or classes) without streams have nothing to judge on this line.
    if (!field || f.ttft.count === 0) continue;
    at(`ttft ${p} < ${ms} ms`, f.ttft[field], f.ttft[field] < ms);
  }
  for (const [errorClass, max] of Object.entries(set.errorRates ?? {})) {
    const rate = f.requests === 0 ? 0 : (f.errors[errorClass] ?? 0) / f.requests;
    at(`${errorClass} rate <= ${max}`, rate, rate <= max);
  }
}
