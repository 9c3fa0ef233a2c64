import { join } from 'node:path';
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { LOCALES, type Locale } from '../../common/i18n/index.js';
import { packageRoot } from '../../common/paths.js';
import { mockUpstream } from './mock-upstream.js';
import { slo } from './slo.js';
import { sloAlerts } from './slo-alerts.js';
import { steppedStress } from './stepped-stress.js';
import { strategyComparison } from './strategy-comparison.js';
import { type DashboardText, dashboardText } from './text.js';

/** Every dashboard by its file name (what Grafana provisions), built in one language. */
export const DASHBOARD_FILES: Readonly<Record<string, (t: DashboardText, locale: Locale) => Dashboard>> = {
  'stepped-stress.json': steppedStress,
  'mock-upstream.json': mockUpstream,
  'slo-alerts.json': sloAlerts,
  'slo.json': slo,
  'strategy-comparison.json': strategyComparison,
};

export const JSON_DIR = join(packageRoot(), 'dashboards', 'json');

export interface BuiltDashboard {
  readonly locale: Locale;
  /** Relative to JSON_DIR: English at the top, each other language in a folder of its own. */
  readonly path: string;
  readonly dashboard: Dashboard;
}

/** Every dashboard in every language: English in json/, Chinese in json/zh-CN/. */
export function allDashboards(): BuiltDashboard[] {
  return LOCALES.flatMap((locale) => {
    const t = dashboardText(locale);
    return Object.entries(DASHBOARD_FILES).map(([file, build]) => ({
      locale,
      path: locale === 'en' ? file : join(locale, file),
      dashboard: build(t, locale),
    }));
  });
}

export const render = (d: Dashboard) => `${JSON.stringify(d, null, 2)}\n`;

/** A query's PromQL (every target here is Prometheus's; anything else reads as empty and fails the tests). */
const exprOf = (q: object) => ('expr' in q && typeof q.expr === 'string' ? q.expr : '');

/** Every query of a dashboard's panels, with the panel's title (the tests run each one). */
export function dashboardQueries(d: Dashboard): Array<{ panel: string; expr: string }> {
  return (d.panels ?? []).flatMap((p: Panel | RowPanel) =>
    p.type === 'row'
      ? []
      : ((p as Panel).targets ?? []).map((q) => ({ panel: p.title ?? '', expr: exprOf(q) })),
  );
}
