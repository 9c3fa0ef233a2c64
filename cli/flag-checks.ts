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

/** A comma-separated list of http(s) URLs. */
export function urlsFlag(name: string, raw: string, problems: string[]): string[] {
  const list = raw.split(',').filter(Boolean);
  for (const u of list)
    if (!/^https?:\/\/[^/]+/.test(u)) problems.push(`--${name}: "${u}" is not an http(s) URL`);
  return list;
}

/** Throws what was found: the one problem as the message, or all of them listed. */
export function throwIfProblems(problems: readonly string[]): void {
  if (problems.length === 1) throw new UsageError(problems[0] as string);
  if (problems.length > 1) throw new UsageError('bad flags', problems);
}
