import { describe, expect, it } from 'vitest';
import { runWindows } from '../../collector/src/run-windows.js';
import { RunStats } from '../../collector/src/step-stats.js';
import { UpstreamTimeline } from '../../collector/src/upstream.js';

const T0 = 1_764_400_000_000;
// An answer that ended at `end` ms into the run (a window holds the answers that ended in it).
const answer = (end: number) =>
  JSON.stringify({ type: 'req', t: T0 + end - 10, step: 0, rate: 10, ms: 10, outcome: 'ok', tokens: 5 });

describe("the run's windows", () => {
  it('add up to everything the upstream counted, also across a second where no answer ended', () => {
    const run = new RunStats();
    // Answers in seconds 0, 1 and 3: nothing ended in second 2 (an outage, a stall).
    for (const end of [100, 600, 1100, 1500, 3200, 3900]) run.ingestLine(answer(end));
    const timeline = new UpstreamTimeline();
    // Scrapes a second apart from before the run to after it, the upstream busy throughout.
    for (let s = -1; s <= 5; s++)
      timeline.add({
        time: T0 + s * 1000 + 500,
        attempts: 100 * (s + 1),
        errors: s + 1,
        tokens: 500 * (s + 1),
        costUsd: s + 1,
      });
    const windows = runWindows(run, timeline, []);
    expect(windows.map((w) => w.t - T0)).toEqual([0, 1000, 3000]);
    const sum = (k: 'attempts' | 'errors' | 'tokens' | 'costUsd') =>
      windows.reduce((n, w) => n + (w.upstream?.[k] ?? 0), 0);
    const total = timeline.total();
    expect(total).toEqual({ attempts: 600, errors: 6, tokens: 3000, costUsd: 6 });
    for (const k of ['attempts', 'errors', 'tokens', 'costUsd'] as const)
      expect(sum(k), k).toBeCloseTo(total?.[k] ?? -1, 9);
    // The window before the empty second owns it: 1 000-3 000 ms of the run.
    expect(windows[1]?.upstream?.attempts).toBeCloseTo(200, 9);
  });

  it('have no upstream share when the upstream was not watched', () => {
    const run = new RunStats();
    run.ingestLine(answer(100));
    expect(runWindows(run, null, []).map((w) => w.upstream)).toEqual([null]);
  });
});
