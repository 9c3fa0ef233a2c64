import { dashboard, type PanelSpec } from './panels.js';

/** The mock nodes' ground truth: what the upstream really served, refused and held. */
const M = 'busybench_mock_';
const NODE = 'job=~"busybench-mock"';

const traffic: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Served per node',
    unit: 'reqps',
    queries: [
      { expr: `sum by (node) (rate(${M}requests_total{${NODE}}[$__rate_interval]))`, legend: '{{node}}' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Answers by status',
    unit: 'reqps',
    stack: true,
    queries: [
      { expr: `sum by (status) (rate(${M}requests_total{${NODE}}[$__rate_interval]))`, legend: '{{status}}' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Injected faults by kind',
    unit: 'reqps',
    stack: true,
    queries: [
      {
        expr: `sum by (kind) (rate(${M}injected_faults_total{${NODE}}[$__rate_interval]))`,
        legend: '{{kind}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Refused by busy rules',
    description: 'Concurrency, RPM and TPM limits (429) and capacity (503), by rule.',
    unit: 'reqps',
    stack: true,
    queries: [
      {
        expr: `sum by (limit) (rate(${M}limit_rejections_total{${NODE}}[$__rate_interval]))`,
        legend: '{{limit}}',
      },
    ],
  },
];

const capacity: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Account concurrency vs limit',
    queries: [
      {
        expr: `sum by (account, group) (${M}account_in_flight{${NODE}})`,
        legend: 'in flight {{account}}/{{group}}',
      },
      {
        expr: `max by (account, group) (${M}account_concurrency_limit{${NODE}})`,
        legend: 'limit {{account}}/{{group}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Node load: in flight, queued, held vs capacity',
    queries: [
      { expr: `${M}in_flight{${NODE}}`, legend: 'in flight {{node}}' },
      { expr: `${M}queued{${NODE}}`, legend: 'queued {{node}}' },
      { expr: `${M}held{${NODE}}`, legend: 'held {{node}}' },
      { expr: `${M}capacity{${NODE}}`, legend: 'capacity {{node}}' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Time to first token (mock)',
    unit: 's',
    queries: [
      {
        expr: `histogram_quantile(0.5, sum by (le) (rate(${M}ttft_seconds_bucket{${NODE}}[$__rate_interval])))`,
        legend: 'p50',
      },
      {
        expr: `histogram_quantile(0.99, sum by (le) (rate(${M}ttft_seconds_bucket{${NODE}}[$__rate_interval])))`,
        legend: 'p99',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Tokens served',
    unit: 'short',
    stack: true,
    queries: [
      { expr: `sum by (kind) (rate(${M}tokens_total{${NODE}}[$__rate_interval]))`, legend: '{{kind}}' },
    ],
  },
];

const scenario: PanelSpec[] = [
  {
    kind: 'state-timeline',
    title: 'Scenario phase',
    w: 24,
    h: 5,
    queries: [{ expr: `max by (phase) (${M}scenario_phase{${NODE}}) > 0`, legend: '{{phase}}' }],
  },
  {
    kind: 'timeseries',
    title: 'Fault phase playing',
    w: 12,
    h: 5,
    max: 1,
    queries: [{ expr: `max(${M}scenario_fault{${NODE}})`, legend: 'fault' }],
  },
  {
    kind: 'timeseries',
    title: 'Scrape targets up',
    w: 12,
    h: 5,
    max: 1,
    queries: [{ expr: 'up{job=~"busybench-.*"}', legend: '{{job}} {{instance}}' }],
  },
];

export const mockUpstream = dashboard({
  uid: 'busybench-mock-upstream',
  title: 'busybench / Mock upstream',
  description:
    'Ground truth per mock node: served, injected faults, concurrency against limits, held connections, tokens.',
  runMetric: null,
  rows: [
    { title: 'Traffic', panels: traffic },
    { title: 'Capacity and latency', panels: capacity },
    { title: 'Scenario', panels: scenario },
  ],
});
