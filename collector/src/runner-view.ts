import type { EngineEnd, EngineRun } from './engine-results.js';
import { LatencyHistogram } from './latency-histogram.js';

/** A start later than this behind its due time is late (shared/benchmarking.md, the engine's LateAfter). */
export const LATE_AFTER_MS = 5;

/** One step of one generator as its lines arrive. */
interface StepTally {
  received: number;
  dropped: number;
  late: number;
  /** Every start's lateness, so the p99 is the engine's own definition (over all starts). */
  readonly lateness: LatencyHistogram;
}

/**
 * One load generator's lines as they arrive, from its `run` line on: what it reported per step
 * (requests, drops, lateness), so its achieved rate and lateness show while it runs, and a
 * generator that stopped early (killed, cut off) shows by how much its segment falls short.
 */
export class RunnerTally {
  end: EngineEnd | null = null;
  private readonly steps = new Map<number, StepTally>();

  constructor(readonly run: EngineRun) {}

  private stepOf(step: number): StepTally {
    let s = this.steps.get(step);
    if (!s) {
      s = { received: 0, dropped: 0, late: 0, lateness: new LatencyHistogram() };
      this.steps.set(step, s);
    }
    return s;
  }

  request(step: number, lateMs: number): void {
    const s = this.stepOf(step);
    s.received++;
    s.lateness.recordMs(lateMs);
    if (lateMs > LATE_AFTER_MS) s.late++;
  }

  dropped(step: number, n: number): void {
    this.stepOf(step).dropped += n;
  }

  step(step: number): StepTally | undefined {
    return this.steps.get(step);
  }
}

/**
 * Which generator a stream of lines comes from (a results file, a runner shipping over HTTP):
 * its `run` line starts a tally, the lines after it count there.
 */
export interface LineSource {
  tally: RunnerTally | null;
}

/**
 * Each load generator of a run on its own, so one slow runner shows: who it is (the engine's
 * `runner`, host and pid or the name it was given), its segment, whether it finished (its `end`
 * line arrived), and per step its share of the schedule, what the collector received from it,
 * what it says it sent, the rate it achieved and how late its starts were. `missing` is what
 * never arrived (null while it runs): of a generator that ended, what it sent and the collector
 * lacks; of one cut short (killed, no `end` line), its share of the schedule less what arrived.
 */
export interface RunnerView {
  readonly runner: string;
  readonly segment: string;
  readonly finished: boolean;
  readonly steps: ReadonlyArray<{
    readonly step: number;
    readonly scheduled: number;
    readonly received: number;
    /** The generator's own count (its end line); null until it ends, or when it never did. */
    readonly sent: number | null;
    readonly dropped: number;
    /** Requests received per second of the step (of the part that has passed, while live). */
    readonly achievedRate: number | null;
    /** Starts behind their due time by more than 5 ms, and the p99 of how far behind (ms). */
    readonly late: number;
    readonly lateP99Ms: number | null;
    readonly missing: number | null;
  }>;
  /** Over the whole segment: scheduled and missing (null while live). */
  readonly scheduled: number;
  readonly missing: number | null;
  /** Why the generator stopped sending before its schedule's end: the target saturated. */
  readonly stoppedSaturated: string | null;
}

/** `final`: the run is over (a report), so what has not arrived is missing. */
export function runnerViews(
  tallies: readonly RunnerTally[],
  final: boolean,
  nowMs = Date.now(),
): RunnerView[] {
  return tallies.map((t) => {
    const { run, end } = t;
    const steps = run.steps.map((s) => {
      const got = t.step(s.step);
      const sent = end?.steps.find((x) => x.step === s.step)?.sent ?? null;
      const received = got?.received ?? 0;
      const dropped = got?.dropped ?? 0;
      const seconds = (s.endMs - s.startMs) / 1000;
      // Live, a step counts the part of it that has passed.
      const passed = final
        ? seconds
        : Math.min(seconds, Math.max(0, (nowMs - run.startedAt - s.startMs) / 1000));
      return {
        step: s.step,
        scheduled: s.scheduled,
        received,
        sent,
        dropped,
        achievedRate: passed > 0 ? received / passed : null,
        late: got?.late ?? 0,
        lateP99Ms: got && got.lateness.count > 0 ? got.lateness.summary().p99 : null,
        // Ended: what it says it sent and never arrived (an interrupted or breakpoint run's
        // unsent rest is not missing). Cut short: the rest of its share of the schedule.
        missing: !final
          ? null
          : sent !== null
            ? Math.max(0, sent - received)
            : Math.max(0, s.scheduled - received - dropped),
      };
    });
    return {
      runner: run.runner,
      segment: run.segment,
      finished: end !== null,
      steps,
      scheduled: steps.reduce((n, s) => n + s.scheduled, 0),
      missing: final ? steps.reduce((n, s) => n + (s.missing ?? 0), 0) : null,
      stoppedSaturated: end?.stoppedSaturated ?? null,
    };
  });
}
