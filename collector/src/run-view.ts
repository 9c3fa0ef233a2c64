import { OUTCOMES } from '../../common/outcomes.js';
import type { Sla } from '../../common/sla/sla.js';
import { judge, type Verdict } from '../../common/sla/verdict.js';
import { type Recovery, recoveryTimes } from './recovery.js';
import { missingSegments } from './report-words.js';
import type { AlertEvent, PhaseSpan, RunEvents } from './run-events.js';
import { type RunOverall, runOverall } from './run-overall.js';
import { type RunnerView, runnerViews } from './runner-view.js';
import type { RunStats, StepStats, StepSummary } from './step-stats.js';
import type { SeriesPoint } from './time-series.js';

/** Amplification and error masking of a step, from the upstream's view. */
export type StepKpis = (step: StepStats) => { amplification: number | null; errorMasking: number | null };

/** A step's figures with the resilience KPIs that need the upstream's view (null without it). */
export type StepView = StepSummary & {
  amplification: number | null;
  errorMasking: number | null;
  /** Every SLA line judged at the step held (its class lines included). */
  held: boolean;
};

/**
 * Everything known about a run, in one document: what the live page polls, what the HTML report
 * embeds and what `report --json` writes. One shape, so the three never disagree.
 */
import type { FairnessSummary } from './user-fairness.js';

export interface RunView {
  readonly runId: string;
  readonly generatedAt: string;
  /** Still going (the live page) or over (a report). */
  readonly live: boolean;
  readonly sla: Sla;
  /** Every outcome, `ok` first (loadtests/engine/contract/outcomes.json): the page's legend. */
  readonly outcomes: readonly string[];
  readonly steps: readonly StepView[];
  /** The step of the newest request, null before the first. */
  readonly currentStep: number | null;
  readonly verdict: Verdict;
  readonly recovery: readonly Recovery[];
  readonly series: readonly SeriesPoint[];
  readonly phases: readonly PhaseSpan[];
  readonly alerts: readonly AlertEvent[];
  readonly droppedIterations: number;
  readonly malformedLines: number;
  /** Each load generator's own figures (the engine's; none for k6). */
  readonly runners: readonly RunnerView[];
  /** Segments whose results fell short, in words (a report only; empty when none did). */
  readonly missing: readonly string[];
  /** The whole run in one line of figures (the scoreboard's row). */
  readonly overall: RunOverall;
  /** Fairness between the user_ids requests carried; null when none carried one. */
  readonly users: FairnessSummary | null;
}

export function runView(options: {
  runId: string;
  live: boolean;
  sla: Sla;
  run: RunStats;
  events: RunEvents;
  kpis?: StepKpis;
  /** Amplification and error masking over the whole run (absent without the upstream's view). */
  runKpis?: () => { amplification: number | null; errorMasking: number | null };
  /** Leave the time series out (a Prometheus scrape needs the verdict, not the charts). */
  withoutSeries?: boolean;
}): RunView {
  const { run, sla, events, kpis } = options;
  const ordered = run.ordered();
  const verdict = judge(sla, ordered, run.droppedIterations);
  const broken = new Set(verdict.lines.filter((l) => !l.ok).map((l) => l.step));
  const steps = ordered.map((s) => ({
    ...s.summary(),
    ...(kpis ? kpis(s) : { amplification: null, errorMasking: null }),
    held: !broken.has(s.step),
  }));
  const newest = ordered.reduce<StepStats | null>((a, s) => (a && a.lastMs >= s.lastMs ? a : s), null);
  const phases = events.phases();
  const runners = runnerViews(run.runners, !options.live);
  const recovery = recoveryTimes(phases, run.series, sla);
  return {
    runId: options.runId,
    generatedAt: new Date().toISOString(),
    live: options.live,
    sla,
    outcomes: OUTCOMES,
    steps,
    currentStep: newest?.step ?? null,
    verdict,
    recovery,
    series: options.withoutSeries ? [] : run.series.points(),
    phases,
    alerts: events.alerts,
    droppedIterations: run.droppedIterations,
    malformedLines: run.malformedLines,
    runners,
    missing: missingSegments(runners),
    // Computed when read (a report, the scoreboard), not for every scrape or page poll.
    get users() {
      return run.users.summary();
    },
    get overall() {
      return runOverall(
        run,
        verdict,
        recovery,
        options.runKpis?.() ?? { amplification: null, errorMasking: null },
      );
    },
  };
}
