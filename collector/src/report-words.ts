import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { REPORT_MESSAGES, type ReportMessages } from '../../common/i18n/messages/report.js';
import { slaLineText } from '../../common/sla/line-text.js';
import type { RunView } from './run-view.js';
import type { RunnerView } from './runner-view.js';

/**
 * The words of a report that come with its data, in the report's language: the SLA's lines (the
 * judge, common/sla/verdict.ts, writes them in English into the verdict, with their parts, from
 * which common/sla/line-text.ts says them in any language), the segments that fell short,
 * recovery and alert states. The data keeps its English; only what is shown is said again.
 */

/**
 * Load generators that fell short, in words: which segment, how much of it is missing, and what
 * share of the whole run that is.
 */
export function missingText(runners: readonly RunnerView[], m: ReportMessages): string[] {
  const total = runners.reduce((n, r) => n + r.scheduled, 0);
  const pct = (x: number, of: number) => m.percent(((100 * x) / Math.max(1, of)).toFixed(1));
  return runners
    .filter((r) => (r.missing ?? 0) > 0)
    .map((r) => {
      const missing = r.missing ?? 0;
      const steps = r.steps
        .filter((s) => (s.missing ?? 0) > 0)
        .map((s) => m.stepMissing(String(s.step), String(s.missing)))
        .join(m.listSeparator);
      return m.segmentMissing(
        r.segment,
        r.runner,
        r.finished ? m.segmentEnded : m.segmentCut,
        String(missing),
        String(r.scheduled),
        pct(missing, r.scheduled),
        pct(missing, total),
        steps,
      );
    });
}

/** The segments that fell short in English: what report.json and the terminal's MISSING lines carry. */
export function missingSegments(runners: readonly RunnerView[]): string[] {
  return missingText(runners, REPORT_MESSAGES.en);
}

/**
 * The view with the words it carries (its SLA lines, its missing segments) said in a language:
 * what the HTML report embeds and the live page polls (`/api/live?lang=zh-CN`). Every other
 * field is left as it is; in English the view is returned as the collector made it.
 */
export function viewInLanguage(view: RunView, locale: Locale): RunView {
  if (locale === 'en') return view;
  const m = messagesFor(REPORT_MESSAGES, locale);
  return {
    ...view,
    verdict: {
      ...view.verdict,
      lines: view.verdict.lines.map((l) => ({ ...l, line: slaLineText(l.rule, l.priority, m) })),
    },
    missing: missingText(view.runners, m),
  };
}

/** A recovery's or an alert's state, or a severity, in words; one the catalogue lacks as it came. */
export function stateText(m: ReportMessages, kind: 'status' | 'alert' | 'severity', value: string): string {
  const key = `${kind}.${value}`;
  return Object.hasOwn(m, key) ? (m[key as keyof ReportMessages] as string) : value;
}
