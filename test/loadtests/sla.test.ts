import { describe, expect, it } from 'vitest';
import { buildProfile } from '../../loadtests/profiles.js';
import { DEFAULT_SLA, k6Percentile, type Sla, slaErrorClasses, slaThresholds } from '../../loadtests/sla.js';

const steps = buildProfile({ name: 'stepped', rates: [10, 20, 40], stepSeconds: 5, rampSeconds: 1 }).steps;
const SLA: Sla = {
  name: 'test',
  successRate: 0.99,
  latencyMs: { p50: 100, p99: 800, 'p99.9': 1500, p75: 300 },
  ttftMs: { p95: 2000 },
  errorRates: { '429': 0.01, malformed: 0 },
  maxDroppedIterations: 3,
};

describe('the SLA as k6 thresholds', () => {
  it('draws every line overall and for every step', () => {
    const t = slaThresholds(SLA, steps, true, false);
    const lines = {
      busybench_success: ['rate>=0.99'],
      busybench_latency: ['p(50)<100', 'p(99)<800', 'p(99.9)<1500', 'p(75)<300'],
      busybench_ttft: ['p(95)<2000'],
      busybench_error_429: ['rate<=0.01'],
      busybench_error_malformed: ['rate<=0'],
    };
    const expected: Record<string, string[]> = { dropped_iterations: ['count<=3'] };
    for (const [metric, conditions] of Object.entries(lines)) {
      expected[metric] = conditions;
      for (const step of [0, 1, 2]) expected[`${metric}{step:${step}}`] = conditions;
    }
    expect(t).toEqual(expected);
  });

  it('has no TTFT lines when nothing streams, nor latency lines when the SLA has none', () => {
    const t = slaThresholds({ ...SLA, latencyMs: {} }, steps, false, false);
    expect(Object.keys(t).filter((k) => /ttft|latency/.test(k))).toEqual([]);
    expect(t['busybench_success{step:2}']).toEqual(['rate>=0.99']);
  });

  it('marks every line abortOnFail when the profile stops at the first breach (breakpoint)', () => {
    const profile = buildProfile({ name: 'breakpoint', rates: [10, 100], stepSeconds: 10, rampSeconds: 0 });
    const t = slaThresholds(SLA, profile.steps, true, profile.abortOnBreach);
    expect(Object.keys(t)).toHaveLength(5 * 11 + 1);
    for (const conditions of Object.values(t))
      for (const c of conditions) expect(c).toMatchObject({ abortOnFail: true, delayAbortEval: '5s' });
    expect(t['busybench_latency{step:9}']?.[2]).toEqual({
      threshold: 'p(99.9)<1500',
      abortOnFail: true,
      delayAbortEval: '5s',
    });
    expect(t.dropped_iterations).toEqual([
      { threshold: 'count<=3', abortOnFail: true, delayAbortEval: '5s' },
    ]);
  });

  it('keeps the default SLA: success and p99 latency, no dropped iteration', () => {
    const t = slaThresholds(DEFAULT_SLA, [], false, false);
    expect(t).toEqual({
      busybench_success: ['rate>=0.9995'],
      busybench_latency: ['p(99)<800'],
      dropped_iterations: ['count<=0'],
    });
  });

  it('draws each class’s lines on the sub-metrics tagged with it, overall and per step', () => {
    const sla: Sla = {
      ...DEFAULT_SLA,
      classes: {
        P3: { successRate: 0.5 },
        P0: {
          successRate: 0.999,
          latencyMs: { p99: 800 },
          ttftMs: { p95: 300 },
          errorRates: { '503': 0.01 },
        },
      },
    };
    const t = slaThresholds(sla, steps.slice(0, 2), true, false);
    expect(t['busybench_success{priority:P0}']).toEqual(['rate>=0.999']);
    expect(t['busybench_success{step:1,priority:P0}']).toEqual(['rate>=0.999']);
    expect(t['busybench_latency{step:0,priority:P0}']).toEqual(['p(99)<800']);
    expect(t['busybench_ttft{priority:P0}']).toEqual(['p(95)<300']);
    expect(t['busybench_error_503{step:1,priority:P0}']).toEqual(['rate<=0.01']);
    expect(t['busybench_success{step:0,priority:P3}']).toEqual(['rate>=0.5']);
    // A class line with no latency line draws none; the overall lines stay as they were.
    expect(Object.keys(t).filter((k) => k.includes('priority:P3'))).toEqual([
      'busybench_success{priority:P3}',
      'busybench_success{step:0,priority:P3}',
      'busybench_success{step:1,priority:P3}',
    ]);
    expect(t.busybench_success).toEqual(['rate>=0.9995']);
    expect(t['busybench_success{step:1}']).toEqual(['rate>=0.9995']);
    expect(Object.keys(t).some((k) => k.includes('P1') || k.includes('P2'))).toBe(false);
    // Nothing streams: no TTFT line, for a class either.
    expect(Object.keys(slaThresholds(sla, steps, false, false)).filter((k) => k.includes('ttft'))).toEqual(
      [],
    );
    expect(slaErrorClasses(sla)).toEqual(['503']);
    expect(slaErrorClasses({ ...sla, errorRates: { '429': 0.1 } }).sort()).toEqual(['429', '503']);
  });

  it('takes any percentile pN and refuses what is not one', () => {
    expect(k6Percentile('p1')).toBe('p(1)');
    expect(k6Percentile('p99.99')).toBe('p(99.99)');
    expect(k6Percentile('p100')).toBe('p(100)');
    for (const bad of ['99', 'p', 'p0', 'p101', 'p9x', 'P99', 'max', 'mean', 'AVG'])
      expect(() => k6Percentile(bad)).toThrow(/percentile/);
  });

  it("a line on the mean is k6's own avg, on latency and TTFT, overall and for a class", () => {
    const sla: Sla = {
      ...DEFAULT_SLA,
      latencyMs: { p99: 800, avg: 400 },
      ttftMs: { avg: 1000 },
      classes: { P0: { latencyMs: { avg: 200 } } },
    };
    const t = slaThresholds(sla, [{ index: 0, startMs: 0, endMs: 1000, targetRate: 10 }], true, false);
    expect(t['busybench_latency{step:0}']).toEqual(['p(99)<800', 'avg<400']);
    expect(t['busybench_ttft{step:0}']).toEqual(['avg<1000']);
    expect(t['busybench_latency{step:0,priority:P0}']).toEqual(['avg<200']);
  });
});
