import { describe, expect, it } from 'vitest';
import { judge } from '../../collector/src/sla-verdict.js';
import { RunStats } from '../../collector/src/step-stats.js';

const SLA = {
  name: 't',
  successRate: 0.99,
  latencyMs: { p99: 800 },
  ttftMs: {},
  errorRates: { '503': 0.01 },
  maxDroppedIterations: 0,
};

/** Steps of 100 requests: `slow` of them at 1 s, `failed` of them 503. */
function run(steps: Array<{ slow: number; failed: number }>, dropped = 0) {
  const stats = new RunStats();
  steps.forEach(({ slow, failed }, step) => {
    for (let i = 0; i < 100; i++) {
      const outcome = i < failed ? '503' : 'ok';
      const value = i >= 100 - slow ? 1000 : 50;
      stats.ingest({
        metric: 'busybench_latency',
        time: i,
        value,
        tags: { step: String(step), target_rate: String((step + 1) * 100), outcome },
      });
    }
  });
  stats.ingest({ metric: 'dropped_iterations', time: 0, value: dropped, tags: {} });
  return stats;
}

describe('SLA verdict', () => {
  it('holds when every line holds at every step, the knee being the last step', () => {
    const stats = run([
      { slow: 0, failed: 0 },
      { slow: 0, failed: 1 },
    ]);
    const v = judge(SLA, stats.summaries(), stats.droppedIterations);
    expect(v.passed).toBe(true);
    expect(v.knee).toBe(1);
  });

  it('names the line and the step that broke, and puts the knee below it', () => {
    const stats = run([
      { slow: 0, failed: 0 },
      { slow: 0, failed: 0 },
      { slow: 5, failed: 3 },
    ]);
    const v = judge(SLA, stats.summaries(), 0);
    expect(v.passed).toBe(false);
    const broken = v.lines.filter((l) => !l.ok).map((l) => `${l.line} @${l.step}`);
    expect(broken).toEqual(['success rate >= 0.99 @2', 'latency p99 < 800 ms @2', '503 rate <= 0.01 @2']);
    expect(v.knee).toBe(1);
  });

  it('puts the knee before the first broken step, even when a later step holds again', () => {
    const v = judge(
      SLA,
      run([
        { slow: 0, failed: 0 },
        { slow: 0, failed: 5 },
        { slow: 0, failed: 0 },
      ]).summaries(),
      0,
    );
    expect(v.lines.filter((l) => !l.ok).map((l) => l.step)).toEqual([1, 1]);
    expect(v.knee).toBe(0);
  });

  it('has no knee when the first step breaks, whatever follows', () => {
    const v = judge(
      SLA,
      run([
        { slow: 5, failed: 0 },
        { slow: 0, failed: 0 },
      ]).summaries(),
      0,
    );
    expect(v.knee).toBeNull();
  });

  it('judges dropped iterations over the whole run', () => {
    const v = judge(SLA, run([{ slow: 0, failed: 0 }], 4).summaries(), 4);
    expect(v.lines.find((l) => l.step === null)).toMatchObject({ ok: false, measured: 4 });
  });
});
