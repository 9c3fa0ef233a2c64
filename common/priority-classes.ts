/**
 * The priority classes, as DeepSeek operations guides queue requests: P0 urgent, P1 interactive,
 * P2 normal, P3 batch, carried in the `x-priority` header (absent: P2). The one list: the SLA,
 * the collector (a label's values stay these four) and the load generators' draw
 * (loadtests/priority.ts) read it. No imports: the k6 scripts load this file too.
 */
export const PRIORITY_CLASSES = ['P0', 'P1', 'P2', 'P3'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** The header proxies read the class from. */
export const PRIORITY_HEADER = 'x-priority';

export function isPriorityClass(v: unknown): v is PriorityClass {
  return typeof v === 'string' && (PRIORITY_CLASSES as readonly string[]).includes(v);
}
