import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../collector/src/errors.js';
import { LatencyHistogram } from '../../collector/src/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('gives percentiles within 0.1 % (3 significant digits)', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 10_000; i++) h.recordMs(i / 10); // 0.1 ms .. 1000 ms, uniform
    expect(h.count).toBe(10_000);
    expect(Math.abs(h.percentileMs(50) - 500) / 500).toBeLessThan(0.001);
    expect(Math.abs(h.percentileMs(99) - 990) / 990).toBeLessThan(0.001);
    expect(h.summary().max).toBeCloseTo(1000, 0);
  });

  it('merges across processes through its encoding, as if one had seen everything', () => {
    const whole = new LatencyHistogram();
    const parts = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    for (let i = 0; i < 30_000; i++) {
      const ms = 5 + ((i * 7919) % 20_000) / 10;
      whole.recordMs(ms);
      parts[i % 3]?.recordMs(ms);
    }
    const merged = new LatencyHistogram();
    for (const part of parts) merged.merge(LatencyHistogram.decode(part.encode()));
    const { mean, ...rest } = merged.summary();
    const { mean: wholeMean, ...wholeRest } = whole.summary();
    expect(rest).toEqual(wholeRest);
    expect(mean).toBeCloseTo(wholeMean, 6);
  });

  it('refuses text that is not an encoded histogram, with a stable code', () => {
    let error: unknown;
    try {
      LatencyHistogram.decode('not a histogram');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CollectorError);
    expect((error as CollectorError).code).toBe('COLLECTOR_ERR_HISTOGRAM_DECODE');
  });

  it('ignores values that are not latencies', () => {
    const h = new LatencyHistogram();
    h.recordMs(-1);
    h.recordMs(Number.NaN);
    expect(h.count).toBe(0);
    expect(h.summary().p99).toBe(0);
  });
});
