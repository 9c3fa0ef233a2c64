import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StallWatch, startStallWatch } from '../../bench/stall-watch.js';
import { requireBuild } from '../cli/cli-helpers.js';
import { requireTool } from '../helpers/tools.js';

describe('stall watch (the bench sentinel on each core)', () => {
  let watch: StallWatch;
  beforeAll(async () => {
    requireBuild();
    requireTool('taskset', 'util-linux');
    watch = await startStallWatch([0, 1], 50);
  });
  afterAll(() => watch.stop());

  it('says a stall of a core as long as its sentinel was not run, on that core, only in spans it overlaps', async () => {
    await sleep(200);
    const before = Date.now();
    // A stopped process is what a core the machine does not run looks like to its sentinel.
    process.kill(watch.pids[1] as number, 'SIGSTOP');
    await sleep(400);
    process.kill(watch.pids[1] as number, 'SIGCONT');
    await sleep(100);
    const stall = watch.longestBetween(before, Date.now());
    expect(stall?.core).toBe(1);
    expect(stall?.ms).toBeGreaterThanOrEqual(300);
    expect(stall?.ms).toBeLessThan(2000);
    // Spans before the stop and after the sentinel ran again hold none.
    expect(watch.longestBetween(before - 150, before - 20)).toBeNull();
    await sleep(150);
    const after = Date.now();
    await sleep(150);
    expect(watch.longestBetween(after, Date.now())).toBeNull();
  });

  it('refuses to say there was no stall once a sentinel has ended', async () => {
    const other = await startStallWatch([0], 50);
    try {
      process.kill(other.pids[0] as number, 'SIGKILL');
      await sleep(200);
      expect(() => other.longestBetween(0, Date.now())).toThrow(/stall sentinel on core 0 ended/);
      expect(() => other.speedBetween(0, Date.now())).toThrow(/stall sentinel on core 0 ended/);
    } finally {
      other.stop();
    }
  });

  it("says each core's speed over a span against its fastest second, none for a span before it ran", async () => {
    const from = Date.now();
    await sleep(2500);
    const speeds = watch.speedBetween(from, Date.now());
    expect(speeds).toHaveLength(2);
    for (const x of speeds) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(watch.speedBetween(from - 60_000, from - 30_000)).toEqual([null, null]);
  });
});
