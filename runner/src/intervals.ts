/**
 * 95 % intervals by bootstrap, as the scoreboard puts them on every figure: resample the units
 * (whole runs when there are enough repeats, else time windows within each stratum of a run),
 * recompute the figure each time, read the spread. Over runs (5 and more): bootstrap-t of the
 * mean. Over windows (tens of them, and figures that are ratios or percentiles of their sums):
 * the percentile interval, its tails widened for the number of units as Hesterberg's "expanded
 * percentile" does, Φ(−√(m/(m−1)) · t₀.₉₇₅,ₙ₋ₕ) instead of 2.5 % for n units in h strata of m (Hesterberg 2015, "What
 * teachers should know about the bootstrap"). Coverage of both is tested on simulated data
 * (test/runner/intervals.test.ts). Seeded, so a scoreboard reads the same when rebuilt.
 */
export const INTERVAL_LEVEL = 0.95;

/** Resamples per interval: enough for the tails the expansion reads at n = 5 (~0.1 %). */
export const DEFAULT_RESAMPLES = 2000;

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** mulberry32: small, fast, good enough to draw resamples; a seed gives the same draws again. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Student's t, 0.975 quantile, df 1..30; past 30 the Cornish-Fisher expansion is within 1e-3. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export const Z975 = 1.959964;

export function t975(df: number): number {
  if (df < 1) return Number.POSITIVE_INFINITY;
  const tabled = T975[Math.floor(df) - 1];
  if (tabled !== undefined) return tabled;
  const z = Z975;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** The standard normal CDF (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const u = Math.abs(x) / Math.SQRT2;
  const k = 1 / (1 + 0.3275911 * u);
  const erf =
    1 -
    ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) *
      k *
      Math.exp(-u * u);
  return 0.5 * (1 + s * erf);
}

/**
 * The share read in each tail of the bootstrap distribution for n units resampled within
 * `strata` groups (0.025 as n grows). Resampling m units keeps (m − 1)/m of their variance, so
 * with small strata (a 6-second step) the spread is widened by √(m/(m − 1)) for the average
 * stratum size m, and read on Student's t with n − strata degrees of freedom.
 */
export function expandedTail(n: number, strata = 1): number {
  const m = n / Math.max(1, strata);
  if (m < 2 || n - strata < 1) return (1 - INTERVAL_LEVEL) / 2;
  return normalCdf(-Math.sqrt(m / (m - 1)) * t975(n - strata));
}

/** The q-quantile of sorted values, linearly interpolated. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const i = Math.floor(pos);
  const a = sorted[i] as number;
  const b = sorted[Math.min(sorted.length - 1, i + 1)] as number;
  return a + (pos - i) * (b - a);
}

/**
 * The interval from bootstrap replicates of a figure made of n units; replicates that are not
 * numbers (a ratio over nothing) are left out. Null when fewer than two units, or no replicate.
 */
export function intervalFromReplicates(
  replicates: readonly number[],
  n: number,
  strata = 1,
): Interval | null {
  if (n < 2) return null;
  const sorted = replicates.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const tail = expandedTail(n, strata);
  return { lo: quantileSorted(sorted, tail), hi: quantileSorted(sorted, 1 - tail) };
}

/**
 * The mean of some values (one per repeated run) and its bootstrap-t interval: each resample's
 * mean studentized by its own standard error, the spread of those t values scaled back by the
 * data's. The percentile interval cannot reach past the data's own extremes, which for 5 runs
 * caps its coverage at 94 % (and ~90 % expanded); bootstrap-t can (tested: 92-98 % at n = 5).
 */
export function bootstrapMean(
  values: readonly number[],
  seed: number,
  resamples = DEFAULT_RESAMPLES,
): { value: number; interval: Interval | null } {
  const n = values.length;
  const { mean: value, se } = meanAndSe(values);
  if (n < 2) return { value, interval: null };
  if (se === 0) return { value, interval: { lo: value, hi: value } };
  const random = seededRandom(seed);
  const ts: number[] = [];
  const sample = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = values[Math.floor(random() * n)] as number;
    const r = meanAndSe(sample);
    // A resample of one repeated value has no spread to studentize by.
    if (r.se > 0) ts.push((r.mean - value) / r.se);
  }
  ts.sort((a, b) => a - b);
  const tail = (1 - INTERVAL_LEVEL) / 2;
  return {
    value,
    interval: { lo: value - quantileSorted(ts, 1 - tail) * se, hi: value - quantileSorted(ts, tail) * se },
  };
}

function meanAndSe(values: readonly number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / Math.max(1, n);
  if (n < 2) return { mean, se: 0 };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

/** Two intervals share some value: their difference could be noise. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}
