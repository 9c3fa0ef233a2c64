import { describe, expect, it } from 'vitest';
import { recoveryTimes } from '../../collector/src/recovery.js';
import type { PhaseSpan } from '../../collector/src/run-events.js';
import { goodputBound } from '../../collector/src/step-stats.js';
import { TimeSeries } from '../../collector/src/time-series.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';

/** 100 req/s for `seconds`; `bad(sec)` says whether that second fails (503) or is slow. */
function series(seconds: number, bad: (sec: number) => 'fail' | 'slow' | null): TimeSeries {
  const s = new TimeSeries();
  for (let sec = 0; sec < seconds; sec++) {
    for (let i = 0; i < 100; i++) {
      const b = bad(sec);
      s.add(sec * 1000 + i * 10, b === 'fail' && i % 4 === 0 ? '503' : 'ok', b === 'slow' ? 2000 : 100, 100);
    }
  }
  return s;
}

const phase = (name: string, fault: boolean, startMs: number, endMs: number | null): PhaseSpan => ({
  scenario: 's',
  phase: name,
  fault,
  startMs,
  endMs,
});

describe('recovery time', () => {
  it('counts from the end of a fault phase until errors and p99 hold the SLA for a while', () => {
    // Fault 10–20 s; errors go on until 23 s, latency stays high until 26 s.
    const s = series(60, (sec) => (sec >= 10 && sec < 23 ? 'fail' : sec >= 23 && sec < 26 ? 'slow' : null));
    const phases = [
      phase('ok', false, 0, 10_000),
      phase('outage', true, 10_000, 20_000),
      phase('after', false, 20_000, null),
    ];
    expect(recoveryTimes(phases, s, DEFAULT_SLA)).toEqual([
      { scenario: 's', phase: 'outage', endedAt: 20_000, recoveryS: 6, status: 'recovered' },
    ]);
  });

  it("judges an SLA's line on the mean by the stretch's mean (not as a percentile called avg)", () => {
    // Slow (2 s) 12–15 s: a 5 s stretch's mean is under 800 ms once at most 1 s of it is slow.
    const s = series(40, (sec) => (sec >= 10 && sec < 12 ? 'fail' : sec >= 12 && sec < 15 ? 'slow' : null));
    const phases = [phase('outage', true, 10_000, 12_000), phase('after', false, 12_000, null)];
    const onMean = { ...DEFAULT_SLA, latencyMs: { avg: 800 } };
    // From 14 s: 1 slow second of 5, mean (2000 + 4 × 100) / 5 = 480 ms; from 13 s: 2 of 5, 860 ms.
    expect(recoveryTimes(phases, s, onMean)[0]).toMatchObject({ recoveryS: 2, status: 'recovered' });
    expect(goodputBound({ avg: 400, p99: 800 })).toBe(800);
    expect(goodputBound({ avg: 400 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('is 0 when the first stretch after the fault already holds; says so when it never does', () => {
    const fine = series(30, (sec) => (sec < 10 ? 'fail' : null));
    expect(
      recoveryTimes([phase('down', true, 0, 10_000), phase('up', false, 10_000, null)], fine, DEFAULT_SLA)[0],
    ).toMatchObject({ recoveryS: 0, status: 'recovered' });
    const never = series(30, (sec) => (sec >= 5 ? 'fail' : null));
    expect(
      recoveryTimes(
        [phase('down', true, 0, 10_000), phase('up', false, 10_000, null)],
        never,
        DEFAULT_SLA,
      )[0],
    ).toMatchObject({ recoveryS: null, status: 'not-recovered' });
  });

  it('does not measure a fault phase followed at once by another fault, nor one still playing', () => {
    const s = series(40, () => null);
    const phases = [
      phase('flaky', true, 0, 10_000),
      phase('outage', true, 10_000, 20_000),
      phase('up', false, 20_000, 30_000),
      phase('again', true, 30_000, null),
    ];
    expect(recoveryTimes(phases, s, DEFAULT_SLA).map((r) => [r.phase, r.status])).toEqual([
      ['flaky', 'next-fault'],
      ['outage', 'recovered'],
    ]);
  });

  it('reads an outage during which an autoscaler moved as one outage, named without the replicas', () => {
    const s = series(60, (sec) => (sec >= 10 && sec < 23 ? 'fail' : null));
    // The mock renames the playing phase at each move (mock-server/src/busy/timeline.ts).
    const phases = [
      phase('ok · 3 replicas', false, 0, 10_000),
      phase('outage · 3 replicas', true, 10_000, 14_000),
      phase('outage · 3 replicas (+2 starting)', true, 14_000, 17_000),
      phase('outage · 5 replicas', true, 17_000, 20_000),
      phase('after · 5 replicas', false, 20_000, null),
    ];
    expect(recoveryTimes(phases, s, DEFAULT_SLA)).toEqual([
      { scenario: 's', phase: 'outage', endedAt: 20_000, recoveryS: 3, status: 'recovered' },
    ]);
  });
});
