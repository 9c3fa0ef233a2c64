import { PRIORITY_CLASSES } from '../../common/priority-classes.js';
import type { Verdict } from '../../common/sla/verdict.js';
import { missingSegments, type RunnerView } from './runner-view.js';
import type { ClassSummary, StepSummary } from './step-stats.js';

const num = (v: number | null, digits = 1) => (v === null ? '-' : v.toFixed(digits));

/** Requests, success, latency percentiles, TTFT p95 and errors: the columns a class row shares with its step's. */
function figures(s: StepSummary | ClassSummary): string[] {
  const errors = Object.entries(s.errors)
    .map(([c, n]) => `${c}:${n}`)
    .join(' ');
  const success = s.successRate === null ? '-' : `${(s.successRate * 100).toFixed(2)}%`;
  return [
    String(s.requests).padStart(9),
    success.padStart(8),
    num(s.latency.p50).padStart(9),
    num(s.latency.p90).padStart(9),
    num(s.latency.p99).padStart(9),
    num(s.latency.p999).padStart(9),
    (s.ttft.count ? num(s.ttft.p95) : '-').padStart(9),
    ` ${errors || '-'}`,
  ];
}

/**
 * The report as a terminal table: one row per step (and under it a row per priority class it
 * had, when the run has classes), then the SLA verdict line by line.
 */
export function terminalReport(
  steps: readonly StepSummary[],
  verdict: Verdict,
  malformedLines: number,
  runners: readonly RunnerView[] = [],
): string {
  const head =
    '  step  target  achieved   goodput  requests  success    p50 ms    p90 ms    p99 ms  p99.9 ms  ttft p95  errors';
  const rows = steps.flatMap((s) => [
    [
      String(s.step).padStart(6),
      String(s.targetRate).padStart(7),
      num(s.achievedRate).padStart(9),
      num(s.goodput).padStart(9),
      ...figures(s),
    ].join(' '),
    ...PRIORITY_CLASSES.flatMap((c) => {
      const f = s.classes?.[c];
      return f
        ? [[c.padStart(6), ''.padStart(7), ''.padStart(9), ''.padStart(9), ...figures(f)].join(' ')]
        : [];
    }),
  ]);
  const broken = verdict.lines.filter((l) => !l.ok);
  const verdictText = verdict.passed
    ? 'SLA: every line held at every step'
    : [
        'SLA BREACHED:',
        ...broken.map(
          (l) =>
            `  - ${l.line} broken ${l.step === null ? 'overall' : `at step ${l.step} (${l.targetRate} req/s)`}: measured ${num(l.measured, 4)}`,
        ),
      ].join('\n');
  const knee =
    verdict.knee === null
      ? 'knee: none (the first step broke the SLA)'
      : `knee: step ${verdict.knee} (${steps.find((s) => s.step === verdict.knee)?.targetRate} req/s)`;
  const warn = malformedLines > 0 ? `\nwarning: ${malformedLines} malformed line(s) skipped` : '';
  return `${head}\n${rows.join('\n')}\n${verdictText}\n${knee}${warn}\n${runnerTable(runners)}`;
}

/**
 * Each load generator's share, when there are several (or one fell short): a slow runner shows
 * in its own row, a segment that is missing results says which and by how much.
 */
function runnerTable(runners: readonly RunnerView[]): string {
  const short = missingSegments(runners);
  if (runners.length < 2 && short.length === 0) return '';
  const cell = (v: number | null, digits = 0) => (v === null ? '–' : v.toFixed(digits));
  const rows = runners.flatMap((r) =>
    r.steps.map((s) =>
      [
        r.runner.padEnd(22).slice(0, 22),
        r.segment.padStart(7),
        String(s.step).padStart(5),
        String(s.scheduled).padStart(9),
        String(s.received).padStart(8),
        cell(s.sent).padStart(7),
        cell(s.missing).padStart(7),
        cell(s.achievedRate, 1).padStart(9),
        String(s.late).padStart(6),
        cell(s.lateP99Ms, 1).padStart(11),
      ].join(' '),
    ),
  );
  const head = [
    'runner'.padEnd(22),
    'segment',
    ' step',
    'scheduled',
    'received',
    '   sent',
    'missing',
    ' achieved',
    '  late',
    'late p99 ms',
  ];
  const warnings = short.map((w) => `MISSING: ${w}\n`).join('');
  return `${head.join(' ')}\n${rows.join('\n')}\n${warnings}`;
}
