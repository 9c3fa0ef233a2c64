import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { REPORT_MESSAGES, type ReportMessages } from '../../common/i18n/messages/report.js';
import { PRIORITY_CLASSES } from '../../common/priority-classes.js';
import { slaLineText } from '../../common/sla/line-text.js';
import type { Verdict } from '../../common/sla/verdict.js';
import { missingText } from './report-words.js';
import type { RunnerView } from './runner-view.js';
import type { ClassSummary, StepSummary } from './step-stats.js';
import type { FairnessSummary } from './user-fairness.js';

const num = (v: number | null, digits = 1) => (v === null ? '-' : v.toFixed(digits));

/**
 * Columns a terminal shows: a Chinese character takes two cells, so widths are counted in cells,
 * not characters (East Asian Wide and Fullwidth ranges: Han, kana, Hangul, CJK punctuation).
 */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const cells = (s: string) => [...s].reduce((n, c) => n + (WIDE.test(c) ? 2 : 1), 0);
const padStart = (s: string, width: number) => ' '.repeat(Math.max(0, width - cells(s))) + s;
const padEnd = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - cells(s)));

/** A table's columns: each as wide as its narrowest English form, or its label when that is wider. */
function widths(labels: readonly string[], least: readonly number[]): number[] {
  return labels.map((l, i) => Math.max(least[i] ?? 0, cells(l)));
}

/** Requests, success, latency percentiles, TTFT p95 and errors: the columns a class row shares with its step's. */
function figures(s: StepSummary | ClassSummary, w: readonly number[]): string[] {
  const errors = Object.entries(s.errors)
    .map(([c, n]) => `${c}:${n}`)
    .join(' ');
  const success = s.successRate === null ? '-' : `${(s.successRate * 100).toFixed(2)}%`;
  const [, , , , requests = 0, successW = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, ttft = 0] = w;
  return [
    padStart(String(s.requests), requests),
    padStart(success, successW),
    padStart(num(s.latency.p50), p50),
    padStart(num(s.latency.p90), p90),
    padStart(num(s.latency.p99), p99),
    padStart(num(s.latency.p999), p999),
    padStart(s.ttft.count ? num(s.ttft.p95) : '-', ttft),
    ` ${errors || '-'}`,
  ];
}

/**
 * The report as a terminal table: one row per step (and under it a row per priority class it
 * had, when the run has classes), then the SLA verdict line by line, in the locale's words.
 */
export function terminalReport(
  steps: readonly StepSummary[],
  verdict: Verdict,
  malformedLines: number,
  runners: readonly RunnerView[] = [],
  locale: Locale = 'en',
  fairness: FairnessSummary | null = null,
): string {
  const m = messagesFor(REPORT_MESSAGES, locale);
  const labels = [
    m['col.step'],
    m['col.target'],
    m['col.achieved'],
    m['col.goodput'],
    m['col.requests'],
    m['col.success'],
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'p99.9 ms',
    m['col.ttftP95'],
  ];
  const w = widths(labels, [6, 7, 9, 9, 9, 8, 9, 9, 9, 9, 9]);
  const [stepW = 0, targetW = 0, achievedW = 0, goodputW = 0] = w;
  const head = `${labels.map((l, i) => padStart(l, w[i] ?? 0)).join(' ')}  ${m['col.errors']}`;
  const rows = steps.flatMap((s) => [
    [
      padStart(String(s.step), stepW),
      padStart(String(s.targetRate), targetW),
      padStart(num(s.achievedRate), achievedW),
      padStart(num(s.goodput), goodputW),
      ...figures(s, w),
    ].join(' '),
    ...PRIORITY_CLASSES.flatMap((c) => {
      const f = s.classes?.[c];
      return f
        ? [
            [
              padStart(c, stepW),
              padStart('', targetW),
              padStart('', achievedW),
              padStart('', goodputW),
              ...figures(f, w),
            ].join(' '),
          ]
        : [];
    }),
  ]);
  const broken = verdict.lines.filter((l) => !l.ok);
  const verdictText = verdict.passed
    ? m.slaHeld
    : [
        m.slaBreached,
        ...broken.map(
          (l) =>
            `  - ${
              l.step === null
                ? m.brokenOverall(slaLineText(l.rule, l.priority, m), num(l.measured, 4))
                : m.brokenAtStep(
                    slaLineText(l.rule, l.priority, m),
                    String(l.step),
                    String(l.targetRate),
                    // A queue is counted in requests: a whole number, not a rate's 4 places.
                    num(l.measured, l.rule.kind === 'queue' ? 0 : 4),
                  )
            }`,
        ),
      ].join('\n');
  const knee =
    verdict.knee === null
      ? m.kneeNone
      : m.kneeAt(String(verdict.knee), String(steps.find((s) => s.step === verdict.knee)?.targetRate));
  const warn = malformedLines > 0 ? `\n${m.malformedWarning(String(malformedLines))}` : '';
  const users = fairness ? `\n${fairnessLine(fairness, m)}` : '';
  const saturated = runners
    .filter((r) => r.stoppedSaturated !== null)
    .map((r) => `\n${m.stoppedSaturated(r.runner, r.stoppedSaturated as string)}`)
    .join('');
  return `${head}\n${rows.join('\n')}\n${verdictText}\n${knee}${users}${saturated}${warn}\n${runnerTable(runners, m)}`;
}

/** Fairness between users, when requests carried a user_id. */
export function fairnessLine(f: FairnessSummary, m: ReportMessages): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  return m.fairness(
    String(f.users),
    pct(f.worstSuccessRate),
    num(f.worstP99Ms, 0),
    f.jain.toFixed(3),
    f.worstUser,
    pct(f.worstUserSuccessRate),
  );
}

/**
 * Each load generator's share, when there are several (or one fell short): a slow runner shows
 * in its own row, a segment that is missing results says which and by how much.
 */
function runnerTable(runners: readonly RunnerView[], m: ReportMessages): string {
  const short = missingText(runners, m);
  if (runners.length < 2 && short.length === 0) return '';
  const cell = (v: number | null, digits = 0) => (v === null ? '–' : v.toFixed(digits));
  const labels = [
    m['col.runner'],
    m['col.segment'],
    m['col.step'],
    m['col.scheduled'],
    m['col.received'],
    m['col.sent'],
    m['col.missing'],
    m['col.achieved'],
    m['col.late'],
    m['col.lateP99'],
  ];
  const w = widths(labels, [22, 7, 5, 9, 8, 7, 7, 9, 6, 11]);
  const [runnerW = 0, ...rest] = w;
  const rows = runners.flatMap((r) =>
    r.steps.map((s) =>
      [
        padEnd(r.runner, runnerW).slice(0, runnerW),
        ...[
          r.segment,
          String(s.step),
          String(s.scheduled),
          String(s.received),
          cell(s.sent),
          cell(s.missing),
          cell(s.achievedRate, 1),
          String(s.late),
          cell(s.lateP99Ms, 1),
        ].map((v, i) => padStart(v, rest[i] ?? 0)),
      ].join(' '),
    ),
  );
  const head = [
    padEnd(labels[0] as string, runnerW),
    ...labels.slice(1).map((l, i) => padStart(l, rest[i] ?? 0)),
  ];
  const warnings = short.map((w) => `${m.missingLine(w)}\n`).join('');
  return `${head.join(' ')}\n${rows.join('\n')}\n${warnings}`;
}
