import { describe, expect, it } from 'vitest';
import { type Point, theilSen, trendWord } from '../../bench/trend.js';
import { seededRandom } from '../../runner/src/intervals.js';

/** Ten minutes of a figure: `slope` a minute on `base`, plus normal noise of `sd` (seeded). */
function minutes(slope: number, sd: number, random: () => number, n = 10, base = 10): Point[] {
  return Array.from({ length: n }, (_, i) => {
    // Box–Muller: two uniforms, one standard normal.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return { x: i + 1, y: base + slope * (i + 1) + sd * z };
  });
}

describe('theilSen (a soak figure’s drift over its minutes)', () => {
  it('reads a straight line exactly, minutes missing or not', () => {
    const line = [1, 2, 4, 7, 10].map((x) => ({ x, y: 3 + 0.5 * x }));
    const t = theilSen(line);
    expect(t?.slope).toBeCloseTo(0.5, 12);
    expect(t?.lo).toBeCloseTo(0.5, 12);
    expect(t?.hi).toBeCloseTo(0.5, 12);
    expect(t?.points).toBe(5);
  });

  it('bounds the slope by Sen’s ranks of the pairwise slopes, interpolated', () => {
    // y = x³/10 over minutes 1..10: the 45 slopes are (i² + ij + j²)/10, their median 9.7 (the
    // 23rd); C = 1.959964 · √125, so the bounds are the slopes of ranks (45 − C)/2 = 11.54 and
    // (45 + C)/2 + 1 = 34.46, interpolated between their neighbours (computed apart, by hand).
    const t = theilSen(Array.from({ length: 10 }, (_, i) => ({ x: i + 1, y: (i + 1) ** 3 / 10 })));
    expect(t?.slope).toBeCloseTo(9.7, 9);
    expect(t?.lo).toBeCloseTo(5.471734, 5);
    expect(t?.hi).toBeCloseTo(14.93696, 5);
  });

  it('is not swung by one wild minute', () => {
    const flat = Array.from({ length: 10 }, (_, i) => ({ x: i + 1, y: i === 4 ? 100 : 10 + (i % 2) * 0.2 }));
    const t = theilSen(flat);
    expect(Math.abs(t?.slope ?? Number.NaN)).toBeLessThan(0.1);
    expect(t && trendWord(t)).toBe('no trend shown');
  });

  it('gives an interval that holds the true slope in about 95 % of soaks', () => {
    const random = seededRandom(28);
    let covered = 0;
    const trials = 400;
    for (let k = 0; k < trials; k++) {
      const t = theilSen(minutes(0.3, 3, random));
      if (t && t.lo <= 0.3 && 0.3 <= t.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('says growing or falling only when the interval leaves zero out', () => {
    const random = seededRandom(7);
    const up = theilSen(minutes(2, 1, random));
    const down = theilSen(minutes(-2, 1, random));
    expect(up && trendWord(up)).toBe('growing');
    expect(down && trendWord(down)).toBe('falling');
    expect(trendWord({ slope: 0.5, lo: -0.5, hi: 2.1, points: 10 })).toBe('no trend shown');
  });

  it('needs five minutes, each once', () => {
    const line = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i + 1, y: i }));
    expect(theilSen(line(4))).toBeNull();
    expect(theilSen(line(5))?.slope).toBe(1);
    expect(() => theilSen([1, 1, 2, 3, 4].map((x, i) => ({ x, y: i })))).toThrow(/two points at x = 1/);
  });
});
