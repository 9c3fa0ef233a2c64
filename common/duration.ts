import { KitError, KitErrorCodes } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Parses "250ms", "30s", "2m", "1.5h" or a bare number of milliseconds. */
export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const match = PATTERN.exec(value.trim());
    if (match) return Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  throw new KitError(
    KitErrorCodes.BAD_DURATION,
    `"${value}" is not a duration (use e.g. 500ms, 30s, 2m, or a number of milliseconds)`,
  );
}

/** The duration pattern, for JSON schemas. */
export const DURATION_PATTERN = PATTERN.source;
