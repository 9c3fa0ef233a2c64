import { describe, expect, it, vi } from 'vitest';
import { MAX_LEAD_MS, TimerLateness, timerAt } from '../../../mock-server/src/serve/due-timer.js';

describe('timers that fire when due', () => {
  it('leads by the mean lateness of the first wakes, then by a moving average', () => {
    const lateness = new TimerLateness();
    expect(lateness.lead()).toBe(0);
    lateness.observe(1.2);
    expect(lateness.lead()).toBeCloseTo(1.2, 9); // one wake is enough to start with
    lateness.observe(0.6);
    expect(lateness.lead()).toBeCloseTo(0.9, 9);
    for (let i = 0; i < 500; i++) lateness.observe(0.4);
    expect(lateness.lead()).toBeCloseTo(0.4, 3);
  });

  it('never leads by more than the bound, however late an overloaded loop was', () => {
    const lateness = new TimerLateness();
    for (let i = 0; i < 100; i++) lateness.observe(80);
    expect(lateness.lead()).toBe(MAX_LEAD_MS);
    // One wake seconds late (a suspended VM) counts as the bound, so it is soon forgotten.
    const calm = new TimerLateness();
    for (let i = 0; i < 100; i++) calm.observe(0.5);
    calm.observe(5_000);
    expect(calm.lead()).toBeLessThan(1);
    // Early wakes count against lateness (the mean offset is what is corrected), but a process
    // whose timers run early is never answered later than due on purpose: the lead stays >= 0.
    const before = calm.lead();
    calm.observe(-3);
    expect(calm.lead()).toBeLessThan(before);
    for (let i = 0; i < 200; i++) calm.observe(-1);
    expect(calm.lead()).toBe(0);
  });

  it('fires a timer already past due at once, and reports how late each wake was', async () => {
    const seen: number[] = [];
    const spy = { lead: () => 0, observe: (ms: number) => seen.push(ms) };
    const setAt = performance.now();
    const fired = await new Promise<number>((resolve) => {
      timerAt(setAt - 50, () => resolve(performance.now()), spy);
    });
    // Due 50 ms ago: set with no delay, so its lateness is the wake's own, not the 50 ms.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(0);
    expect(seen[0]).toBeLessThanOrEqual(fired - setAt);
  });

  it('sets the timer early by the lead, so the wake lands on due rather than after it', () => {
    // Fake clocks: the delay handed to setTimeout is what is checked, not this machine's timing.
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const lateness = new TimerLateness();
      for (let i = 0; i < 10; i++) lateness.observe(2);
      let fired = false;
      timerAt(
        performance.now() + 30,
        () => {
          fired = true;
        },
        lateness,
      );
      vi.advanceTimersByTime(27);
      expect(fired).toBe(false);
      vi.advanceTimersByTime(1); // 28 ms: due less the 2 ms lead
      expect(fired).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
