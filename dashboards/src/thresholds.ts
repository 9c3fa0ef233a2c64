import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';

/** The colours a value takes on a panel (stat and bar gauge backgrounds, lines on time series). */
function steps(...list: Array<{ color: string; value: number | null }>): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(list);
}

/** No line to cross: the panel's base colour only. */
export const neutral = () => steps({ color: 'green', value: null });

/** Worse upwards: green below `value`, red from it (latency, errors, dropped arrivals). */
export const redFrom = (value: number) => steps({ color: 'green', value: null }, { color: 'red', value });

/** Better upwards: red below `value`, green from it (success ratios, budget left). */
export const greenFrom = (value: number) => steps({ color: 'red', value: null }, { color: 'green', value });

/** Burn rates: the slow page from 6, the fast page from 14.4 (the SRE workbook's multiples). */
export const burnLevels = () =>
  steps({ color: 'green', value: null }, { color: 'orange', value: 6 }, { color: 'red', value: 14.4 });

/** Error budget left: red when spent, orange while under a quarter is left. */
export const budgetLevels = () =>
  steps({ color: 'red', value: null }, { color: 'orange', value: 0 }, { color: 'green', value: 0.25 });
