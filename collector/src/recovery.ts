import { MEAN_KEY, percentileOf, type Sla } from '../../common/sla/sla.js';
import { type PhaseSpan, withoutMoves } from './run-events.js';
import type { TimeSeries, Window } from './time-series.js';

/**
 * Recovery time, as the design brief defines it: from the end of a fault phase until the error
 * rate and the latency percentiles are back within the SLA. "Back" means held for a while, not one
 * lucky second: the first moment t from which a `holdMs` stretch of requests meets every SLA
 * success and latency line. Recovery is 0 when the first stretch after the fault already does.
 */
export interface Recovery {
  readonly scenario: string;
  readonly phase: string;
  /** Ms since the epoch. */
  readonly endedAt: number;
  /** Seconds from the phase's end to recovery; null when not (yet) recovered or not measurable. */
  readonly recoveryS: number | null;
  /**
   * recovered; not-recovered (the run ended first); next-fault (another fault phase followed at
   * once, so this one's recovery cannot be told apart: see that phase's); no-traffic.
   */
  readonly status: 'recovered' | 'not-recovered' | 'next-fault' | 'no-traffic';
}

/** Holds every SLA success and latency line over the stretch (which must have requests). */
export function withinSla(w: Window, sla: Sla): boolean {
  if (w.requests === 0) return false;
  if (1 - w.failures / w.requests < sla.successRate) return false;
  for (const [p, ms] of Object.entries(sla.latencyMs)) {
    // A line on the mean reads the window's mean, not a percentile named "avg".
    const measured = p === MEAN_KEY ? w.msSum / w.requests : w.quantile(percentileOf(p) / 100);
    if (measured === null || measured >= ms) return false;
  }
  return true;
}

export function recoveryTimes(
  spans: readonly PhaseSpan[],
  series: TimeSeries,
  sla: Sla,
  holdMs = 5000,
): Recovery[] {
  // An autoscaler's moves rename the playing phase; a fault is one fault however many came.
  const phases = withoutMoves(spans);
  const out: Recovery[] = [];
  const step = series.windowMs;
  const dataEnd = series.endMs;
  phases.forEach((p, i) => {
    if (!p.fault || p.endMs === null) return;
    const base = { scenario: p.scenario, phase: p.phase, endedAt: p.endMs };
    const next = phases[i + 1];
    if (next?.fault) {
      out.push({ ...base, recoveryS: null, status: 'next-fault' });
      return;
    }
    // Search only until the next fault phase begins (or the data ends).
    const limit = Math.min(dataEnd, phases.slice(i + 1).find((q) => q.fault)?.startMs ?? dataEnd);
    let sawTraffic = false;
    for (let t = p.endMs; t + holdMs <= limit; t += step) {
      const stretch = series.span(t, t + holdMs);
      if (stretch.requests > 0) sawTraffic = true;
      if (withinSla(stretch, sla)) {
        out.push({ ...base, recoveryS: (t - p.endMs) / 1000, status: 'recovered' });
        return;
      }
    }
    out.push({ ...base, recoveryS: null, status: sawTraffic ? 'not-recovered' : 'no-traffic' });
  });
  return out;
}
