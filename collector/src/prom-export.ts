import { Gauge, Registry } from 'prom-client';
import { FastHistogram, LLM_LATENCY_BUCKETS } from '../../mock-server/src/metrics/fast-metrics.js';
import type { RunStats, StepStats } from './step-stats.js';

/**
 * The client's view for Prometheus, computed from the run's histograms when scraped (nothing on
 * the ingest path). Labels stay low-cardinality: run id, step, target rate, outcome, quantile.
 */
export type StepKpis = (step: StepStats) => { amplification: number | null; errorMasking: number | null };

export function clientMetrics(run: RunStats, runId: string, kpis?: StepKpis): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ run_id: runId });
  const p = 'busybench_client_';
  // Counters would be reset-and-set on every scrape; gauges say the same honestly.
  new Gauge({
    name: `${p}requests`,
    help: 'Requests k6 completed, by step and outcome (ok or error class), so far.',
    labelNames: ['step', 'target_rate', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of run.steps.values()) {
        for (const [outcome, n] of s.counts)
          this.set({ step: String(s.step), target_rate: String(s.targetRate), outcome }, n);
      }
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
  perStep('goodput', 'Successful responses within the latency SLA, per second, per step.', (s) => s.goodput);
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
  new Gauge({
    name: `${p}dropped_iterations`,
    help: 'Arrivals k6 could not start (the load generator fell behind).',
    registers: [registry],
    collect() {
      this.set(run.droppedIterations);
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
  return registry;
}
