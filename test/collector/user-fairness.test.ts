import { describe, expect, it } from 'vitest';
import { MAX_USERS, UserFairness } from '../../collector/src/user-fairness.js';

describe('fairness between users', () => {
  it('is null without users, 1 when every user gets the same share, 1/n when one gets all', () => {
    expect(new UserFairness().summary()).toBeNull();
    const equal = new UserFairness(800);
    for (let u = 0; u < 10; u++) for (let i = 0; i < 10; i++) equal.add(`u${u}`, i < 5 ? 'ok' : '429', 100);
    expect(equal.summary()?.jain).toBeCloseTo(1, 12);
    const one = new UserFairness(800);
    for (let u = 0; u < 4; u++) one.add(`u${u}`, u === 0 ? 'ok' : '503', 100);
    expect(one.summary()?.jain).toBeCloseTo(1 / 4, 12);
  });

  it('counts a success past the SLA bound as not goodput, and reads the worst 1 % of users', () => {
    const f = new UserFairness(800);
    // 200 users: 2 are the worst 1 %. u0: half 429s; u1: all ok but 2 s each; the rest ok, fast.
    for (let u = 0; u < 200; u++)
      for (let i = 0; i < 20; i++) {
        if (u === 0) f.add('u0', i % 2 ? 'ok' : '429', 50);
        else if (u === 1) f.add('u1', 'ok', 2000);
        else f.add(`u${u}`, 'ok', 50);
      }
    const s = f.summary();
    expect(s?.users).toBe(200);
    expect(s?.worstUser).toBe('u0');
    expect(s?.worstUserSuccessRate).toBe(0.5);
    // The two lowest success rates: u0 (0.5) and one at 1: (10 + 20) / 40.
    expect(s?.worstSuccessRate).toBe(0.75);
    // The two highest p99s: u1's 2 s and another's 50 ms: the pooled p99 is u1's, to 12.5 %.
    expect((s?.worstP99Ms as number) / 2000).toBeGreaterThanOrEqual(1);
    expect((s?.worstP99Ms as number) / 2000).toBeLessThan(1.125);
    // Goodput shares: u0 0.5, u1 0 (too slow), 198 users at 1.
    const shares = [0.5, 0, ...Array(198).fill(1)];
    const sum = shares.reduce((a, b) => a + b, 0);
    const sq = shares.reduce((a, b) => a + b * b, 0);
    expect(s?.jain).toBeCloseTo((sum * sum) / (200 * sq), 12);
  });

  it('follows at most MAX_USERS users and counts the rest', () => {
    const f = new UserFairness();
    for (let u = 0; u < MAX_USERS + 25; u++) f.add(`u${u}`, 'ok', 10);
    expect(f.summary()).toMatchObject({ users: MAX_USERS + 25, untracked: 25 });
  });
});
