import type { PhaseSpan } from './run-events.js';
import type { RunStats } from './step-stats.js';
import type { UpstreamTally, UpstreamTimeline } from './upstream.js';

/**
 * The run cut into its time windows (one second each, as the time series keeps them), each with
 * everything a whole-run figure is a sum of: requests, successes, good answers, latency buckets,
 * tokens that reached users, and what the upstream did meanwhile. A scoreboard resamples these to
 * put a 95 % interval on any figure of one run (runner/src/run-figures.ts); a window's phase and
 * target rate are the strata it is resampled within.
 */
export interface RunWindow {
  /** Window start, ms since the epoch (answers are placed by the time they ended). */
  readonly t: number;
  /** Seconds of the run the window covers: its width, less at the run's two ends. */
  readonly seconds: number;
  readonly targetRate: number;
  /**
   * The target rate changed in this window (the highest of the answers that ended in it): it
   * holds the end of one step and the start of the next, so per-step figures leave it out.
   */
  readonly boundary: boolean;
  /** The scenario phase playing at the window's start; null without a scenario. */
  readonly phase: string | null;
  readonly fault: boolean;
  readonly requests: number;
  readonly ok: number;
  /** Successes under the SLA's latency line. */
  readonly good: number;
  readonly msSum: number;
  readonly tokensOk: number;
  readonly errors: Readonly<Record<string, number>>;
  /** The window's latencies in the time series' 4 % buckets, as [bucket, count] pairs. */
  readonly latency: ReadonlyArray<readonly [number, number]>;
  /** The upstream's attempts, errors, tokens and cost in the window; null when not watched. */
  readonly upstream: UpstreamTally | null;
}

export function runWindows(
  run: RunStats,
  timeline: UpstreamTimeline | null,
  phases: readonly PhaseSpan[],
): RunWindow[] {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const s of run.steps.values()) {
    first = Math.min(first, s.firstMs);
    last = Math.max(last, s.lastMs);
  }
  const width = run.series.windowMs;
  const all = run.series.windowsInOrder();
  return all.map(({ t, window: w }, i) => {
    const phase = phases.find((p) => p.startMs <= t && (p.endMs === null || t < p.endMs)) ?? null;
    const latency: Array<[number, number]> = [];
    w.latency.forEach((n, bucket) => {
      if (n > 0) latency.push([bucket, n]);
    });
    const from = Math.max(t, first);
    const to = Math.min(t + width, last + 1);
    return {
      t,
      seconds: Math.max(0.001, (to - from) / 1000),
      targetRate: w.targetRate,
      boundary: i > 0 && all[i - 1]?.window.targetRate !== w.targetRate,
      phase: phase?.phase ?? null,
      fault: phase?.fault ?? false,
      requests: w.requests,
      ok: w.requests - w.failures,
      good: w.good,
      msSum: w.msSum,
      tokensOk: w.tokensOk,
      errors: { ...w.errors },
      latency,
      // The first window owns what the upstream did from the start of watching, the last up to
      // the last scrape, and each the time up to the next window (a second where no answer
      // ended has none): every attempt, token and cent counts in one window, and the windows add
      // up to the run (a scrape a second would otherwise smear the edges out of it).
      upstream: timeline
        ? timeline.between(
            i === 0 ? Number.NEGATIVE_INFINITY : t,
            i === all.length - 1 ? Number.POSITIVE_INFINITY : (all[i + 1] as { t: number }).t,
          )
        : null,
    };
  });
}
