import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import type { Locale } from '../../common/i18n/index.js';
import { newDashboard } from './new-dashboard.js';
import { dashedThresholds, stacked, statPanel, tablePanel, timeseriesPanel } from './panel-kinds.js';
import { promQuery } from './query.js';
import { type DashboardText, panelText } from './text.js';
import { greenFrom, redFrom } from './thresholds.js';
import { runVariable } from './variables.js';

/**
 * The success SLO (>= 99.95 %) from the hand-written recording rules (alerts/rules/), as burn
 * rates, error budget and the alerts they raise.
 */
const RUN = 'run_id=~"$run_id"';
const BUDGET = 0.0005;
const burn = (window: string) =>
  promQuery(`max(busybench:client_error_ratio:rate${window}{${RUN}}) / ${BUDGET}`, { legend: window });

export function sloAlerts(t: DashboardText, locale: Locale): Dashboard {
  const text = (id: Parameters<typeof panelText>[1]) => panelText(t, id);
  return newDashboard(t, locale, {
    uid: 'busybench-slo-alerts',
    title: t['sloAlerts.title'],
    description: t['sloAlerts.description'],
    variables: [runVariable(t)],
    rows: [
      {
        title: t['sloAlerts.row.burnRates'],
        panels: [
          timeseriesPanel(text('sloAlerts.burnCompressed'), burn('5s'), burn('30s'), burn('1m'), burn('6m'))
            .thresholds(redFrom(14.4))
            .thresholdsStyle(dashedThresholds()),
          timeseriesPanel(text('sloAlerts.burnSre'), burn('5m'), burn('30m'), burn('1h'), burn('6h'))
            .thresholds(redFrom(14.4))
            .thresholdsStyle(dashedThresholds()),
          statPanel(
            text('sloAlerts.budgetLeft'),
            promQuery(`min(busybench:slo_error_budget_remaining:30d{${RUN}})`),
          )
            .unit('percentunit')
            .thresholds(greenFrom(0))
            .span(6),
          timeseriesPanel(
            text('sloAlerts.success1m'),
            promQuery(`1 - max(busybench:client_error_ratio:rate1m{${RUN}})`, {
              legend: t['legend.success'],
            }),
          )
            .unit('percentunit')
            .thresholds(greenFrom(1 - BUDGET))
            .thresholdsStyle(dashedThresholds())
            .span(18),
        ],
      },
      {
        title: t['sloAlerts.row.alerts'],
        panels: [
          timeseriesPanel(
            text('sloAlerts.alertsFiring'),
            promQuery('count by (alertname) (ALERTS{alertstate="firing"})', { legend: '{{alertname}}' }),
          )
            .stacking(stacked())
            .fillOpacity(60),
          tablePanel(
            text('sloAlerts.alertsNow'),
            promQuery('ALERTS', { format: PromQueryFormat.Table, instant: true }),
          ),
          timeseriesPanel(
            text('sloAlerts.notifications'),
            promQuery(`sum by (alertname, status) (busybench_client_alerts_received{${RUN}})`, {
              legend: '{{alertname}} {{status}}',
            }),
          ),
        ],
      },
    ],
  });
}
