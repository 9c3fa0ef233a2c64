import { describe, expect, it } from 'vitest';
import { TimeSeries } from '../../collector/src/time-series.js';

describe('the run over time', () => {
  it('counts per second: rate, errors by class, percentiles within 2 %', () => {
    const s = new TimeSeries();
    for (let i = 0; i < 1000; i++) s.add(10_000 + i, i % 10 === 0 ? '503' : 'ok', i + 1, 1000);
    for (let i = 0; i < 50; i++) s.add(11_000 + i * 20, 'ok', 300, 1000);
    s.addDropped(11_500, 3);
    const [first, second] = s.points();
    expect(first).toMatchObject({
      t: 10_000,
      widthS: 1,
      targetRate: 1000,
      achievedRate: 1000,
      errors: { '503': 100 },
    });
    // Latencies 1..1000 ms: p50 = 500, p99 = 990.
    expect(Math.abs((first?.p50 as number) / 500 - 1)).toBeLessThan(0.02);
    expect(Math.abs((first?.p99 as number) / 990 - 1)).toBeLessThan(0.02);
    expect(second).toMatchObject({ achievedRate: 50, dropped: 3, errors: {} });
    expect(s.endMs).toBe(12_000);
    const both = s.span(10_000, 12_000);
    expect([both.requests, both.failures]).toEqual([1050, 100]);
  });

  it('stays within its window budget on a long run by merging neighbours (same totals)', () => {
    const s = new TimeSeries(100);
    for (let sec = 0; sec < 1000; sec++) for (let i = 0; i < 5; i++) s.add(sec * 1000 + i, 'ok', 50, 5);
    const points = s.points();
    expect(points.length).toBeLessThanOrEqual(100);
    expect(s.windowMs).toBe(16_000);
    expect(points.reduce((n, p) => n + p.achievedRate * p.widthS, 0)).toBe(5000);
  });
});
