import { describe, expect, it } from 'vitest';
import type { RunWindow } from '../../collector/src/run-windows.js';
import { bootstrapMean, expandedTail, normalCdf, seededRandom, t975 } from '../../runner/src/intervals.js';
import { windowFigures } from '../../runner/src/run-figures.js';

/** A one-second window of `requests`, `ok` of them successes within the SLA's latency line. */
const simWindow = (t: number, targetRate: number, requests: number, ok: number): RunWindow => ({
  t,
  seconds: 1,
  targetRate,
  boundary: false,
  phase: null,
  fault: false,
  requests,
  ok,
  good: ok,
  msSum: requests * 100,
  tokensOk: 0,
  errors: requests > ok ? { '503': requests - ok } : {},
  latency: [[100, requests]],
  upstream: null,
});

/** A standard normal draw (Box-Muller) from a seeded source. */
const gauss = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

describe('the bootstrap intervals, on data whose truth is known', () => {
  it('reads the normal CDF and t quantiles as the tables do', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(t975(4)).toBe(2.776);
    expect(t975(60)).toBeCloseTo(2.0003, 3);
    expect(t975(200)).toBeCloseTo(1.9719, 3);
    // The expansion widens few units a lot and many barely.
    expect(expandedTail(5)).toBeLessThan(0.002);
    expect(expandedTail(1000)).toBeCloseTo(0.025, 3);
    // Six strata of six: each keeps 5/6 of its variance; the tail is read further out.
    expect(expandedTail(36, 6)).toBeLessThan(expandedTail(36));
  });

  it('over 5 repeats from a normal distribution: the mean falls in its 95 % interval 92-98 % of the time', () => {
    const random = seededRandom(11);
    let covered = 0;
    const sims = 1000;
    for (let s = 0; s < sims; s++) {
      const runs = Array.from({ length: 5 }, () => 100 + 15 * gauss(random));
      const { interval } = bootstrapMean(runs, s + 1, 1000);
      if (interval && interval.lo <= 100 && 100 <= interval.hi) covered++;
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.92);
    expect(covered / sims).toBeLessThanOrEqual(0.98);
  }, 30_000);

  it("over a run's windows (success rate of 2 %-failing requests in 40 one-second windows, two steps): coverage 92-98 %", () => {
    const random = seededRandom(23);
    const window = (t: number, rate: number, failP: number): RunWindow => {
      let failures = 0;
      for (let i = 0; i < rate; i++) if (random() < failP) failures++;
      return simWindow(t, rate, rate, rate - failures);
    };
    // Truth: 20 windows of 100 at 2 % failures, 20 of 300 at 5 %: success 1 − (40 + 300)/8000.
    const truth = 1 - (20 * 100 * 0.02 + 20 * 300 * 0.05) / 8000;
    let covered = 0;
    const sims = 1000;
    for (let s = 0; s < sims; s++) {
      const windows = [
        ...Array.from({ length: 20 }, (_, i) => window(i * 1000, 100, 0.02)),
        ...Array.from({ length: 20 }, (_, i) => window(20_000 + i * 1000, 300, 0.05)),
      ];
      const f = windowFigures([windows], s + 1, 400).successRate;
      expect(f.method).toBe('windows');
      if ((f.lo as number) <= truth && truth <= (f.hi as number)) covered++;
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.92);
    expect(covered / sims).toBeLessThanOrEqual(0.98);
  }, 60_000);

  it('over small strata (6 steps of 6 windows, as a capacity run has them): goodput coverage 92-98 %', () => {
    const random = seededRandom(37);
    const rates = [100, 150, 200, 250, 300, 350];
    // Each request is good with probability 0.9: goodput's truth is 0.9 × the mean rate.
    const truth = 0.9 * (rates.reduce((a, r) => a + r, 0) / rates.length);
    let covered = 0;
    const sims = 1000;
    for (let s = 0; s < sims; s++) {
      const windows: RunWindow[] = [];
      rates.forEach((rate, k) => {
        for (let i = 0; i < 6; i++) {
          let good = 0;
          for (let j = 0; j < rate; j++) if (random() < 0.9) good++;
          windows.push(simWindow((k * 6 + i) * 1000, rate, rate, good));
        }
      });
      const f = windowFigures([windows], s + 1, 400).goodput;
      if ((f.lo as number) <= truth && truth <= (f.hi as number)) covered++;
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.92);
    expect(covered / sims).toBeLessThanOrEqual(0.98);
  }, 60_000);

  it('is seeded: the same data and seed give the same interval', () => {
    const v = [1, 2, 3, 4, 5, 6];
    expect(bootstrapMean(v, 5)).toEqual(bootstrapMean(v, 5));
    expect(bootstrapMean([7], 5)).toEqual({ value: 7, interval: null });
  });
});
