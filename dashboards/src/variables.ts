import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE } from './query.js';
import type { DashboardText } from './text.js';

/**
 * The dashboards' variables. Prometheus is picked by the `datasource` variable (no uid in the
 * JSON); the others are label values, several at once, "All" as the regex `.+` (every value, and
 * only series that have the label).
 */
export function datasourceVariable(t: DashboardText): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label(t['common.variable.datasource'])
    .type('prometheus')
    .hide(VariableHide.DontHide);
}

/**
 * A label's values in `metric` (a selector may narrow it by the variables before this one).
 * `allValue` `.*` for a label some series lack (All then keeps them too).
 */
function labelVariable(name: string, label: string, metric: string, allValue = '.+'): QueryVariableBuilder {
  const query = `label_values(${metric}, ${name})`;
  return (
    new QueryVariableBuilder(name)
      .label(label)
      .datasource(DATASOURCE)
      .query({ query, refId: name })
      .definition(query)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalDesc)
      .multi(true)
      .includeAll(true)
      .allValue(allValue)
      // Every value until someone picks: a new run shows without touching the dashboard.
      .current({ selected: true, text: ['All'], value: ['$__all'] })
      .hide(VariableHide.DontHide)
  );
}

/** The run(s): the collector's `run_id`, newest first (a run id starts with its time or strategy). */
export const runVariable = (t: DashboardText) =>
  labelVariable('run_id', t['common.variable.run'], 'busybench_client_requests_total');

/**
 * A compare run (`busybench compare` labels its runs' series `compare` and `experiment`): All is
 * `.*`, so runs of their own (no such label) show too.
 */
export const compareVariable = (t: DashboardText) =>
  labelVariable('compare', t['common.variable.compare'], 'busybench_client_requests_total', '.*');

/** The experiment of the chosen compare run(s): capacity or faults. */
export const experimentVariable = (t: DashboardText) =>
  labelVariable(
    'experiment',
    t['common.variable.experiment'],
    'busybench_client_requests_total{compare=~"$compare"}',
    '.*',
  );

/** The runs of the chosen compare run and experiment (every run when All). */
export const compareRunVariable = (t: DashboardText) =>
  labelVariable(
    'run_id',
    t['common.variable.run'],
    'busybench_client_requests_total{compare=~"$compare",experiment=~"$experiment"}',
  );

/** The strategies of the chosen runs: the collector's `strategy` label (`busybench collect --strategy`). */
export const strategyVariable = (t: DashboardText) =>
  labelVariable(
    'strategy',
    t['common.variable.strategy'],
    'busybench_client_requests_total{run_id=~"$run_id"}',
  );

/** Sloth's service: `busybench` (the SRE workbook's windows) or `busybench-compressed` (minutes). */
export const sloServiceVariable = (t: DashboardText) =>
  labelVariable('sloth_service', t['common.variable.sloService'], 'sloth_slo_info');

/** The SLOs of the chosen services. */
export const sloVariable = (t: DashboardText) =>
  labelVariable('sloth_slo', t['common.variable.slo'], 'sloth_slo_info{sloth_service=~"$sloth_service"}');
