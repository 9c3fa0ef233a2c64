import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Locale } from '../../common/i18n/index.js';
import { newDashboard } from './new-dashboard.js';
import { stacked, stateTimelinePanel, timeseriesPanel } from './panel-kinds.js';
import { promQuery } from './query.js';
import { type DashboardText, panelText } from './text.js';

/** The mock nodes' ground truth: what the upstream really served, refused and held. */
const M = 'busybench_mock_';
const NODE = 'job=~"busybench-mock"';

const mockQuantile = (q: number) =>
  promQuery(
    `histogram_quantile(${q}, sum by (le) (rate(${M}ttft_seconds_bucket{${NODE}}[$__rate_interval])))`,
    {
      legend: `p${q * 100}`,
    },
  );

export function mockUpstream(t: DashboardText, locale: Locale): Dashboard {
  const text = (id: Parameters<typeof panelText>[1]) => panelText(t, id);
  return newDashboard(t, locale, {
    uid: 'busybench-mock-upstream',
    title: t['mockUpstream.title'],
    description: t['mockUpstream.description'],
    // The mock's series carry no run: it is one process serving whatever comes.
    variables: [],
    rows: [
      {
        title: t['mockUpstream.row.traffic'],
        panels: [
          timeseriesPanel(
            text('mockUpstream.servedPerNode'),
            promQuery(`sum by (node) (rate(${M}requests_total{${NODE}}[$__rate_interval]))`, {
              legend: '{{node}}',
            }),
          ).unit('reqps'),
          timeseriesPanel(
            text('mockUpstream.byStatus'),
            promQuery(`sum by (status) (rate(${M}requests_total{${NODE}}[$__rate_interval]))`, {
              legend: '{{status}}',
            }),
          )
            .unit('reqps')
            .stacking(stacked())
            .fillOpacity(60),
          timeseriesPanel(
            text('mockUpstream.faults'),
            promQuery(`sum by (kind) (rate(${M}injected_faults_total{${NODE}}[$__rate_interval]))`, {
              legend: '{{kind}}',
            }),
          )
            .unit('reqps')
            .stacking(stacked())
            .fillOpacity(60),
          timeseriesPanel(
            text('mockUpstream.refused'),
            promQuery(`sum by (limit) (rate(${M}limit_rejections_total{${NODE}}[$__rate_interval]))`, {
              legend: '{{limit}}',
            }),
          )
            .unit('reqps')
            .stacking(stacked())
            .fillOpacity(60),
        ],
      },
      {
        title: t['mockUpstream.row.capacity'],
        panels: [
          timeseriesPanel(
            text('mockUpstream.accountConcurrency'),
            promQuery(`sum by (account, group) (${M}account_in_flight{${NODE}})`, {
              legend: t['legend.inFlightAccount'],
            }),
            promQuery(`max by (account, group) (${M}account_concurrency_limit{${NODE}})`, {
              legend: t['legend.limitAccount'],
            }),
          ),
          timeseriesPanel(
            text('mockUpstream.nodeLoad'),
            promQuery(`${M}in_flight{${NODE}}`, { legend: t['legend.inFlightNode'] }),
            promQuery(`${M}queued{${NODE}}`, { legend: t['legend.queuedNode'] }),
            promQuery(`${M}held{${NODE}}`, { legend: t['legend.heldNode'] }),
            promQuery(`${M}capacity{${NODE}}`, { legend: t['legend.capacityNode'] }),
          ),
          timeseriesPanel(text('mockUpstream.ttft'), mockQuantile(0.5), mockQuantile(0.99)).unit('s'),
          timeseriesPanel(
            text('mockUpstream.tokens'),
            promQuery(`sum by (kind) (rate(${M}tokens_total{${NODE}}[$__rate_interval]))`, {
              legend: '{{kind}}',
            }),
          )
            .unit('short')
            .stacking(stacked())
            .fillOpacity(60),
        ],
      },
      {
        title: t['mockUpstream.row.scenario'],
        panels: [
          stateTimelinePanel(
            text('mockUpstream.scenarioPhase'),
            promQuery(`max by (phase) (${M}scenario_phase{${NODE}}) > 0`, { legend: '{{phase}}' }),
          )
            .span(24)
            .height(5),
          timeseriesPanel(
            text('mockUpstream.faultPhase'),
            promQuery(`max(${M}scenario_fault{${NODE}})`, { legend: t['legend.fault'] }),
          )
            .max(1)
            .height(5),
          timeseriesPanel(
            text('mockUpstream.targetsUp'),
            promQuery('up{job=~"busybench-.*"}', { legend: '{{job}} {{instance}}' }),
          )
            .max(1)
            .height(5),
        ],
      },
    ],
  });
}
