import type { ReportMessages } from '../i18n/messages/report.js';
import type { PriorityClass } from '../priority-classes.js';

/**
 * What an SLA line asks, in parts (the judge records it on every line it judges): the report
 * says a line in any language from these, never by reading the English back.
 */
export type SlaRule =
  | { readonly kind: 'success'; readonly min: number }
  | { readonly kind: 'latency' | 'ttft'; readonly percentile: string; readonly ms: number }
  | { readonly kind: 'errorRate'; readonly outcome: string; readonly max: number }
  | { readonly kind: 'dropped'; readonly max: number }
  | { readonly kind: 'queue'; readonly max: number };

type LineMessages = Pick<
  ReportMessages,
  'sla.success' | 'sla.latency' | 'sla.ttft' | 'sla.errorRate' | 'sla.dropped' | 'sla.queue'
>;

/** A line in words, its class first when it has one ("P0 success rate >= 0.999"). */
export function slaLineText(rule: SlaRule, priority: PriorityClass | null, m: LineMessages): string {
  return priority === null ? ruleText(rule, m) : `${priority} ${ruleText(rule, m)}`;
}

function ruleText(rule: SlaRule, m: LineMessages): string {
  switch (rule.kind) {
    case 'success':
      return m['sla.success'](String(rule.min));
    case 'latency':
      return m['sla.latency'](rule.percentile, String(rule.ms));
    case 'ttft':
      return m['sla.ttft'](rule.percentile, String(rule.ms));
    case 'errorRate':
      return m['sla.errorRate'](rule.outcome, String(rule.max));
    case 'dropped':
      return m['sla.dropped'](String(rule.max));
    case 'queue':
      return m['sla.queue'](String(rule.max));
  }
}
