import { describe, expect, it } from 'vitest';
import { boundBetween, frameAttempts, frameCostLine, frameCounts } from '../../runner/src/frame-cost-read.js';

const text = (own: number[], loop: number[]) =>
  [
    ...['0.0001', '0.001', '0.01', '+Inf'].map(
      (le, i) => `busybench_strategy_frame_own_seconds_bucket{le="${le}",strategy="passthrough"} ${own[i]}`,
    ),
    ...['0.0001', '0.001', '0.01', '+Inf'].map(
      (le, i) =>
        `busybench_strategy_event_loop_delay_seconds_bucket{le="${le}",strategy="passthrough"} ${loop[i]}`,
    ),
  ].join('\n');

describe("the frame's cost over a span (two scrapes' difference)", () => {
  it('takes the quantile over the span only: what came before it does not count', () => {
    // Before: 1 000 slow ones (the warm-up, over 10 ms); over the load: 100, 98 under 0.1 ms, 2 under 1 ms.
    const before = frameCounts(text([0, 0, 0, 1000], [0, 0, 0, 50]));
    const after = frameCounts(text([98, 100, 100, 1100], [0, 90, 100, 150]));
    const own = (q: number) =>
      boundBetween(
        before.get('busybench_strategy_frame_own_seconds_bucket'),
        after.get('busybench_strategy_frame_own_seconds_bucket'),
        q,
      );
    expect(own(0.5)).toEqual({ bound: 0.0001, count: 100 });
    expect(own(0.99)).toEqual({ bound: 0.001, count: 100 });
    expect(frameCostLine('passthrough', before, after)).toMatch(
      /over the load \(100 requests\): ≤ 0\.1 ms p50, ≤ 1 ms p99 of its own work a request; its event loop ran ready work ≤ 10 ms late at p99/,
    );
  });

  it('says the frame is not in the path when the strategy has none of its series (nginx)', () => {
    expect(frameCostLine('nginx', new Map(), frameCounts('nginx_up 1\n'))).toBe(
      'busybench run: our proxy frame is not in the path of nginx (no cost of ours to subtract)',
    );
  });

  it('says it could not read the counts, or that none were counted, rather than "not in the path"', () => {
    const counts = frameCounts(text([5, 5, 5, 5], [1, 1, 1, 1]));
    expect(frameCostLine('retry', counts, null)).toMatch(
      /^busybench run: could not read our proxy frame's cost/,
    );
    expect(frameCostLine('retry', null, counts)).toMatch(/could not read/);
    expect(frameCostLine('retry', counts, counts)).toMatch(/counted no request of retry's over the load/);
  });

  it('sums the attempts by status over the upstreams, a million and more as Go writes them', () => {
    const line = (status: number, node: number, value: string) =>
      `busybench_strategy_upstream_attempts_total{status="${status}",strategy="retry",upstream="http://127.0.0.1:1860${node}"} ${value}`;
    const attempts = frameAttempts(
      [
        '# TYPE busybench_strategy_upstream_attempts_total counter',
        line(200, 0, '999999'),
        line(200, 1, '1.000001e+06'),
        line(200, 2, '2.5e+06'),
        line(429, 0, '3'),
        'busybench_strategy_in_flight{strategy="retry"} 7',
      ].join('\n'),
    );
    expect(Object.fromEntries(attempts)).toEqual({ '200': 999_999 + 1_000_001 + 2_500_000, '429': 3 });
  });
});
