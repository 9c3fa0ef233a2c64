import { describe, expect, it } from 'vitest';
import { makeSampler, slowdownMultiplier } from '../../../mock-server/src/busy/latency-model.js';
import { Rng } from '../../../mock-server/src/rng.js';

function samples(sampler: (rng: Rng) => number, n = 20_000): number[] {
  const rng = new Rng(7);
  return Array.from({ length: n }, () => sampler(rng)).sort((a, b) => a - b);
}
const quantile = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;

describe('latency model', () => {
  it('gives the configured fixed value, scaled by a multiplier', () => {
    expect(makeSampler({ type: 'fixed', ms: 40 }, 5)(new Rng(1))).toBe(200);
  });

  it('keeps uniform samples inside their bounds with the right mean', () => {
    const s = samples(makeSampler({ type: 'uniform', minMs: 100, maxMs: 300 }));
    expect(s[0]).toBeGreaterThanOrEqual(100);
    expect(s.at(-1)).toBeLessThanOrEqual(300);
    expect(quantile(s, 0.5)).toBeGreaterThan(190);
    expect(quantile(s, 0.5)).toBeLessThan(210);
  });

  it('matches the lognormal median and p99 (exp(mu + 2.326 sigma)) within 3 %', () => {
    const s = samples(makeSampler({ type: 'lognormal', medianMs: 100, sigma: 0.5 }), 50_000);
    expect(quantile(s, 0.5)).toBeGreaterThan(97);
    expect(quantile(s, 0.5)).toBeLessThan(103);
    const p99 = 100 * Math.exp(2.3263 * 0.5);
    expect(Math.abs(quantile(s, 0.99) - p99) / p99).toBeLessThan(0.03);
  });

  it('never gives a negative normal sample', () => {
    const s = samples(makeSampler({ type: 'normal', meanMs: 10, stdMs: 20 }));
    expect(s[0]).toBeGreaterThanOrEqual(0);
  });

  it('slows down only past the threshold, up to the maximum at full capacity', () => {
    const rule = { threshold: 0.5, maxMultiplier: 3 };
    expect(slowdownMultiplier(40, 100, rule)).toBe(1);
    expect(slowdownMultiplier(75, 100, rule)).toBeCloseTo(2);
    expect(slowdownMultiplier(100, 100, rule)).toBeCloseTo(3);
    expect(slowdownMultiplier(500, 100, rule)).toBeCloseTo(3);
  });
});
