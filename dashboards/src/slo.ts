import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Locale } from '../../common/i18n/index.js';
import { newDashboard } from './new-dashboard.js';
import { dashedThresholds, logScale, statPanel, timeseriesPanel } from './panel-kinds.js';
import { promQuery } from './query.js';
import { type DashboardText, panelText } from './text.js';
import { budgetLevels, burnLevels, greenFrom, neutral, redFrom } from './thresholds.js';
import { runVariable, sloServiceVariable, sloVariable } from './variables.js';

/**
 * The SLOs as code (alerts/slos/busybench.sloth.yml) through the recording rules Sloth generated
 * from it: `slo:*` series labelled sloth_service and sloth_slo (and run_id, strategy, priority
 * where the SLI has them). Nothing here names an SLO or a window: the panels follow whatever the
 * loaded rules hold (the local stack and docker-compose load the compressed variant, service
 * `busybench-compressed`), and the burn-by-window panel repeats for each SLO chosen.
 * Beside them, the client's LLM signals those SLIs are made from.
 */
const SLO = 'sloth_service=~"$sloth_service",sloth_slo=~"$sloth_slo"';
/** Sloth's SLI series carry the run; its meta series (objective, budget) do not. */
const SLO_RUN = `${SLO},run_id=~"$run_id"`;
const RUN = 'run_id=~"$run_id"';
/** One series per service, SLO and priority class (the by-class SLOs; empty for the others). */
const PER_SLO = 'sloth_service, sloth_slo, priority';
const SLO_LEGEND = '{{sloth_slo}} {{priority}} ({{sloth_service}})';

const clientQuantile = (metric: string, q: number, legend = `p${q * 100}`) =>
  promQuery(
    `histogram_quantile(${q}, sum by (le) (rate(busybench_client_${metric}_bucket{${RUN}}[$__rate_interval])))`,
    { legend },
  );

const CUT = `busybench_client_requests_total{${RUN},outcome="truncated"}`;
const ALL = `busybench_client_requests_total{${RUN}}`;

export function slo(t: DashboardText, locale: Locale): Dashboard {
  const text = (id: Parameters<typeof panelText>[1]) => panelText(t, id);
  return newDashboard(t, locale, {
    uid: 'busybench-slo',
    title: t['slo.title'],
    description: t['slo.description'],
    variables: [runVariable(t), sloServiceVariable(t), sloVariable(t)],
    rows: [
      {
        title: t['slo.row.budget'],
        panels: [
          statPanel(
            text('slo.budgetLeft'),
            promQuery(`min by (${PER_SLO}) (slo:period_error_budget_remaining:ratio{${SLO_RUN}})`, {
              legend: SLO_LEGEND,
            }),
          )
            .unit('percentunit')
            .thresholds(budgetLevels())
            .span(8),
          statPanel(
            text('slo.objectives'),
            promQuery(`max by (sloth_service, sloth_slo) (slo:objective:ratio{${SLO}})`, {
              legend: '{{sloth_slo}} ({{sloth_service}})',
            }),
          )
            .unit('percentunit')
            .decimals(2)
            .thresholds(neutral())
            .span(4),
          timeseriesPanel(
            text('slo.budgetOverTime'),
            promQuery(`min by (${PER_SLO}) (slo:period_error_budget_remaining:ratio{${SLO_RUN}})`, {
              legend: SLO_LEGEND,
            }),
          )
            .unit('percentunit')
            .thresholds(greenFrom(0))
            .thresholdsStyle(dashedThresholds()),
        ],
      },
      {
        title: t['slo.row.burn'],
        panels: [
          timeseriesPanel(
            text('slo.currentBurn'),
            promQuery(`max by (${PER_SLO}) (slo:current_burn_rate:ratio{${SLO_RUN}})`, {
              legend: SLO_LEGEND,
            }),
          )
            .thresholds(burnLevels())
            .thresholdsStyle(dashedThresholds()),
          timeseriesPanel(
            text('slo.periodBurn'),
            promQuery(`max by (${PER_SLO}) (slo:period_burn_rate:ratio{${SLO_RUN}})`, { legend: SLO_LEGEND }),
          )
            .thresholds(redFrom(1))
            .thresholdsStyle(dashedThresholds()),
          // Every window's SLI (slo:sli_error:ratio_rate5s … _rate12h, or 5m … 30d) over the
          // SLO's budget: the windows come from the rules, whichever variant is loaded.
          timeseriesPanel(
            text('slo.burnByWindow'),
            promQuery(
              `max by (sloth_service, sloth_slo, sloth_window, priority) ({__name__=~"slo:sli_error:ratio_rate.+",${SLO_RUN}})` +
                ` / on (sloth_service, sloth_slo) group_left max by (sloth_service, sloth_slo) (slo:error_budget:ratio{${SLO}})`,
              { legend: '{{sloth_window}} {{priority}}' },
            ),
          )
            .thresholds(burnLevels())
            .thresholdsStyle(dashedThresholds())
            .repeat('sloth_slo')
            .repeatDirection('h')
            .maxPerRow(2),
        ],
      },
      {
        title: t['slo.row.ttft'],
        panels: [
          timeseriesPanel(
            text('slo.ttftQuantiles'),
            clientQuantile('ttft_seconds', 0.5),
            clientQuantile('ttft_seconds', 0.99),
          )
            .unit('s')
            .thresholds(redFrom(2))
            .thresholdsStyle(dashedThresholds())
            .scaleDistribution(logScale()),
          // The TTFT SLI as Sloth computes it: 2 s is one of the histogram's bounds, so exact.
          timeseriesPanel(
            text('slo.ttftUnder2s'),
            promQuery(
              `sum(rate(busybench_client_ttft_seconds_bucket{${RUN},le="2"}[$__rate_interval]))` +
                ` / sum(rate(busybench_client_ttft_seconds_count{${RUN}}[$__rate_interval]))`,
              { legend: '≤ 2 s' },
            ),
          )
            .unit('percentunit')
            .max(1)
            .thresholds(greenFrom(0.99))
            .thresholdsStyle(dashedThresholds()),
          timeseriesPanel(
            text('slo.interToken'),
            clientQuantile('inter_token_seconds', 0.5),
            clientQuantile('inter_token_seconds', 0.99),
          )
            .unit('s')
            .scaleDistribution(logScale()),
          // Faster is better here: the slow tail is the low quantile.
          timeseriesPanel(
            text('slo.outputSpeed'),
            clientQuantile('output_tokens_per_second', 0.5),
            clientQuantile('output_tokens_per_second', 0.1, t['legend.slowest10']),
          ).unit('short'),
        ],
      },
      {
        title: t['slo.row.streams'],
        panels: [
          timeseriesPanel(
            text('slo.cutShort'),
            promQuery(`sum(rate(${CUT}[$__rate_interval])) / sum(rate(${ALL}[$__rate_interval]))`, {
              legend: 'truncated',
            }),
          )
            .unit('percentunit')
            .thresholds(redFrom(0.001))
            .thresholdsStyle(dashedThresholds())
            .span(16),
          statPanel(text('slo.wholeRun'), promQuery(`1 - sum(${CUT}) / sum(${ALL})`))
            .unit('percentunit')
            .decimals(3)
            .thresholds(greenFrom(0.999))
            .span(8),
        ],
      },
    ],
  });
}
