import { describe, expect, it } from 'vitest';
import { RunStats } from '../../../collector/src/step-stats.js';
import { judge } from '../../../common/sla/verdict.js';

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
    const v = judge(SLA, stats.ordered(), stats.droppedIterations);
    expect(v.passed).toBe(true);
    expect(v.knee).toBe(1);
  });

  it('names the line and the step that broke, and puts the knee below it', () => {
    const stats = run([
      { slow: 0, failed: 0 },
      { slow: 0, failed: 0 },
      { slow: 5, failed: 3 },
    ]);
    const v = judge(SLA, stats.ordered(), 0);
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
      ]).ordered(),
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
      ]).ordered(),
      0,
    );
    expect(v.knee).toBeNull();
  });

  it('judges dropped iterations over the whole run', () => {
    const v = judge(SLA, run([{ slow: 0, failed: 0 }], 4).ordered(), 4);
    expect(v.lines.find((l) => l.step === null)).toMatchObject({ ok: false, measured: 4 });
  });

  it('judges each class’s lines on that class’s requests only, per step, beside the overall lines', () => {
    // Per step 100 requests: P0 the first 10 (all fast, ok), P3 the other 90; in step 1 a third
    // of P3 fails with 503 and is slow.
    const stats = new RunStats();
    for (const step of [0, 1])
      for (let i = 0; i < 100; i++) {
        const p3Fails = step === 1 && i >= 10 && i % 3 === 0;
        stats.ingest({
          metric: 'busybench_latency',
          time: i,
          value: p3Fails ? 1000 : 50,
          tags: {
            step: String(step),
            target_rate: String((step + 1) * 100),
            outcome: p3Fails ? '503' : 'ok',
            priority: i < 10 ? 'P0' : 'P3',
          },
        });
      }
    const sla = {
      ...SLA,
      successRate: 0,
      latencyMs: {},
      errorRates: {},
      classes: {
        P0: { successRate: 0.999, latencyMs: { p99: 800 } },
        P3: { successRate: 0.9, errorRates: { '503': 0.2 } },
        // No P1 request at all: its line is judged nowhere.
        P1: { successRate: 1 },
      },
    };
    const v = judge(sla, stats.ordered(), 0);
    expect(v.lines.filter((l) => l.priority === 'P0').every((l) => l.ok)).toBe(true);
    expect(v.lines.filter((l) => l.priority === 'P0').map((l) => `${l.line} @${l.step}`)).toEqual([
      'P0 success rate >= 0.999 @0',
      'P0 latency p99 < 800 ms @0',
      'P0 success rate >= 0.999 @1',
      'P0 latency p99 < 800 ms @1',
    ]);
    expect(v.lines.some((l) => l.priority === 'P1' || l.line.startsWith('P1'))).toBe(false);
    const broken = v.lines.filter((l) => !l.ok);
    expect(broken.map((l) => ({ line: l.line, step: l.step, priority: l.priority }))).toEqual([
      { line: 'P3 success rate >= 0.9', step: 1, priority: 'P3' },
      { line: 'P3 503 rate <= 0.2', step: 1, priority: 'P3' },
    ]);
    // 30 of P3's 90 requests in step 1 failed.
    expect(broken[0]?.measured).toBeCloseTo(60 / 90);
    expect(broken[1]?.measured).toBeCloseTo(30 / 90);
    expect(v.passed).toBe(false);
    // A class breach breaks its step: the knee is below it.
    expect(v.knee).toBe(0);
    // The overall line (success >= 0) holds on every request.
    expect(v.lines.filter((l) => l.priority === null && l.step !== null).every((l) => l.ok)).toBe(true);
  });

  it('judges a line on any percentile, p75 as well as p99, latency and time to first token alike', () => {
    // 100 requests: 80 at 50 ms and 20 at 1 s, so p75 reads 50 ms and p90 1 s; streams' TTFT
    // the same shape (the schema takes any pN: before, a p75 latency line read broken at every
    // step and a p75 TTFT line was skipped).
    const stats = run([{ slow: 20, failed: 0 }]);
    for (let i = 0; i < 100; i++)
      stats.ingest({
        metric: 'busybench_ttft',
        time: i,
        value: i < 80 ? 50 : 1000,
        tags: { step: '0', target_rate: '100' },
      });
    const sla = { ...SLA, latencyMs: { p75: 100, p90: 100 }, ttftMs: { p75: 100, 'p99.5': 100 } };
    const v = judge(sla, stats.ordered(), 0);
    const line = (text: string) => v.lines.find((l) => l.line === text);
    // HDR histograms, 3 significant digits: 50 ms reads within 0.1 %.
    expect(line('latency p75 < 100 ms')?.ok).toBe(true);
    expect(line('latency p75 < 100 ms')?.measured).toBeCloseTo(50, -1);
    expect(line('latency p90 < 100 ms')?.ok).toBe(false);
    expect(line('ttft p75 < 100 ms')?.ok).toBe(true);
    expect(line('ttft p75 < 100 ms')?.measured).toBeCloseTo(50, -1);
    expect(line('ttft p99.5 < 100 ms')?.ok).toBe(false);
  });
});
