import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import type { Locale } from '../../common/i18n/index.js';
import { newDashboard } from './new-dashboard.js';
import {
  barGaugePanel,
  dashedThresholds,
  heatmapPanel,
  logScale,
  stacked,
  statPanel,
  timeseriesPanel,
} from './panel-kinds.js';
import { promQuery } from './query.js';
import { type DashboardText, panelText } from './text.js';
import { greenFrom, redFrom } from './thresholds.js';
import { runVariable } from './variables.js';

/** What the load generator saw, step by step: the dashboard to watch a stepped stress test by. */
const RUN = 'run_id=~"$run_id"';
const REQ = `busybench_client_requests_total{${RUN}}`;
const OK = `busybench_client_requests_total{${RUN},outcome="ok"}`;
const BUCKETS = `busybench_client_request_duration_seconds_bucket{${RUN}}`;

const quantile = (q: number) =>
  promQuery(`histogram_quantile(${q}, sum by (le) (rate(${BUCKETS}[$__rate_interval])))`, {
    legend: `p${q * 100}`,
  });

export function steppedStress(t: DashboardText, locale: Locale): Dashboard {
  const text = (id: Parameters<typeof panelText>[1]) => panelText(t, id);
  const perStep = t['legend.step'];
  return newDashboard(t, locale, {
    uid: 'busybench-stepped-stress',
    title: t['steppedStress.title'],
    description: t['steppedStress.description'],
    variables: [runVariable(t)],
    rows: [
      {
        title: t['steppedStress.row.load'],
        panels: [
          timeseriesPanel(
            text('steppedStress.targetVsAchieved'),
            promQuery(`max(busybench_client_current_target_rps{${RUN}})`, { legend: t['legend.target'] }),
            promQuery(`sum(rate(${REQ}[$__rate_interval]))`, { legend: t['legend.achieved'] }),
            promQuery(`sum(rate(${OK}[$__rate_interval]))`, { legend: t['legend.succeeded'] }),
          ).unit('reqps'),
          timeseriesPanel(text('steppedStress.latency'), quantile(0.5), quantile(0.9), quantile(0.99))
            .unit('s')
            .scaleDistribution(logScale()),
          statPanel(
            text('steppedStress.currentStep'),
            promQuery(`max(busybench_client_current_step{${RUN}})`),
          )
            .span(4)
            .height(5),
          statPanel(text('steppedStress.sla'), promQuery(`min(busybench_client_sla_ok{${RUN}})`))
            .thresholds(greenFrom(1))
            .span(4)
            .height(5),
          statPanel(text('steppedStress.knee'), promQuery(`max(busybench_client_knee_target_rps{${RUN}})`))
            .unit('reqps')
            .span(4)
            .height(5),
          statPanel(
            text('steppedStress.dropped'),
            promQuery(`sum(busybench_client_dropped_iterations_total{${RUN}})`),
          )
            .thresholds(redFrom(1))
            .span(4)
            .height(5),
          statPanel(
            text('steppedStress.alertsReceived'),
            promQuery(`sum(busybench_client_alerts_received{${RUN},status="firing"}) or vector(0)`),
          )
            .thresholds(redFrom(1))
            .span(4)
            .height(5),
          statPanel(text('steppedStress.successRun'), promQuery(`sum(${OK}) / sum(${REQ})`))
            .unit('percentunit')
            .thresholds(greenFrom(0.9995))
            .span(4)
            .height(5),
        ],
      },
      {
        title: t['steppedStress.row.errors'],
        panels: [
          timeseriesPanel(
            text('steppedStress.errorsByClass'),
            promQuery(
              `sum by (outcome) (rate(busybench_client_requests_total{${RUN},outcome!="ok"}[$__rate_interval]))`,
              { legend: '{{outcome}}' },
            ),
          )
            .unit('reqps')
            .stacking(stacked())
            .fillOpacity(60),
          heatmapPanel(
            text('steppedStress.heatmap'),
            's',
            promQuery(`sum by (le) (increase(${BUCKETS}[$__rate_interval]))`, {
              legend: '{{le}}',
              format: PromQueryFormat.Heatmap,
            }),
          ),
        ],
      },
      {
        title: t['steppedStress.row.perStep'],
        panels: [
          barGaugePanel(
            text('steppedStress.successPerStep'),
            promQuery(`max by (step) (busybench_client_success_ratio{${RUN}})`, {
              legend: perStep,
              instant: true,
            }),
          )
            .unit('percentunit')
            .min(0.99)
            .max(1)
            .thresholds(greenFrom(0.9995)),
          barGaugePanel(
            text('steppedStress.p99PerStep'),
            promQuery(`max by (step) (busybench_client_latency_seconds{${RUN},quantile="0.99"})`, {
              legend: perStep,
              instant: true,
            }),
          )
            .unit('s')
            .thresholds(redFrom(0.8)),
          timeseriesPanel(
            text('steppedStress.meanPerStep'),
            promQuery(`max by (step) (busybench_client_latency_mean_seconds{${RUN}})`, { legend: perStep }),
            promQuery(`max(busybench_client_sla_threshold{${RUN},kind="latency",key="avg"})`, {
              legend: t['legend.slaLine'],
            }),
          ).unit('s'),
          timeseriesPanel(
            text('steppedStress.queuePerStep'),
            promQuery(`max by (step) (busybench_client_queue_length_peak{${RUN}})`, { legend: perStep }),
            promQuery(`max(busybench_client_sla_threshold{${RUN},kind="queue"})`, {
              legend: t['legend.slaLine'],
            }),
          ),
          timeseriesPanel(
            text('steppedStress.goodputPerStep'),
            promQuery(`max by (step) (busybench_client_goodput{${RUN}})`, { legend: perStep }),
          ).unit('reqps'),
          timeseriesPanel(
            text('steppedStress.achievedPerStep'),
            promQuery(`max by (step) (busybench_client_step_achieved_rps{${RUN}})`, {
              legend: t['legend.achievedStep'],
            }),
            promQuery(`max by (step) (busybench_client_step_target_rps{${RUN}})`, {
              legend: t['legend.targetStep'],
            }),
          ).unit('reqps'),
        ],
      },
      {
        title: t['steppedStress.row.kpis'],
        panels: [
          timeseriesPanel(
            text('steppedStress.amplification'),
            promQuery(`max by (step) (busybench_client_amplification{${RUN}})`, { legend: perStep }),
          )
            .thresholds(redFrom(2))
            .thresholdsStyle(dashedThresholds()),
          timeseriesPanel(
            text('steppedStress.masking'),
            promQuery(`max by (step) (busybench_client_error_masking{${RUN}})`, { legend: perStep }),
          ).unit('percentunit'),
          barGaugePanel(
            text('steppedStress.recovery'),
            promQuery(`max by (scenario, phase) (busybench_client_recovery_seconds{${RUN}})`, {
              legend: '{{phase}}',
              instant: true,
            }),
          ).unit('s'),
        ],
      },
      {
        // Only a run whose requests carried user_ids has these series (prom-export.ts).
        title: t['steppedStress.row.users'],
        panels: [
          statPanel(text('steppedStress.users'), promQuery(`max(busybench_client_users{${RUN}})`))
            .span(8)
            .height(5),
          statPanel(
            text('steppedStress.usersWorstSuccess'),
            promQuery(`min(busybench_client_users_worst_success_ratio{${RUN}})`),
          )
            .unit('percentunit')
            .thresholds(greenFrom(0.9995))
            .span(8)
            .height(5),
          statPanel(
            text('steppedStress.usersJain'),
            promQuery(`min(busybench_client_users_jain_index{${RUN}})`),
          )
            .decimals(3)
            .thresholds(greenFrom(0.95))
            .span(8)
            .height(5),
        ],
      },
    ],
  });
}
