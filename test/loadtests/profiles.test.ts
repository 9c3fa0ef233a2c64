import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  DEFAULT_STEP_SECONDS,
  k6Stages,
  PROFILES,
  peakRate,
  stepAt,
} from '../../loadtests/profiles.js';

// The loopback guard is tested in guard.test.ts, the SLA thresholds in sla.test.ts.

describe('load profiles as phases and steps', () => {
  it('holds each stepped rate after a ramp into it (none into the first), every step with a time window', () => {
    const p = buildProfile({ name: 'stepped', rates: [250, 500, 1000], stepSeconds: 30, rampSeconds: 5 });
    expect(p.phases).toEqual([
      { step: 0, targetRate: 250, fromRate: 250, toRate: 250, durationMs: 30_000 },
      { step: 1, targetRate: 500, fromRate: 250, toRate: 500, durationMs: 5_000 },
      { step: 1, targetRate: 500, fromRate: 500, toRate: 500, durationMs: 30_000 },
      { step: 2, targetRate: 1000, fromRate: 500, toRate: 1000, durationMs: 5_000 },
      { step: 2, targetRate: 1000, fromRate: 1000, toRate: 1000, durationMs: 30_000 },
    ]);
    expect(p.steps).toEqual([
      { index: 0, startMs: 0, endMs: 30_000, targetRate: 250 },
      { index: 1, startMs: 30_000, endMs: 65_000, targetRate: 500 },
      { index: 2, startMs: 65_000, endMs: 100_000, targetRate: 1000 },
    ]);
    expect(p.abortOnBreach).toBe(false);
    expect(stepAt(p.steps, 29_999).index).toBe(0);
    expect(stepAt(p.steps, 30_000).index).toBe(1);
    expect(stepAt(p.steps, 999_999).index).toBe(2);
  });

  it('steps without a ramp when the ramp is 0 (the CLI’s default), as k6 jumps', () => {
    const p = buildProfile({ name: 'stepped', rates: [10, 20], stepSeconds: 5, rampSeconds: 0 });
    expect(p.phases.map((ph) => [ph.step, ph.fromRate, ph.toRate, ph.durationMs])).toEqual([
      [0, 10, 10, 5000],
      [1, 20, 20, 5000],
    ]);
    expect(k6Stages(p)).toEqual({
      startRate: 10,
      stages: [
        { target: 10, duration: '5000ms' },
        { target: 20, duration: '0s' },
        { target: 20, duration: '5000ms' },
      ],
    });
  });

  it('defaults the stepped profile to 250 → 6000 req/s', () => {
    const p = buildProfile({ name: 'stepped', rates: [], stepSeconds: 30, rampSeconds: 0 });
    expect(p.steps.map((s) => s.targetRate)).toEqual([250, 500, 1000, 2000, 4000, 6000]);
    expect(peakRate(p)).toBe(6000);
  });

  it('ramps a breakpoint run in ten windows and aborts at the first breach', () => {
    const p = buildProfile({ name: 'breakpoint', rates: [100, 1100], stepSeconds: 100, rampSeconds: 0 });
    expect(p.abortOnBreach).toBe(true);
    expect(p.steps).toHaveLength(10);
    expect(p.steps.map((s) => s.targetRate)).toEqual([200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
    expect(p.phases[0]).toEqual({ step: 0, targetRate: 200, fromRate: 100, toRate: 200, durationMs: 10_000 });
    expect(p.steps.at(-1)).toEqual({ index: 9, startMs: 90_000, endMs: 100_000, targetRate: 1100 });
  });

  it('ramps a ramp run like a breakpoint one, without stopping at a breach', () => {
    const p = buildProfile({
      name: 'ramp',
      rates: [],
      stepSeconds: DEFAULT_STEP_SECONDS.ramp,
      rampSeconds: 0,
    });
    expect(p.name).toBe('ramp');
    expect(p.abortOnBreach).toBe(false);
    expect(p.phases[0]?.fromRate).toBe(100);
    expect(p.phases.at(-1)?.toRate).toBe(2000);
    expect(p.steps.at(-1)?.endMs).toBe(120_000);
    // One continuous ramp: every k6 stage follows on from the last one, no jump.
    const { startRate, stages } = k6Stages(p);
    expect(startRate).toBe(100);
    expect(stages).toHaveLength(10);
    expect(stages.every((s) => s.duration === '12000ms')).toBe(true);
    expect(stages.at(-1)?.target).toBe(2000);
  });

  it('spikes from base to peak and back, three steps, the edges at least a second', () => {
    const p = buildProfile({ name: 'spike', rates: [100, 1000], stepSeconds: 10, rampSeconds: 0 });
    expect(p.steps.map((s) => [s.targetRate, s.startMs, s.endMs])).toEqual([
      [100, 0, 10_000],
      [1000, 10_000, 21_000],
      [100, 21_000, 32_000],
    ]);
    expect(peakRate(p)).toBe(1000);
  });

  it('holds one rate for smoke and soak, and knows every profile', () => {
    expect(PROFILES).toEqual(['smoke', 'stepped', 'spike', 'soak', 'breakpoint', 'ramp']);
    for (const name of ['smoke', 'soak'] as const) {
      const p = buildProfile({ name, rates: [7], stepSeconds: 3, rampSeconds: 9 });
      expect(p.phases).toEqual([{ step: 0, targetRate: 7, fromRate: 7, toRate: 7, durationMs: 3000 }]);
      expect(k6Stages(p)).toEqual({ startRate: 7, stages: [{ target: 7, duration: '3000ms' }] });
    }
  });
});
