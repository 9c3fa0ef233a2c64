import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';

/**
 * Prometheus through the dashboard's `datasource` variable, never a fixed uid: the same JSON
 * works against docker-compose's Prometheus, the local stack's and a cluster's.
 */
// Grafana's variable syntax, literally (not a template string).
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface QueryOptions {
  /** Grafana's legend template; default `__auto` (Grafana names the series). */
  readonly legend?: string;
  /** heatmap: the buckets as Grafana reads them; table: one row per series. */
  readonly format?: PromQueryFormat;
  /** One value at the end of the range (bar gauges, tables) instead of a series. */
  readonly instant?: boolean;
}

/** A PromQL query of a panel; the panel gives it its refId. */
export function promQuery(expr: string, o: QueryOptions = {}): DataqueryBuilder {
  const q = new DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .legendFormat(o.legend ?? '__auto')
    .format(o.format ?? PromQueryFormat.TimeSeries);
  return o.instant ? q.instant() : q.range();
}
