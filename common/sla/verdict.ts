import { REPORT_MESSAGES } from '../i18n/messages/report.js';
import { PRIORITY_CLASSES, type PriorityClass } from '../priority-classes.js';
import { type SlaRule, slaLineText } from './line-text.js';
import { type ClassSla, MEAN_KEY, percentileOf, type Sla } from './sla.js';

/** The judge writes its lines in English (the data; the report says them again in its language). */
const ENGLISH = REPORT_MESSAGES.en;

/**
 * What the judge reads of a step, or of one priority class within it: counts and percentiles at
 * any q, so a line on any pN is judged (p75 as well as p99). The collector's StepStats and
 * ClassStats are these, from their exact histograms.
 */
export interface JudgedFigures {
  readonly requests: number;
  readonly successRate: number | null;
  errorCount(errorClass: string): number;
  /** End-to-end latency at percentile q (0 < q <= 100), ms; null without requests. */
  latencyMs(q: number): number | null;
  /** Streams' time to first token at q, ms; null when there was no stream. */
  ttftMs(q: number): number | null;
  /** The mean end-to-end latency, ms (an `avg` line); null without requests. */
  latencyMeanMs(): number | null;
  /** The streams' mean time to first token, ms; null when there was no stream. */
  ttftMeanMs(): number | null;
}

export interface JudgedStep extends JudgedFigures {
  readonly step: number;
  readonly targetRate: number;
  /**
   * The strategy's queue at its highest in the step, as scraped (`busybench_strategy_queue_length`);
   * null when no strategy's metrics were scraped in it (nginx, HAProxy, no strategy).
   */
  queueLengthPeak(): number | null;
  /** A priority class's share of the step; null when the class sent nothing in it. */
  classFigures(priority: PriorityClass): JudgedFigures | null;
}

export interface LineVerdict {
  /** null: the run as a whole (dropped iterations). */
  readonly step: number | null;
  readonly targetRate: number | null;
  /** The class whose requests the line judged; null: every request. */
  readonly priority: PriorityClass | null;
  /** What the line says, its class first when it has one ("P0 success rate >= 0.999"). */
  readonly line: string;
  /** What it asks, in parts: the report says the line in its language from these. */
  readonly rule: SlaRule;
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

/**
 * Judges the SLA: every line per step, then each priority class's lines on that class's
 * requests. A class with no request in a step is not judged there, nor a TTFT line in a step
 * without streams, nor the queue line in a step no scrape of the strategy saw.
 */
export function judge(sla: Sla, steps: readonly JudgedStep[], droppedIterations: number): Verdict {
  const lines: LineVerdict[] = [];
  const ordered = [...steps].sort((a, b) => a.step - b.step);
  for (const s of ordered) {
    judgeLines(s, null, sla, s, lines);
    // The strategy's own queue: judged where a scrape of the strategy saw the step.
    const queuePeak = sla.queueLength === undefined ? null : s.queueLengthPeak();
    if (sla.queueLength !== undefined && queuePeak !== null) {
      const rule: SlaRule = { kind: 'queue', max: sla.queueLength };
      lines.push({
        step: s.step,
        targetRate: s.targetRate,
        priority: null,
        line: slaLineText(rule, null, ENGLISH),
        rule,
        measured: queuePeak,
        ok: queuePeak < sla.queueLength,
      });
    }
    for (const c of PRIORITY_CLASSES) {
      const classLines = sla.classes?.[c];
      const figures = s.classFigures(c);
      if (classLines && figures && figures.requests > 0) judgeLines(s, c, classLines, figures, lines);
    }
  }
  const dropped: SlaRule = { kind: 'dropped', max: sla.maxDroppedIterations };
  lines.push({
    step: null,
    targetRate: null,
    priority: null,
    line: slaLineText(dropped, null, ENGLISH),
    rule: dropped,
    measured: droppedIterations,
    ok: droppedIterations <= sla.maxDroppedIterations,
  });
  const broken = new Set(lines.filter((l) => !l.ok && l.step !== null).map((l) => l.step));
  let knee: number | null = null;
  for (const s of ordered) {
    if (broken.has(s.step)) break;
    knee = s.step;
  }
  return { passed: lines.every((l) => l.ok), lines, knee };
}

/** Appends one set of lines (the SLA's own, or a class's) judged on a step's figures. */
function judgeLines(
  step: JudgedStep,
  priority: PriorityClass | null,
  set: ClassSla,
  f: JudgedFigures,
  lines: LineVerdict[],
): void {
  const at = (rule: SlaRule, measured: number | null, ok: boolean) =>
    lines.push({
      step: step.step,
      targetRate: step.targetRate,
      priority,
      line: slaLineText(rule, priority, ENGLISH),
      rule,
      measured,
      ok,
    });
  if (set.successRate !== undefined) {
    const min = set.successRate;
    at({ kind: 'success', min }, f.successRate, f.successRate !== null && f.successRate >= min);
  }
  for (const [p, ms] of Object.entries(set.latencyMs ?? {})) {
    const measured = p === MEAN_KEY ? f.latencyMeanMs() : f.latencyMs(percentileOf(p));
    at({ kind: 'latency', percentile: p, ms }, measured, measured !== null && measured < ms);
  }
  for (const [p, ms] of Object.entries(set.ttftMs ?? {})) {
    const measured = p === MEAN_KEY ? f.ttftMeanMs() : f.ttftMs(percentileOf(p));
    // Steps (or classes) without streams have nothing to judge on this line.
    if (measured === null) continue;
    at({ kind: 'ttft', percentile: p, ms }, measured, measured < ms);
  }
  for (const [outcome, max] of Object.entries(set.errorRates ?? {})) {
    const rate = f.requests === 0 ? 0 : f.errorCount(outcome) / f.requests;
    at({ kind: 'errorRate', outcome, max }, rate, rate <= max);
  }
}
