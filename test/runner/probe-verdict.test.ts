import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../collector/src/latency-histogram.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { judgeProbe, ProbeSample, percentileInterval, wilson } from '../../runner/src/probe-verdict.js';

function sample(requests: number, failed: number, ms: (i: number) => number): ProbeSample {
  const h = new LatencyHistogram();
  for (let i = 0; i < requests; i++) h.recordMs(ms(i));
  const s = new ProbeSample();
  s.add(requests, requests - failed, h);
  return s;
}

describe('a probe judged by its intervals', () => {
  it("Wilson's interval: none failed of 5 000 is not yet 99.95 %; of 10 000 it is", () => {
    expect(wilson(5000, 5000)[0]).toBeLessThan(0.9995);
    expect(wilson(10_000, 10_000)[0]).toBeGreaterThan(0.9995);
    const [lo, hi] = wilson(990, 1000);
    expect(lo).toBeLessThan(0.99);
    expect(hi).toBeGreaterThan(0.99);
  });

  it("a percentile's interval holds the percentile and narrows with the requests", () => {
    const a = sample(1000, 0, (i) => i + 1).latency;
    const [lo, hi] = percentileInterval(a, 99);
    expect(lo).toBeLessThanOrEqual(a.percentileMs(99));
    expect(hi).toBeGreaterThanOrEqual(a.percentileMs(99));
    const b = sample(100_000, 0, (i) => (i % 1000) + 1).latency;
    const [blo, bhi] = percentileInterval(b, 99);
    expect(bhi - blo).toBeLessThan(hi - lo);
  });

  it('held, broken, undecided, harness', () => {
    const sla = { ...DEFAULT_SLA, successRate: 0.99 };
    expect(
      judgeProbe(
        sample(2000, 0, () => 100),
        sla,
        [],
        null,
      ).verdict,
    ).toBe('held');
    // 2 % failed: broken whatever the noise.
    expect(
      judgeProbe(
        sample(2000, 40, () => 100),
        sla,
        [],
        null,
      ).verdict,
    ).toBe('broken');
    // 1 % failed of 1 000: the interval straddles 99 %.
    expect(
      judgeProbe(
        sample(1000, 10, () => 100),
        sla,
        [],
        null,
      ),
    ).toMatchObject({
      verdict: 'undecided',
      reason: expect.stringContaining('straddles'),
    });
    // p99 far over 800 ms; p99 right at the line, from few requests: undecided.
    expect(
      judgeProbe(
        sample(2000, 0, (i) => (i < 1900 ? 100 : 2000)),
        sla,
        [],
        null,
      ).verdict,
    ).toBe('broken');
    expect(
      judgeProbe(
        sample(500, 0, (i) => (i < 495 ? 100 : 790 + (i % 3) * 10)),
        sla,
        [],
        null,
      ).verdict,
    ).toBe('undecided');
    // Another line the run's judge broke; the harness before all.
    expect(
      judgeProbe(
        sample(2000, 0, () => 100),
        sla,
        ['ttft p99 < 2000 ms'],
        null,
      ),
    ).toMatchObject({
      verdict: 'broken',
      reason: 'ttft p99 < 2000 ms',
    });
  });

  it('a probe the harness fell behind in: harness, unless a line broke that the harness cannot break', () => {
    const sla = { ...DEFAULT_SLA, successRate: 0.99 };
    const late = {
      reason: 'the load generator did not hold 1300 req/s (dropped 250 arrivals)',
      lateP99Ms: 30,
    };
    // Held, or broken only on another judge's line (TTFT): the harness's, nothing claimed.
    expect(
      judgeProbe(
        sample(2000, 0, () => 100),
        sla,
        [],
        late,
      ),
    ).toMatchObject({
      verdict: 'harness',
      reason: expect.stringContaining("above this the figure would be the harness's"),
    });
    expect(
      judgeProbe(
        sample(2000, 0, () => 100),
        sla,
        ['ttft p99 < 2000 ms'],
        late,
      ).verdict,
    ).toBe('harness');
    // p99 over its line by less than the starts' lateness (800 + 30 ms): could be the harness's.
    expect(
      judgeProbe(
        sample(2000, 0, (i) => (i < 1900 ? 100 : 820)),
        sla,
        [],
        late,
      ).verdict,
    ).toBe('harness');
    // Answers failed (2 %), or p99 seconds past its line: the strategy's, whatever the harness did.
    expect(
      judgeProbe(
        sample(2000, 40, () => 100),
        sla,
        [],
        late,
      ),
    ).toMatchObject({
      verdict: 'broken',
      reason: expect.stringMatching(/^success rate .* \(though the load generator did not hold 1300 req\/s/),
    });
    expect(
      judgeProbe(
        sample(2000, 0, (i) => (i < 1900 ? 100 : 2000)),
        sla,
        [],
        late,
      ),
    ).toMatchObject({
      verdict: 'broken',
      reason: expect.stringContaining('latency p99'),
    });
  });

  it('pools the requests of probes at one rate: a second probe can decide what one could not', () => {
    const sla = { ...DEFAULT_SLA, successRate: 0.998 };
    const s = sample(1000, 0, () => 100);
    expect(judgeProbe(s, sla, [], null).verdict).toBe('undecided');
    const more = sample(1000, 0, () => 100);
    s.add(more.requests, more.ok, more.latency);
    expect(judgeProbe(s, sla, [], null).verdict).toBe('held');
  });
});
