import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Locale } from '../../common/i18n/index.js';
import { newDashboard } from './new-dashboard.js';
import { barGaugePanel, dashedThresholds, logScale, timeseriesPanel } from './panel-kinds.js';
import { promQuery } from './query.js';
import { type DashboardText, panelText } from './text.js';
import { greenFrom, redFrom } from './thresholds.js';
import { compareRunVariable, compareVariable, experimentVariable, strategyVariable } from './variables.js';

/**
 * The strategies of a compare run side by side: the collector labels every client series with
 * the strategy its clients went through (`busybench collect --strategy`, passed by `busybench run`
 * and `compare`), so each panel is one series per strategy. A compare run plays the strategies
 * one after another, each under its own run id, all labelled with the compare run's id and the
 * experiment: pick the compare run and experiment (the runs follow) and the time range that
 * covers them; the bottom row sums up that range, one bar per strategy.
 */
const SEL = 'compare=~"$compare",experiment=~"$experiment",run_id=~"$run_id",strategy=~"$strategy"';
const REQ = `busybench_client_requests_total{${SEL}}`;
const OK = `busybench_client_requests_total{${SEL},outcome="ok"}`;
const BUCKETS = `busybench_client_request_duration_seconds_bucket{${SEL}}`;
const PER_STRATEGY = { legend: '{{strategy}}' };

export function strategyComparison(t: DashboardText, locale: Locale): Dashboard {
  const text = (id: Parameters<typeof panelText>[1]) => panelText(t, id);
  return newDashboard(t, locale, {
    uid: 'busybench-strategy-comparison',
    title: t['strategyComparison.title'],
    description: t['strategyComparison.description'],
    variables: [compareVariable(t), experimentVariable(t), compareRunVariable(t), strategyVariable(t)],
    rows: [
      {
        title: t['strategyComparison.row.outcome'],
        panels: [
          timeseriesPanel(
            text('strategyComparison.success'),
            promQuery(
              `sum by (strategy) (rate(${OK}[$__rate_interval])) / sum by (strategy) (rate(${REQ}[$__rate_interval]))`,
              PER_STRATEGY,
            ),
          )
            .unit('percentunit')
            .max(1)
            .thresholds(greenFrom(0.9995))
            .thresholdsStyle(dashedThresholds()),
          timeseriesPanel(
            text('strategyComparison.p99'),
            promQuery(
              `histogram_quantile(0.99, sum by (le, strategy) (rate(${BUCKETS}[$__rate_interval])))`,
              PER_STRATEGY,
            ),
          )
            .unit('s')
            .scaleDistribution(logScale())
            .thresholds(redFrom(0.8))
            .thresholdsStyle(dashedThresholds()),
        ],
      },
      {
        title: t['strategyComparison.row.load'],
        panels: [
          timeseriesPanel(
            text('strategyComparison.rps'),
            promQuery(`sum by (strategy) (rate(${REQ}[$__rate_interval]))`, {
              legend: t['legend.strategyAchieved'],
            }),
            promQuery(`max by (strategy) (busybench_client_current_target_rps{${SEL}})`, {
              legend: t['legend.strategyTarget'],
            }),
          ).unit('reqps'),
          // Goodput is a per-step figure: the best step so far is the scoreboard's peak goodput.
          timeseriesPanel(
            text('strategyComparison.goodput'),
            promQuery(`max by (strategy) (busybench_client_goodput{${SEL}})`, PER_STRATEGY),
          ).unit('reqps'),
        ],
      },
      {
        title: t['strategyComparison.row.errors'],
        panels: [
          timeseriesPanel(
            text('strategyComparison.ttftP99'),
            promQuery(
              `histogram_quantile(0.99, sum by (le, strategy) (rate(busybench_client_ttft_seconds_bucket{${SEL}}[$__rate_interval])))`,
              PER_STRATEGY,
            ),
          )
            .unit('s')
            .scaleDistribution(logScale())
            .thresholds(redFrom(2))
            .thresholdsStyle(dashedThresholds()),
          // Not stacked: a stack would add one strategy's errors onto another's.
          timeseriesPanel(
            text('strategyComparison.errorsByClass'),
            promQuery(
              `sum by (strategy, outcome) (rate(busybench_client_requests_total{${SEL},outcome!="ok"}[$__rate_interval]))`,
              { legend: '{{strategy}} {{outcome}}' },
            ),
          ).unit('reqps'),
        ],
      },
      {
        title: t['strategyComparison.row.kpis'],
        panels: [
          timeseriesPanel(
            text('strategyComparison.amplification'),
            promQuery(`max by (strategy) (busybench_client_amplification{${SEL}})`, PER_STRATEGY),
          )
            .thresholds(redFrom(2))
            .thresholdsStyle(dashedThresholds())
            .span(24),
        ],
      },
      {
        title: t['strategyComparison.row.summary'],
        panels: [
          barGaugePanel(
            text('strategyComparison.successRange'),
            promQuery(
              `sum by (strategy) (increase(${OK}[$__range])) / sum by (strategy) (increase(${REQ}[$__range]))`,
              { ...PER_STRATEGY, instant: true },
            ),
          )
            .unit('percentunit')
            .decimals(3)
            .thresholds(greenFrom(0.9995))
            .span(8),
          barGaugePanel(
            text('strategyComparison.p99Range'),
            promQuery(`histogram_quantile(0.99, sum by (le, strategy) (increase(${BUCKETS}[$__range])))`, {
              ...PER_STRATEGY,
              instant: true,
            }),
          )
            .unit('s')
            .thresholds(redFrom(0.8))
            .span(8),
          barGaugePanel(
            text('strategyComparison.peakGoodput'),
            promQuery(`max by (strategy) (max_over_time(busybench_client_goodput{${SEL}}[$__range]))`, {
              ...PER_STRATEGY,
              instant: true,
            }),
          )
            .unit('reqps')
            .span(8),
        ],
      },
    ],
  });
}
