import type { EngineEnd, EngineRun } from './engine-results.js';

/**
 * Each load generator of a run on its own, so one slow runner shows: who it is (the engine's
 * `runner`, host and pid), its segment, and per step its share of the schedule, what it sent,
 * the rate it achieved and how late its starts were (from its `end` line; null while it runs).
 */
export interface RunnerView {
  readonly runner: string;
  readonly segment: string;
  readonly steps: ReadonlyArray<{
    readonly step: number;
    readonly scheduled: number;
    readonly sent: number | null;
    readonly dropped: number | null;
    /** Requests sent per second of the step. */
    readonly achievedRate: number | null;
    /** Starts behind their due time, and the p99 of how far behind (ms). */
    readonly late: number | null;
    readonly lateP99Ms: number | null;
  }>;
}

export function runnerViews(runs: readonly EngineRun[], ends: readonly EngineEnd[]): RunnerView[] {
  return runs.map((run) => {
    // A generator's end line carries its segment; its run line came first in the same file.
    const end = ends.find((e) => e.segment === run.segment && e.t >= run.startedAt);
    return {
      runner: run.runner,
      segment: run.segment,
      steps: run.steps.map((s) => {
        const e = end?.steps.find((x) => x.step === s.step);
        const seconds = (s.endMs - s.startMs) / 1000;
        return {
          step: s.step,
          scheduled: s.scheduled,
          sent: e?.sent ?? null,
          dropped: e?.dropped ?? null,
          achievedRate: e && seconds > 0 ? e.sent / seconds : null,
          late: e?.late ?? null,
          lateP99Ms: e?.lateP99Ms ?? null,
        };
      }),
    };
  });
}
