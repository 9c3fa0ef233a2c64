import { PRIORITY_CLASSES, type PriorityClass } from '../common/priority-classes.js';
import { UsageError } from './fail.js';

/**
 * Checks of the flags several commands share. Each adds a one-line problem to the list instead
 * of throwing, so a command reports every bad flag at once.
 */
export function portFlag(name: string, raw: string, problems: string[], allowZero = false): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535)
    problems.push(`--${name} "${raw}" is not a port${allowZero ? ' (0: any free one)' : ''}`);
  return n;
}

/** A comma-separated list of http(s) URLs; `dnsForm` also takes dns+http(s):// (every address of a name). */
export function urlsFlag(name: string, raw: string, problems: string[], dnsForm = false): string[] {
  const list = raw.split(',').filter(Boolean);
  const form = dnsForm ? /^(dns\+)?https?:\/\/[^/]+/ : /^https?:\/\/[^/]+/;
  for (const u of list)
    if (!form.test(u))
      problems.push(`--${name}: "${u}" is not an http(s) URL${dnsForm ? ' (or dns+http://name:port)' : ''}`);
  return list;
}

/**
 * `--priority P0=0.1,P1=0.3,P2=0.4,P3=0.2`: weights per class (a class left out weighs 0),
 * normalised when drawn. Undefined (no flag) is null: no x-priority header.
 */
export function priorityFlag(
  raw: string | undefined,
  problems: string[],
): Record<PriorityClass, number> | null {
  if (raw === undefined) return null;
  const shares: Record<PriorityClass, number> = { P0: 0, P1: 0, P2: 0, P3: 0 };
  const seen = new Set<string>();
  const pairs = raw.split(',').map((p) => p.trim().split('='));
  const weight = (w: string | undefined) => (w === undefined || w.trim() === '' ? Number.NaN : Number(w));
  if (
    pairs.some(
      ([c, w, ...rest]) =>
        !PRIORITY_CLASSES.includes(c as PriorityClass) || !(weight(w) >= 0) || rest.length > 0,
    )
  ) {
    problems.push(
      `--priority "${raw}" must look like P0=0.1,P1=0.3,P2=0.4,P3=0.2 (classes P0 to P3, weights >= 0)`,
    );
    return null;
  }
  for (const [c, w] of pairs) {
    if (seen.has(c as string)) problems.push(`--priority "${raw}" names ${c} twice`);
    seen.add(c as string);
    shares[c as PriorityClass] = weight(w);
  }
  if (Object.values(shares).every((w) => w === 0))
    problems.push(`--priority "${raw}" needs a class with a weight above 0`);
  return shares;
}

/** Throws what was found: the one problem as the message, or all of them listed. */
export function throwIfProblems(problems: readonly string[]): void {
  if (problems.length === 1) throw new UsageError(problems[0] as string);
  if (problems.length > 1) throw new UsageError('bad flags', problems);
}
