import { describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../../loadtests/guard.js';
import { buildProfile, stepAt } from '../../loadtests/profiles.js';
import { DEFAULT_SLA, slaThresholds } from '../../loadtests/sla.js';

describe('load profiles', () => {
  it('holds each stepped rate after its ramp, every step with a time window', () => {
    const p = buildProfile({ name: 'stepped', rates: [250, 500, 1000], stepSeconds: 30, rampSeconds: 5 });
    expect(p.stages).toEqual([
      { target: 250, duration: '5s' },
      { target: 250, duration: '30s' },
      { target: 500, duration: '5s' },
      { target: 500, duration: '30s' },
      { target: 1000, duration: '5s' },
      { target: 1000, duration: '30s' },
    ]);
    expect(p.steps.map((s) => [s.startMs, s.endMs, s.targetRate])).toEqual([
      [0, 35_000, 250],
      [35_000, 70_000, 500],
      [70_000, 105_000, 1000],
    ]);
    expect(stepAt(p.steps, 34_999).index).toBe(0);
    expect(stepAt(p.steps, 35_000).index).toBe(1);
    expect(stepAt(p.steps, 999_999).index).toBe(2);
  });

  it('defaults the stepped profile to 250 → 6000 req/s', () => {
    const p = buildProfile({ name: 'stepped', rates: [], stepSeconds: 30, rampSeconds: 2 });
    expect(p.steps.map((s) => s.targetRate)).toEqual([250, 500, 1000, 2000, 4000, 6000]);
  });

  it('ramps a breakpoint run in windows and aborts at the first breach', () => {
    const p = buildProfile({ name: 'breakpoint', rates: [100, 1100], stepSeconds: 100, rampSeconds: 0 });
    expect(p.abortOnBreach).toBe(true);
    expect(p.steps).toHaveLength(10);
    expect(p.steps.at(-1)?.targetRate).toBe(1100);
  });

  it('spikes from base to peak and back, three steps', () => {
    const p = buildProfile({ name: 'spike', rates: [100, 1000], stepSeconds: 10, rampSeconds: 1 });
    expect(p.steps.map((s) => s.targetRate)).toEqual([100, 1000, 100]);
  });
});

describe('SLA as thresholds', () => {
  it('draws every line overall and per step, and the dropped-iterations line overall', () => {
    const steps = buildProfile({ name: 'stepped', rates: [10, 20], stepSeconds: 5, rampSeconds: 1 }).steps;
    const t = slaThresholds(
      { ...DEFAULT_SLA, ttftMs: { p95: 2000 }, errorRates: { '429': 0.01 } },
      steps,
      true,
      false,
    );
    expect(t.busybench_success).toEqual(['rate>=0.9995']);
    expect(t['busybench_success{step:1}']).toEqual(['rate>=0.9995']);
    expect(t['busybench_latency{step:0}']).toEqual(['p(99)<800']);
    expect(t.busybench_ttft).toEqual(['p(95)<2000']);
    expect(t['busybench_error_429{step:1}']).toEqual(['rate<=0.01']);
    expect(t.dropped_iterations).toEqual(['count<=0']);
  });

  it('marks lines abortOnFail for breakpoint runs', () => {
    const t = slaThresholds(DEFAULT_SLA, [], false, true);
    expect(t.busybench_success?.[0]).toMatchObject({ threshold: 'rate>=0.9995', abortOnFail: true });
  });
});

describe('the loopback guard', () => {
  it.each([
    ['http://127.0.0.1:8000', true],
    ['http://127.9.9.9', true],
    ['http://localhost:8080/v1', true],
    ['http://[::1]:8000', true],
    ['https://api.deepseek.com', false],
    ['http://10.0.0.5:8000', false],
    ['http://127.0.0.1.example.com', false],
    ['http://localhost.evil.com', false],
    ['not a url', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });
});
