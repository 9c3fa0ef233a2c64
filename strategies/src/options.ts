import { StrategyError, StrategyErrorCodes } from './errors.js';

/**
 * A strategy's options come as `key=value` strings (CLI `--opt`, compare's lists); each
 * strategy reads its own with defaults and bounds, and every problem is reported at once.
 */

export class Options {
  readonly problems: string[] = [];
  private readonly used = new Set<string>();

  constructor(
    private readonly strategy: string,
    private readonly raw: Readonly<Record<string, string>>,
  ) {}

  number(key: string, fallback: number, min: number, max = Number.POSITIVE_INFINITY): number {
    this.used.add(key);
    const v = this.raw[key];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${key}="${v}" must be a number from ${min}${max < Infinity ? ` to ${max}` : ''}`);
      return fallback;
    }
    return n;
  }

  choice<T extends string>(key: string, fallback: T, choices: readonly T[]): T {
    this.used.add(key);
    const v = this.raw[key];
    if (v === undefined) return fallback;
    if (!choices.includes(v as T)) {
      this.problems.push(`${key}="${v}" must be one of ${choices.join(', ')}`);
      return fallback;
    }
    return v as T;
  }

  /** A free-form value (a URL), or undefined when not given. */
  string(key: string): string | undefined {
    this.used.add(key);
    return this.raw[key];
  }

  list(key: string, fallback: readonly string[]): string[] {
    this.used.add(key);
    const v = this.raw[key];
    return v === undefined ? [...fallback] : v.split(/[,;]/).filter(Boolean);
  }

  /** Throws with every problem (unknown keys included) when there is any. */
  done(): void {
    for (const key of Object.keys(this.raw))
      if (!this.used.has(key))
        this.problems.push(`unknown option "${key}" (known: ${[...this.used].join(', ') || 'none'})`);
    if (this.problems.length > 0)
      throw new StrategyError(
        StrategyErrorCodes.BAD_OPTIONS,
        `bad options for strategy ${this.strategy}`,
        this.problems,
      );
  }
}

/** "a=1,b=2" or ["a=1", "b=2"] → { a: "1", b: "2" }. */
export function parseOptions(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new StrategyError(StrategyErrorCodes.BAD_OPTIONS, `option "${pair}" is not key=value`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}
