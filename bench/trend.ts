import { quantileSorted, Z975 } from '../runner/src/intervals.js';

/**
 * Whether a soak's figure drifts over its minutes, with an interval, so a reader can tell a trend
 * from the minutes' noise. Minute 10 against minute 2 is two single minutes: at json 3 000 req/s
 * the added p99 of one minute moved between +4 and +20 ms in a soak with no trend (2026-12-06), so
 * two single minutes can differ several-fold by chance.
 *
 * The Theil–Sen slope (the median of the slopes between every pair of minutes): one wild minute
 * moves it little. Its 95 % interval is Sen's (1968), from the ranks of those slopes, with the
 * variance of Kendall's S (no ties: the minutes are distinct).
 */
export interface Trend {
  /** Change a minute (the figure's unit a minute). */
  readonly slope: number;
  readonly lo: number;
  readonly hi: number;
  /** How many minutes it was read from. */
  readonly points: number;
}

/** The fewest minutes a trend is read from (n = 5: the lower rank is 0.9992, the first slope). */
export const MIN_POINTS = 5;

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * The trend of `points` (distinct x), or null with fewer than 5: below that Sen's lower rank
 * falls under the first slope (n = 4: rank 0.12 of 6), so no pair of minutes can bound a 95 %
 * interval, and reading the extremes instead would say "growing" by chance 1 time in 6 at n = 3.
 */
export function theilSen(points: readonly Point[]): Trend | null {
  const n = points.length;
  if (n < MIN_POINTS) return null;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const a = points[i] as Point;
      const b = points[j] as Point;
      if (a.x === b.x) throw new Error(`theilSen: two points at x = ${a.x}`);
      slopes.push((b.y - a.y) / (b.x - a.x));
    }
  slopes.sort((p, q) => p - q);
  const count = slopes.length;
  // Sen's interval: the slopes of ranks (N − C)/2 and (N + C)/2 + 1 (1-based), C = z · √Var(S).
  const c = Z975 * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const atRank = (rank: number) => quantileSorted(slopes, (rank - 1) / (count - 1));
  return {
    slope: quantileSorted(slopes, 0.5),
    lo: atRank((count - c) / 2),
    hi: atRank((count + c) / 2 + 1),
    points: n,
  };
}

/** "growing", "falling", or "no trend shown" (the interval holds 0). */
export function trendWord(t: Trend): string {
  if (t.lo > 0) return 'growing';
  if (t.hi < 0) return 'falling';
  return 'no trend shown';
}
