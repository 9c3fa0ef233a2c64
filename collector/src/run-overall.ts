import type { Verdict } from '../../common/sla/verdict.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { Recovery } from './recovery.js';
import type { RunStats } from './step-stats.js';

/**
 * One run in one line of figures (the scoreboard's row): the whole run's latency (all steps'
 * histograms merged), success and error-class rates as clients saw them, throughput, the KPIs,
 * how the SLA fared. Computed here, once a view, from the run's own histograms and verdict.
 */
export interface RunOverall {
  readonly requests: number;
  /** Target rate of the knee (the last step before the first breach), null when the first step broke. */
  readonly kneeRps: number | null;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly successRate: number;
  readonly rate429: number;
  readonly rate503: number;
  /** Successful responses per second over the run. */
  readonly throughput: number;
  readonly goodput: number;
  readonly amplification: number | null;
  readonly errorMasking: number | null;
  /** The longest recovery after a fault phase, in seconds; null when none was measured. */
  readonly recoveryS: number | null;
  readonly slaPassed: boolean;
  readonly brokenLines: number;
  /** Steps whose every SLA line held, of all steps: tells strategies apart when the knee does not. */
  readonly stepsHeld: number;
  readonly steps: number;
}

export function runOverall(
  run: RunStats,
  verdict: Verdict,
  recovery: readonly Recovery[],
  kpis: { amplification: number | null; errorMasking: number | null },
): RunOverall {
  const all = new LatencyHistogram();
  let ok = 0;
  let e429 = 0;
  let e503 = 0;
  let good = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const s of run.steps.values()) {
    all.merge(s.all);
    ok += s.counts.get('ok') ?? 0;
    e429 += s.counts.get('429') ?? 0;
    e503 += s.counts.get('503') ?? 0;
    good += s.okWithinBound;
    first = Math.min(first, s.firstMs);
    last = Math.max(last, s.lastMs);
  }
  const n = all.count;
  const seconds = Math.max(0.001, (last - first) / 1000);
  const summary = all.summary();
  const knee = verdict.knee === null ? undefined : run.steps.get(verdict.knee);
  const recovered = recovery.filter((r) => r.recoveryS !== null).map((r) => r.recoveryS as number);
  const broken = new Set(verdict.lines.filter((l) => !l.ok).map((l) => l.step));
  return {
    requests: n,
    kneeRps: knee?.targetRate ?? null,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
    meanMs: summary.mean,
    successRate: n === 0 ? 0 : ok / n,
    rate429: n === 0 ? 0 : e429 / n,
    rate503: n === 0 ? 0 : e503 / n,
    throughput: ok / seconds,
    goodput: good / seconds,
    amplification: kpis.amplification,
    errorMasking: kpis.errorMasking,
    recoveryS: recovered.length > 0 ? Math.max(...recovered) : null,
    slaPassed: verdict.passed,
    brokenLines: verdict.lines.filter((l) => !l.ok).length,
    stepsHeld: [...run.steps.keys()].filter((step) => !broken.has(step)).length,
    steps: run.steps.size,
  };
}
