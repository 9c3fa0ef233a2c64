/**
 * A small typed builder of Grafana dashboard JSON (schemaVersion 39): the few panel kinds the
 * busybench dashboards use, every query through the `datasource` variable (no hard-coded uid),
 * laid out on Grafana's 24-column grid in rows of panels.
 */
// Grafana's variable syntax, literally (not a template string).
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Query {
  readonly expr: string;
  readonly legend?: string;
  /** heatmap: the buckets as Grafana reads them. */
  readonly format?: 'time_series' | 'heatmap' | 'table';
  readonly instant?: boolean;
}

export type PanelKind = 'timeseries' | 'stat' | 'heatmap' | 'table' | 'state-timeline' | 'bargauge';

export interface PanelSpec {
  readonly kind: PanelKind;
  readonly title: string;
  readonly description?: string;
  readonly queries: readonly Query[];
  readonly unit?: string;
  /** Width in grid columns (24 = full), default 12; height default 8. */
  readonly w?: number;
  readonly h?: number;
  readonly min?: number;
  readonly max?: number;
  /** Green below, red from this value (or the reverse with `thresholdsReversed`). */
  readonly threshold?: number;
  readonly thresholdsReversed?: boolean;
  readonly stack?: boolean;
  readonly logScale?: boolean;
}

export interface GrafanaPanel {
  id: number;
  type: PanelKind;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  [key: string]: unknown;
}

function thresholds(spec: PanelSpec) {
  if (spec.threshold === undefined) return { mode: 'absolute', steps: [{ color: 'green', value: null }] };
  const [below, above] = spec.thresholdsReversed ? ['red', 'green'] : ['green', 'red'];
  return {
    mode: 'absolute',
    steps: [
      { color: below, value: null },
      { color: above, value: spec.threshold },
    ],
  };
}

function panel(spec: PanelSpec, id: number, gridPos: GrafanaPanel['gridPos']): GrafanaPanel {
  const custom: Record<string, unknown> =
    spec.kind === 'timeseries'
      ? {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: spec.stack ? 60 : 10,
          showPoints: 'never',
          stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
          scaleDistribution: spec.logScale ? { type: 'log', log: 10 } : { type: 'linear' },
        }
      : {};
  return {
    id,
    type: spec.kind,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    gridPos,
    datasource: DATASOURCE,
    targets: spec.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend ?? '__auto',
      format: q.format ?? 'time_series',
      instant: q.instant ?? false,
      range: !(q.instant ?? false),
    })),
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        ...(spec.max !== undefined ? { max: spec.max } : {}),
        thresholds: thresholds(spec),
        color: { mode: spec.kind === 'stat' || spec.kind === 'bargauge' ? 'thresholds' : 'palette-classic' },
        custom,
      },
      overrides: [],
    },
    options:
      spec.kind === 'heatmap'
        ? {
            calculate: false,
            yAxis: { unit: spec.unit ?? 's' },
            color: { scheme: 'Spectral', mode: 'scheme' },
          }
        : spec.kind === 'stat'
          ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background' }
          : {
              legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
              tooltip: { mode: 'multi' },
            },
  };
}

/** Lays out rows of panels left to right, wrapping at 24 columns; a row title is a Grafana row. */
export function layout(rows: ReadonlyArray<{ title: string; panels: readonly PanelSpec[] }>): GrafanaPanel[] {
  const out: GrafanaPanel[] = [];
  let y = 0;
  let id = 1;
  for (const row of rows) {
    out.push({
      id: id++,
      type: 'row' as PanelKind,
      title: row.title,
      gridPos: { x: 0, y, w: 24, h: 1 },
      collapsed: false,
      panels: [],
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const spec of row.panels) {
      const w = spec.w ?? 12;
      const h = spec.h ?? 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      out.push(panel(spec, id++, { x, y, w, h }));
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return out;
}

/** The variables every busybench dashboard has: the Prometheus datasource and the run(s). */
export function templating(runMetric: string | null) {
  const list: unknown[] = [
    {
      name: 'datasource',
      label: 'Prometheus',
      type: 'datasource',
      query: 'prometheus',
      current: {},
      hide: 0,
      refresh: 1,
    },
  ];
  if (runMetric) {
    list.push({
      name: 'run_id',
      label: 'run',
      type: 'query',
      datasource: DATASOURCE,
      query: { query: `label_values(${runMetric}, run_id)`, refId: 'run_id' },
      definition: `label_values(${runMetric}, run_id)`,
      refresh: 2,
      includeAll: true,
      multi: true,
      allValue: '.+',
      current: {},
      hide: 0,
      sort: 2,
    });
  }
  return { list };
}

export function dashboard(o: {
  uid: string;
  title: string;
  description: string;
  rows: ReadonlyArray<{ title: string; panels: readonly PanelSpec[] }>;
  runMetric: string | null;
}) {
  return {
    uid: o.uid,
    title: o.title,
    description: o.description,
    tags: ['busybench'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '5s',
    time: { from: 'now-15m', to: 'now' },
    timezone: 'browser',
    graphTooltip: 1,
    // Firing alerts as annotations on every time panel.
    annotations: {
      list: [
        {
          name: 'Alerts firing',
          datasource: DATASOURCE,
          enable: true,
          iconColor: 'red',
          expr: 'ALERTS{alertstate="firing"}',
          titleFormat: '{{alertname}}',
          step: '10s',
        },
      ],
    },
    templating: templating(o.runMetric),
    panels: layout(o.rows),
  };
}
