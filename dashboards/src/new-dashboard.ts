import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import {
  AnnotationQueryBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  type Panel,
  RowBuilder,
  type RowPanel,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Locale } from '../../common/i18n/index.js';
import { DATASOURCE } from './query.js';
import type { DashboardText } from './text.js';
import { datasourceVariable } from './variables.js';

/** A row of panels: the SDK lays them left to right, a new line each time 24 columns are full. */
export interface Row {
  readonly title: string;
  readonly panels: ReadonlyArray<Builder<Panel>>;
}

export interface DashboardSpec {
  /** The English uid; the Chinese dashboard's is `<uid>-zh-cn`. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** After `datasource`, which every dashboard has first. */
  readonly variables: ReadonlyArray<Builder<VariableModel>>;
  readonly rows: readonly Row[];
}

/**
 * A busybench dashboard: live (5 s refresh, the last 15 minutes), a shared crosshair, Prometheus
 * through the `datasource` variable, firing alerts as annotations on every time panel. One
 * dashboard per language, told apart by uid and tag, so both can be provisioned side by side.
 */
export function newDashboard(t: DashboardText, locale: Locale, spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(locale === 'en' ? spec.uid : `${spec.uid}-${locale.toLowerCase()}`)
    .description(spec.description)
    .tags(locale === 'en' ? ['busybench'] : ['busybench', locale])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time({ from: 'now-15m', to: 'now' })
    .timezone('browser')
    .version(1)
    .withVariable(datasourceVariable(t))
    .annotation(
      new AnnotationQueryBuilder()
        .name(t['common.annotation.alertsFiring'])
        .datasource(DATASOURCE)
        .enable(true)
        .iconColor('red')
        .expr('ALERTS{alertstate="firing"}')
        .titleFormat('{{alertname}}')
        .step('10s'),
    );
  for (const variable of spec.variables) builder.withVariable(variable);
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) builder.withPanel(panel);
  }
  return numbered(builder.build());
}

/** Panel ids in reading order (the SDK leaves them to Grafana; stable ids keep panel links stable). */
function numbered(dashboard: Dashboard): Dashboard {
  const panels = (dashboard.panels ?? []).map((p: Panel | RowPanel, i) => ({ ...p, id: i + 1 }));
  return { ...dashboard, panels };
}
