import { Counter, Gauge, Registry } from 'prom-client';
import {
  FastHistogram,
  type HistogramHandle,
  INTER_TOKEN_BUCKETS,
  LLM_LATENCY_BUCKETS,
} from '../../common/fast-metrics.js';
import { OUTCOMES } from '../../common/outcomes.js';
import type { RunView, StepKpis } from './run-view.js';
import { type ClassSignals, type RunStats, type StepStats, TOKENS_PER_SECOND_BUCKETS } from './step-stats.js';
import type { FairnessSummary } from './user-fairness.js';

/**
 * The client's view for Prometheus, computed from the run's histograms when scraped (nothing on
 * the ingest path). Labels stay low-cardinality: run id and strategy (one value each per
 * collector), step, target rate, outcome, quantile, and priority (P0..P3 only: the collector
 * refuses any other class).
 */
/** Which compare run, and which of its experiments, a run belongs to. */
export interface CompareLabels {
  readonly id: string;
  readonly experiment: string;
}

export interface ClientMetricsOptions {
  /** Amplification and error masking per step (needs the upstream's view). */
  readonly kpis?: StepKpis;
  /** The `strategy` label's value (default `unnamed`: the user did not say which). */
  readonly strategy?: string;
  /**
   * For a run of `busybench compare`: its `compare` id and `experiment` (capacity, faults) as
   * labels on every series, so a dashboard puts one compare run's strategies side by side.
   */
  readonly compare?: CompareLabels;
  /** The run as a whole (SLA verdict, knee, recovery, alerts), computed at most once a scrape. */
  readonly view?: () => RunView;
}

export function clientMetrics(run: RunStats, runId: string, options: ClientMetricsOptions = {}): Registry {
  const { kpis } = options;
  const registry = new Registry();
  registry.setDefaultLabels({
    run_id: runId,
    strategy: options.strategy ?? 'unnamed',
    ...(options.compare ? { compare: options.compare.id, experiment: options.compare.experiment } : {}),
  });
  const p = 'busybench_client_';
  // A counter grows by what was ingested since the last scrape, so rate() works on it.
  const exported = new Map<string, number>();
  new Counter({
    name: `${p}requests_total`,
    help: 'Requests the load generator completed, by step and outcome (ok or error class).',
    labelNames: ['step', 'target_rate', 'outcome'],
    registers: [registry],
    collect() {
      for (const s of run.steps.values()) {
        // Every class from 0 as soon as a step starts, so rate() sees the first error too.
        for (const outcome of OUTCOMES)
          if (!s.counts.has(outcome) && !exported.has(`${s.step}\u0000${outcome}`)) {
            this.inc({ step: String(s.step), target_rate: String(s.targetRate), outcome }, 0);
            exported.set(`${s.step}\u0000${outcome}`, 0);
          }
        for (const [outcome, n] of s.counts) {
          const key = `${s.step}\u0000${outcome}`;
          const delta = n - (exported.get(key) ?? 0);
          if (delta > 0)
            this.inc({ step: String(s.step), target_rate: String(s.targetRate), outcome }, delta);
          exported.set(key, n);
        }
      }
    },
  });
  priorityMetrics(registry, p, run);
  new Gauge({
    name: `${p}step_target_rps`,
    help: 'Arrival rate the step asked of the load generator.',
    labelNames: ['step'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of run.steps.values()) this.set({ step: String(s.step) }, s.targetRate);
    },
  });
  new Gauge({
    name: `${p}latency_seconds`,
    help: 'End-to-end latency quantiles per step, from exact HDR histograms.',
    labelNames: ['step', 'target_rate', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of run.steps.values()) {
        const labels = { step: String(s.step), target_rate: String(s.targetRate) };
        for (const q of [50, 90, 95, 99, 99.9])
          this.set({ ...labels, quantile: String(q / 100) }, s.all.percentileMs(q) / 1000);
      }
    },
  });
  // Buckets too, so dashboards and alerts can aggregate with histogram_quantile across runs.
  new FastHistogram(
    registry,
    `${p}request_duration_seconds`,
    'End-to-end latency per step, in buckets for LLM traffic (5 ms to 120 s).',
    ['step', 'target_rate'],
    LLM_LATENCY_BUCKETS,
    (h) => {
      for (const s of run.steps.values()) h.attach(s.buckets, String(s.step), String(s.targetRate));
    },
  );
  // The LLM signals, per step, in buckets: what the TTFT SLO and dashboards read as bucket ratios.
  const llmHistogram = (
    name: string,
    help: string,
    bounds: readonly number[],
    of: (s: StepStats) => HistogramHandle,
  ) =>
    new FastHistogram(registry, `${p}${name}`, help, ['step', 'target_rate'], bounds, (h) => {
      for (const s of run.steps.values()) h.attach(of(s), String(s.step), String(s.targetRate));
    });
  llmHistogram(
    'ttft_seconds',
    'Time to first token of streamed answers per step (the first frame with content), in buckets to 120 s.',
    LLM_LATENCY_BUCKETS,
    (s) => s.ttftBuckets,
  );
  llmHistogram(
    'inter_token_seconds',
    'Gaps between token frames of streamed answers per step, in buckets from 0.5 ms to 5 s.',
    INTER_TOKEN_BUCKETS,
    (s) => s.interTokenBuckets,
  );
  llmHistogram(
    'output_tokens_per_second',
    "Each successful answer's output tokens over its whole time, per step.",
    TOKENS_PER_SECOND_BUCKETS,
    (s) => s.tokensPerSecond,
  );
  /** A gauge with one value per step, read from the step at scrape time (null: no sample). */
  const perStep = (name: string, help: string, value: (s: StepStats) => number | null) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames: ['step', 'target_rate'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of run.steps.values()) {
          const v = value(s);
          if (v !== null) this.set({ step: String(s.step), target_rate: String(s.targetRate) }, v);
        }
      },
    });
  perStep(
    'success_ratio',
    'Share of requests answered 2xx with a complete body, per step.',
    (s) => s.successRate,
  );
  perStep('step_achieved_rps', 'Requests completed per second over the step so far.', (s) =>
    s.requests === 0 ? null : s.summary().achievedRate,
  );
  perStep('goodput', 'Successful responses within the latency SLA, per second, per step.', (s) => s.goodput);
  perStep(
    'latency_mean_seconds',
    "Mean end-to-end latency per step (what an SLA's avg line judges).",
    (s) => {
      const ms = s.latencyMeanMs();
      return ms === null ? null : ms / 1000;
    },
  );
  perStep(
    'queue_length_peak',
    "The strategy's queue at its highest in the step, as scraped from its busybench_strategy_queue_length (what an SLA's queue line judges); absent when no strategy was scraped.",
    (s) => s.queueLengthPeak(),
  );
  if (kpis) {
    perStep(
      'amplification',
      'Upstream attempts per request sent, per step (retry storm when >> 1).',
      (s) => kpis(s).amplification,
    );
    perStep(
      'error_masking',
      'Share of the upstream error rate the strategy hid from clients, per step.',
      (s) => kpis(s).errorMasking,
    );
  }
  let droppedExported = 0;
  new Counter({
    name: `${p}dropped_iterations_total`,
    help: 'Arrivals the load generator did not send (it fell behind, or its in-flight cap was reached).',
    registers: [registry],
    collect() {
      this.inc(run.droppedIterations - droppedExported);
      droppedExported = run.droppedIterations;
    },
  });
  new Gauge({
    name: `${p}malformed_lines`,
    help: 'Result lines that could not be read and were skipped.',
    registers: [registry],
    collect() {
      this.set(run.malformedLines);
    },
  });
  if (options.view) runGauges(registry, p, memo(options.view));
  return registry;
}

/**
 * Requests, success ratio and latency quantiles per priority class, for runs with classes (none
 * without). Series of their own rather than a label on the overall ones: those keep one value
 * per step (a dashboard's `max by (step)` of success_ratio would otherwise read the best class),
 * and summing a counter over `priority` gives requests_total. At most four classes a step.
 */
function priorityMetrics(registry: Registry, p: string, run: RunStats): void {
  const exported = new Map<string, number>();
  const labels = (s: StepStats, priority: string) => ({
    step: String(s.step),
    target_rate: String(s.targetRate),
    priority,
  });
  new Counter({
    name: `${p}priority_requests_total`,
    help: 'Requests the load generator completed, by step, priority class (x-priority) and outcome.',
    labelNames: ['step', 'target_rate', 'priority', 'outcome'],
    registers: [registry],
    collect() {
      // Every outcome from 0 as soon as the class shows in the step, as requests_total does.
      for (const s of run.steps.values())
        for (const [priority, c] of s.classes)
          for (const outcome of OUTCOMES) {
            const key = `${s.step}\u0000${priority}\u0000${outcome}`;
            const n = c.counts.get(outcome) ?? 0;
            const before = exported.get(key);
            if (before === undefined || n > before)
              this.inc({ ...labels(s, priority), outcome }, n - (before ?? 0));
            exported.set(key, n);
          }
    },
  });
  new Gauge({
    name: `${p}priority_success_ratio`,
    help: 'Share of a priority class’s requests answered whole and real, per step.',
    labelNames: ['step', 'target_rate', 'priority'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of run.steps.values())
        for (const [priority, c] of s.classes) {
          const v = c.successRate;
          if (v !== null) this.set(labels(s, priority), v);
        }
    },
  });
  new Gauge({
    name: `${p}priority_latency_seconds`,
    help: 'End-to-end latency quantiles per step and priority class, from exact HDR histograms.',
    labelNames: ['step', 'target_rate', 'priority', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of run.steps.values())
        for (const [priority, c] of s.classes)
          for (const q of [50, 90, 95, 99, 99.9])
            this.set({ ...labels(s, priority), quantile: String(q / 100) }, c.latency.percentileMs(q) / 1000);
    },
  });
  // The LLM signals per class in buckets, over the whole run (no step: four classes at most, so
  // at most 4 x 81 series a run): what the per-class SLOs (alerts/slos) read as bucket ratios.
  const classHistogram = (
    name: string,
    help: string,
    of: (c: ClassSignals) => HistogramHandle,
    bounds: readonly number[] = LLM_LATENCY_BUCKETS,
  ) =>
    new FastHistogram(registry, `${p}${name}`, help, ['priority'], bounds, (h) => {
      for (const [priority, c] of run.classSignals) h.attach(of(c), priority);
    });
  classHistogram(
    'priority_request_duration_seconds',
    'End-to-end latency per priority class over the run, in the buckets of request_duration_seconds.',
    (c) => c.latency,
  );
  classHistogram(
    'priority_ttft_seconds',
    'Time to first token of streamed answers per priority class over the run, in the buckets of ttft_seconds.',
    (c) => c.ttft,
  );
  classHistogram(
    'priority_inter_token_seconds',
    'Gaps between token frames of streamed answers per priority class over the run, in the buckets of inter_token_seconds.',
    (c) => c.interToken,
    INTER_TOKEN_BUCKETS,
  );
  classHistogram(
    'priority_output_tokens_per_second',
    "Each successful answer's output tokens over its whole time, per priority class over the run.",
    (c) => c.tokensPerSecond,
    TOKENS_PER_SECOND_BUCKETS,
  );
}

/** The same value for every collect() of one scrape: the view is computed once. */
function memo<T>(make: () => T, ttlMs = 500): () => T {
  let at = 0;
  let value: T | undefined;
  return () => {
    if (value === undefined || Date.now() - at > ttlMs) {
      value = make();
      at = Date.now();
    }
    return value;
  };
}

/** Run-wide KPIs: SLA verdict, knee, recovery time per fault phase, current step, alerts. */
function runGauges(registry: Registry, p: string, view: () => RunView): void {
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge) => void) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });
  gauge('sla_ok', '1 while every SLA line holds at every step so far, else 0.', [], (g) =>
    g.set(view().verdict.passed ? 1 : 0),
  );
  gauge(
    'sla_threshold',
    "Each SLA line's limit, for dashboards to draw beside what it judges: latency and TTFT lines in seconds (key p99, avg ...), success as a ratio, the strategy's queue in requests.",
    ['kind', 'key'],
    (g) => {
      const sla = view().sla;
      g.set({ kind: 'success', key: 'rate' }, sla.successRate);
      for (const [key, ms] of Object.entries(sla.latencyMs)) g.set({ kind: 'latency', key }, ms / 1000);
      for (const [key, ms] of Object.entries(sla.ttftMs)) g.set({ kind: 'ttft', key }, ms / 1000);
      if (sla.queueLength !== undefined) g.set({ kind: 'queue', key: 'length' }, sla.queueLength);
    },
  );
  gauge('sla_broken_lines', 'SLA lines broken (a line per step counts once each).', [], (g) =>
    g.set(view().verdict.lines.filter((l) => !l.ok).length),
  );
  gauge(
    'knee_target_rps',
    'Target rate of the knee: the last step before the first that broke an SLA line.',
    [],
    (g) => {
      const v = view();
      const knee = v.steps.find((s) => s.step === v.verdict.knee);
      if (knee) g.set(knee.targetRate);
    },
  );
  gauge('current_step', 'The step of the newest request.', [], (g) => {
    const step = view().currentStep;
    if (step !== null) g.set(step);
  });
  gauge('current_target_rps', 'Arrival rate the step now running asks of the load generator.', [], (g) => {
    const v = view();
    const current = v.steps.find((s) => s.step === v.currentStep);
    if (current) g.set(current.targetRate);
  });
  gauge(
    'recovery_seconds',
    'From the end of a fault phase until error rate and latency were back within the SLA.',
    ['scenario', 'phase'],
    (g) => {
      for (const r of view().recovery)
        if (r.recoveryS !== null) g.set({ scenario: r.scenario, phase: r.phase }, r.recoveryS);
    },
  );
  // Fairness between users (user-fairness.ts), when requests carried a user_id: is one heavy
  // user starving the others? Computed per scrape over at most MAX_USERS users.
  // The view's `users` is computed when read: once per view, not once per gauge.
  let viewRead: RunView | undefined;
  let usersRead: FairnessSummary | null = null;
  const users = () => {
    const v = view();
    if (v !== viewRead) [viewRead, usersRead] = [v, v.users];
    return usersRead;
  };
  const fairness = (name: string, help: string, value: (f: FairnessSummary) => number) =>
    gauge(name, help, [], (g) => {
      const f = users();
      // No sample at all without users (a label-less gauge would otherwise read 0).
      if (f) g.set(value(f));
      else g.remove();
    });
  fairness('users', 'Distinct user_ids the requests carried.', (f) => f.users);
  fairness(
    'users_worst_success_ratio',
    'Success rate of the worst 1 % of users (at least one) by success rate.',
    (f) => f.worstSuccessRate,
  );
  fairness(
    'users_worst_p99_seconds',
    'p99 latency of the worst 1 % of users by p99 (to within 12.5 %).',
    (f) => f.worstP99Ms / 1000,
  );
  fairness(
    'users_jain_index',
    "Jain's index over the users' goodput shares: 1 when every user got the same share, 1/n when one got it all.",
    (f) => f.jain,
  );
  // Each load generator on its own (runner-view.ts), so a slow runner shows on a dashboard too.
  const perRunner = (
    name: string,
    help: string,
    value: (s: RunView['runners'][number]['steps'][number]) => number | null,
  ) =>
    gauge(name, help, ['runner', 'segment', 'step'], (g) => {
      for (const r of view().runners)
        for (const s of r.steps) {
          const v = value(s);
          if (v !== null) g.set({ runner: r.runner, segment: r.segment, step: String(s.step) }, v);
        }
    });
  perRunner(
    'runner_achieved_rps',
    "A load generator's requests received per second of the step (so far).",
    (s) => s.achievedRate,
  );
  perRunner(
    'runner_late_starts',
    "A load generator's starts more than 5 ms behind their due time, in the step.",
    (s) => s.late,
  );
  perRunner(
    'runner_late_p99_seconds',
    "The p99 of how far a load generator's starts were behind their due time, in the step.",
    (s) => (s.lateP99Ms === null ? null : s.lateP99Ms / 1000),
  );
  gauge(
    'alerts_received',
    'Alert notifications the webhook received, by alert and status.',
    ['alertname', 'status'],
    (g) => {
      for (const a of view().alerts) g.inc({ alertname: a.alertname, status: a.status });
    },
  );
}
