import { dashboard, type PanelSpec } from './panels.js';

/** The SLO (success >= 99.95 %) as burn rates, error budget and the alerts they raise. */
const RUN = 'run_id=~"$run_id"';
const BUDGET = 0.0005;
const burn = (window: string) => ({
  expr: `max(busybench:client_error_ratio:rate${window}{${RUN}}) / ${BUDGET}`,
  legend: window,
});

const burnRates: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Burn rate, compressed windows (benchmark)',
    description: 'Error ratio / error budget; pages at 14.4x (1m and 5s) and 6x (6m and 30s).',
    threshold: 14.4,
    queries: [burn('5s'), burn('30s'), burn('1m'), burn('6m')],
  },
  {
    kind: 'timeseries',
    title: 'Burn rate, SRE workbook windows',
    description: 'Pages at 14.4x (1h and 5m) and 6x (6h and 30m); ticket at 1x (3d and 6h).',
    threshold: 14.4,
    queries: [burn('5m'), burn('30m'), burn('1h'), burn('6h')],
  },
  {
    kind: 'stat',
    title: 'Error budget left (30 days)',
    unit: 'percentunit',
    w: 6,
    threshold: 0,
    thresholdsReversed: true,
    queries: [{ expr: `min(busybench:slo_error_budget_remaining:30d{${RUN}})` }],
  },
  {
    kind: 'timeseries',
    title: 'Success ratio (1 m)',
    unit: 'percentunit',
    w: 18,
    threshold: 1 - BUDGET,
    thresholdsReversed: true,
    queries: [{ expr: `1 - max(busybench:client_error_ratio:rate1m{${RUN}})`, legend: 'success' }],
  },
];

const alerts: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Alerts firing',
    stack: true,
    queries: [{ expr: 'count by (alertname) (ALERTS{alertstate="firing"})', legend: '{{alertname}}' }],
  },
  {
    kind: 'table',
    title: 'Alerts now',
    queries: [{ expr: 'ALERTS', format: 'table', instant: true }],
  },
  {
    kind: 'timeseries',
    title: "Notifications the collector's webhook received",
    queries: [
      {
        expr: `sum by (alertname, status) (busybench_client_alerts_received{${RUN}})`,
        legend: '{{alertname}} {{status}}',
      },
    ],
  },
];

export const sloAlerts = dashboard({
  uid: 'busybench-slo-alerts',
  title: 'busybench / SLO and alerts',
  description: 'Burn rates of the success SLO in SRE-workbook and compressed windows, error budget, alerts.',
  runMetric: 'busybench_client_requests_total',
  rows: [
    { title: 'Burn rates and budget', panels: burnRates },
    { title: 'Alerts', panels: alerts },
  ],
});
