import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  ScaleDistribution,
  ScaleDistributionConfigBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { FieldColorBuilder, FieldColorModeId } from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import type { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './query.js';
import type { PanelText } from './text.js';
import { neutral } from './thresholds.js';

/**
 * The SDK's panel builders with busybench's defaults: title and description from the catalogue,
 * Prometheus through the `datasource` variable, the queries lettered A, B, … and a size (12 × 8
 * unless a dashboard says otherwise). Each dashboard then sets what is particular to a panel
 * (unit, thresholds, stacking) with the SDK's own methods.
 */
interface Common {
  title(title: string): this;
  description(description: string): this;
  datasource(ref: typeof DATASOURCE): this;
  targets(targets: DataqueryBuilder[]): this;
  span(w: number): this;
  height(h: number): this;
}

function withDefaults<B extends Common>(
  builder: B,
  text: PanelText,
  queries: readonly DataqueryBuilder[],
): B {
  return builder
    .title(text.title)
    .description(text.description)
    .datasource(DATASOURCE)
    .targets(queries.map((q, i) => q.refId(String.fromCharCode(65 + i))))
    .span(12)
    .height(8);
}

const legend = () =>
  new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom);

const tooltip = () =>
  new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending);

const lastValue = () => new ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false);

/** Lines, a legend under them, every series in the tooltip; thresholds drawn as dashed lines. */
export function timeseriesPanel(text: PanelText, ...queries: DataqueryBuilder[]): timeseries.PanelBuilder {
  return withDefaults(new timeseries.PanelBuilder(), text, queries)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic))
    .thresholds(neutral())
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Off))
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(VisibilityMode.Never)
    .legend(legend())
    .tooltip(tooltip());
}

/** Series stacked on each other (parts of a whole: errors by class, answers by status). */
export const stacked = () => new StackingConfigBuilder().mode(StackingMode.Normal).group('A');

/** Latencies spanning milliseconds to seconds. */
export const logScale = () => new ScaleDistributionConfigBuilder().type(ScaleDistribution.Log).log(10);

/** Threshold lines drawn dashed on a time series. */
export const dashedThresholds = () =>
  new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed);

/** One figure, coloured by its thresholds, the newest value. */
export function statPanel(text: PanelText, ...queries: DataqueryBuilder[]): stat.PanelBuilder {
  return withDefaults(new stat.PanelBuilder(), text, queries)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .thresholds(neutral())
    .colorMode(BigValueColorMode.Background)
    .reduceOptions(lastValue());
}

/** One horizontal bar per series (per step, per strategy), coloured by its thresholds. */
export function barGaugePanel(text: PanelText, ...queries: DataqueryBuilder[]): bargauge.PanelBuilder {
  return withDefaults(new bargauge.PanelBuilder(), text, queries)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .thresholds(neutral())
    .displayMode(BarGaugeDisplayMode.Gradient)
    .orientation(VizOrientation.Horizontal)
    .reduceOptions(lastValue());
}

/** Prometheus histogram buckets as they are (Grafana calculates nothing), coloured Spectral. */
export function heatmapPanel(
  text: PanelText,
  unit: string,
  ...queries: DataqueryBuilder[]
): heatmap.PanelBuilder {
  return withDefaults(new heatmap.PanelBuilder(), text, queries)
    .calculate(false)
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Spectral'))
    .yAxis(new heatmap.YAxisConfigBuilder().unit(unit));
}

/** Rows of an instant query, one per series with its labels. */
export function tablePanel(text: PanelText, ...queries: DataqueryBuilder[]): table.PanelBuilder {
  return withDefaults(new table.PanelBuilder(), text, queries).thresholds(neutral());
}

/** Which state held when: one band per series. */
export function stateTimelinePanel(
  text: PanelText,
  ...queries: DataqueryBuilder[]
): statetimeline.PanelBuilder {
  return withDefaults(new statetimeline.PanelBuilder(), text, queries)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic))
    .thresholds(neutral())
    .legend(legend())
    .tooltip(tooltip());
}
