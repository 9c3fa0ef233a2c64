import { describe, expect, it } from 'vitest';
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
    // Early wakes do not make it lag behind due.
    calm.observe(-3);
    expect(calm.lead()).toBeGreaterThanOrEqual(0);
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

  it('sets the timer early by the lead, so the wake lands on due rather than after it', async () => {
    const lateness = new TimerLateness();
    for (let i = 0; i < 10; i++) lateness.observe(MAX_LEAD_MS);
    const due = performance.now() + 30;
    const woke = await new Promise<number>((resolve) =>
      timerAt(due, () => resolve(performance.now()), lateness),
    );
    // A timer with no lead never fires before its delay; this one may, by up to the lead.
    expect(woke).toBeGreaterThanOrEqual(due - MAX_LEAD_MS - 1);
  });
});
