import { afterEach, describe, expect, it, vi } from 'vitest';
import { slidingLog } from '../../strategies/src/strategies/rate-limit.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The most sends any 1-second window [s, s + 1000) holds; s runs over every send time. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] as number) < (sorted[i] as number) + 1000 && j < sorted.length) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('sliding log (rate-limit algorithm=sliding-log)', () => {
  it('over a burst, no 1-second window passes more than L; each waits its turn, in order', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const L = 20;
    const limiter = slidingLog(L, 60_000, () => performance.now());
    const sent: Array<{ i: number; at: number }> = [];
    // 100 at once, then 30 more half-way through, then a trickle: 150 in all.
    const admit = (i: number) =>
      limiter.admit().then((ok) => {
        expect(ok).toBe(true);
        sent.push({ i, at: performance.now() });
      });
    const all: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) all.push(admit(i));
    await vi.advanceTimersByTimeAsync(2500);
    for (let i = 100; i < 130; i++) all.push(admit(i));
    for (let i = 130; i < 150; i++) {
      await vi.advanceTimersByTimeAsync(37);
      all.push(admit(i));
    }
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(all);
    expect(sent).toHaveLength(150);
    expect(busiestSecond(sent.map((s) => s.at))).toBe(L);
    // First come, first sent.
    expect(sent.map((s) => s.i)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    // And as soon as allowed: 150 at 20 a second is 7 full seconds and a part.
    expect(Math.max(...sent.map((s) => s.at))).toBe(7000);
  });

  it('refuses at once what could not be sent within maxWaitMs, and sends the rest', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const limiter = slidingLog(10, 1500, () => performance.now());
    const answers = Array.from({ length: 40 }, () => limiter.admit());
    await vi.advanceTimersByTimeAsync(5000);
    const ok = await Promise.all(answers);
    // 10 now, 10 at 1 000 ms; the third ten would wait 2 000 ms > 1 500.
    expect(ok.filter(Boolean)).toHaveLength(20);
    expect(ok.slice(20).some(Boolean)).toBe(false);
    expect(limiter.level()).toBe(0); // the log holds only the last second's sends: none by now
  });
});
