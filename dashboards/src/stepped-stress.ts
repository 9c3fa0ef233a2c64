import { dashboard, type PanelSpec } from './panels.js';

/** What the load generator saw, step by step: the dashboard to watch a stepped stress test by. */
const RUN = 'run_id=~"$run_id"';
const REQ = `busybench_client_requests_total{${RUN}}`;
const BUCKETS = `busybench_client_request_duration_seconds_bucket{${RUN}}`;

const quantile = (q: number) => ({
  expr: `histogram_quantile(${q}, sum by (le) (rate(${BUCKETS}[$__rate_interval])))`,
  legend: `p${q * 100}`,
});

const load: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Requests per second: target vs achieved',
    description:
      "The step's arrival rate against what the load generator completed; a gap means the load generator or the system fell behind.",
    unit: 'reqps',
    queries: [
      { expr: `max(busybench_client_current_target_rps{${RUN}})`, legend: 'target' },
      { expr: `sum(rate(${REQ}[$__rate_interval]))`, legend: 'achieved' },
      { expr: `sum(rate(${REQ.replace('}', ',outcome="ok"}')}[$__rate_interval]))`, legend: 'succeeded' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Latency percentiles',
    unit: 's',
    logScale: true,
    queries: [quantile(0.5), quantile(0.9), quantile(0.99)],
  },
  {
    kind: 'stat',
    title: 'Current step',
    w: 4,
    h: 5,
    queries: [{ expr: `max(busybench_client_current_step{${RUN}})` }],
  },
  {
    kind: 'stat',
    title: 'SLA',
    description: '1: every SLA line holds at every step so far.',
    w: 4,
    h: 5,
    threshold: 1,
    thresholdsReversed: true,
    queries: [{ expr: `min(busybench_client_sla_ok{${RUN}})` }],
  },
  {
    kind: 'stat',
    title: 'Knee (req/s)',
    description: 'Target rate of the knee: the last step before the first that broke an SLA line.',
    w: 4,
    h: 5,
    unit: 'reqps',
    queries: [{ expr: `max(busybench_client_knee_target_rps{${RUN}})` }],
  },
  {
    kind: 'stat',
    title: 'Dropped iterations',
    w: 4,
    h: 5,
    threshold: 1,
    queries: [{ expr: `sum(busybench_client_dropped_iterations_total{${RUN}})` }],
  },
  {
    kind: 'stat',
    title: 'Alerts received',
    w: 4,
    h: 5,
    threshold: 1,
    queries: [{ expr: `sum(busybench_client_alerts_received{${RUN},status="firing"}) or vector(0)` }],
  },
  {
    kind: 'stat',
    title: 'Success ratio (run)',
    w: 4,
    h: 5,
    unit: 'percentunit',
    threshold: 0.9995,
    thresholdsReversed: true,
    queries: [{ expr: `sum(${REQ.replace('}', ',outcome="ok"}')}) / sum(${REQ})` }],
  },
];

const errors: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Errors by class',
    unit: 'reqps',
    stack: true,
    queries: [
      {
        expr: `sum by (outcome) (rate(${REQ.replace('}', ',outcome!="ok"}')}[$__rate_interval]))`,
        legend: '{{outcome}}',
      },
    ],
  },
  {
    kind: 'heatmap',
    title: 'Latency heatmap',
    unit: 's',
    queries: [
      { expr: `sum by (le) (increase(${BUCKETS}[$__rate_interval]))`, legend: '{{le}}', format: 'heatmap' },
    ],
  },
];

const perStep: PanelSpec[] = [
  {
    kind: 'bargauge',
    title: 'Success ratio per step',
    unit: 'percentunit',
    min: 0.99,
    max: 1,
    threshold: 0.9995,
    thresholdsReversed: true,
    queries: [
      {
        expr: `max by (step) (busybench_client_success_ratio{${RUN}})`,
        legend: 'step {{step}}',
        instant: true,
      },
    ],
  },
  {
    kind: 'bargauge',
    title: 'p99 per step (exact, HDR)',
    unit: 's',
    threshold: 0.8,
    queries: [
      {
        expr: `max by (step) (busybench_client_latency_seconds{${RUN},quantile="0.99"})`,
        legend: 'step {{step}}',
        instant: true,
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Goodput per step',
    description: 'Successful responses within the SLA latency, per second.',
    unit: 'reqps',
    queries: [{ expr: `max by (step) (busybench_client_goodput{${RUN}})`, legend: 'step {{step}}' }],
  },
  {
    kind: 'timeseries',
    title: 'Achieved vs target per step',
    unit: 'reqps',
    queries: [
      {
        expr: `max by (step) (busybench_client_step_achieved_rps{${RUN}})`,
        legend: 'achieved, step {{step}}',
      },
      { expr: `max by (step) (busybench_client_step_target_rps{${RUN}})`, legend: 'target, step {{step}}' },
    ],
  },
];

const kpis: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Amplification per step',
    description: 'Upstream attempts per request sent (retry storm when >> 1).',
    threshold: 2,
    queries: [{ expr: `max by (step) (busybench_client_amplification{${RUN}})`, legend: 'step {{step}}' }],
  },
  {
    kind: 'timeseries',
    title: 'Error masking per step',
    description: "Share of the upstream's error rate the strategy hid from clients.",
    unit: 'percentunit',
    queries: [{ expr: `max by (step) (busybench_client_error_masking{${RUN}})`, legend: 'step {{step}}' }],
  },
  {
    kind: 'bargauge',
    title: 'Recovery time after fault phases',
    unit: 's',
    queries: [
      {
        expr: `max by (scenario, phase) (busybench_client_recovery_seconds{${RUN}})`,
        legend: '{{phase}}',
        instant: true,
      },
    ],
  },
];

export const steppedStress = dashboard({
  uid: 'busybench-stepped-stress',
  title: 'busybench / Stepped stress',
  description:
    'A stress test as the load generator saw it: load, latency, errors, SLA per step and the resilience KPIs.',
  runMetric: 'busybench_client_requests_total',
  rows: [
    { title: 'Load and latency', panels: load },
    { title: 'Errors', panels: errors },
    { title: 'Per step', panels: perStep },
    { title: 'Resilience KPIs', panels: kpis },
  ],
});
