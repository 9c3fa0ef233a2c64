import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longestOf, type StallWatch, speedOf, startStallWatch } from '../../bench/stall-watch.js';
import { requireBuild } from '../cli/cli-helpers.js';
import { requireTool } from '../helpers/tools.js';

describe('stall watch (the bench sentinel on each core)', () => {
  let watch: StallWatch;
  // Far past what a loaded core makes a sleeper wait (15-25 ms at most beside the bench's load),
  // so the suite's own load says none.
  const threshold = 200;
  beforeAll(async () => {
    requireBuild();
    requireTool('taskset', 'util-linux');
    watch = await startStallWatch([0, 1], threshold);
  });
  afterAll(() => watch.stop());

  it('says a stall of a core as long as its sentinel was not run, on that core, only in spans it overlaps', async () => {
    await sleep(300);
    const before = Date.now();
    // A stopped process is what a core the machine does not run looks like to its sentinel.
    process.kill(watch.pids[1] as number, 'SIGSTOP');
    await sleep(600);
    process.kill(watch.pids[1] as number, 'SIGCONT');
    let stall = watch.longestBetween(before, Date.now());
    for (let i = 0; i < 40 && stall === null; i++) {
      await sleep(50);
      stall = watch.longestBetween(before, Date.now());
    }
    expect(stall?.core).toBe(1);
    expect(stall?.ms).toBeGreaterThanOrEqual(450);
    expect(stall?.ms).toBeLessThan(3000);
    // A span inside the stall holds it; one well before the stop, and one after, hold none.
    expect(watch.longestBetween(before + 200, before + 400)?.core).toBe(1);
    expect(watch.longestBetween(before - 300, before - 150)).toBeNull();
    await sleep(100);
    const after = Date.now();
    await sleep(300);
    expect(watch.longestBetween(after, Date.now())).toBeNull();
  });

  it('refuses to say there was no stall once a sentinel has ended', async () => {
    const other = await startStallWatch([0], threshold);
    try {
      process.kill(other.pids[0] as number, 'SIGKILL');
      await sleep(200);
      expect(() => other.longestBetween(0, Date.now())).toThrow(/stall sentinel on core 0 ended/);
      expect(() => other.speedBetween(0, Date.now())).toThrow(/stall sentinel on core 0 ended/);
    } finally {
      other.stop();
    }
  });

  it("says each core's speed from its sentinel's seconds, none for a span before it ran", async () => {
    const from = Date.now();
    await sleep(2600);
    const speeds = watch.speedBetween(from, Date.now());
    expect(speeds).toHaveLength(2);
    for (const x of speeds) expect(x).toBeGreaterThan(0);
    expect(watch.speedBetween(from - 60_000, from - 30_000)).toEqual([null, null]);
  });
});

describe('a span of what the sentinels said', () => {
  it('takes the longest stall that overlaps it, whether it ends, starts or lies in the span', () => {
    const seen = [
      { core: 0, endMs: 1_000, ms: 100 }, // 900-1000
      { core: 1, endMs: 2_000, ms: 500 }, // 1500-2000
      { core: 0, endMs: 5_000, ms: 60 }, // 4940-5000
    ];
    expect(longestOf(seen, 950, 1_600)).toEqual({ core: 1, ms: 500 }); // both overlap: the longer
    expect(longestOf(seen, 1_600, 1_700)).toEqual({ core: 1, ms: 500 }); // inside the stall
    expect(longestOf(seen, 1_900, 4_950)).toEqual({ core: 1, ms: 500 }); // its end in the span
    expect(longestOf(seen, 2_001, 4_939)).toBeNull();
    expect(longestOf(seen, 4_999, 6_000)).toEqual({ core: 0, ms: 60 });
  });

  it("says a core's speed as its fastest second over the median of the seconds wholly inside the span", () => {
    const seconds = [
      { atMs: 1_000, us: 20 },
      { atMs: 2_000, us: 40 },
      { atMs: 3_000, us: 50 },
      { atMs: 4_000, us: 40 },
    ];
    expect(speedOf(seconds, 1_000, 4_000)).toBe(0.5); // seconds 2-4: median 40, fastest 20
    expect(speedOf(seconds, 0, 1_000)).toBe(1); // the fastest itself
    expect(speedOf(seconds, 1_500, 3_000)).toBe(0.4); // second 2 began before the span: only 3
    expect(speedOf(seconds, 4_000, 9_000)).toBeNull();
  });
});
