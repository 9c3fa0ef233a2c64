/**
 * The k6 entry, for a k6 the user installed: `busybench load --engine k6` (the default engine
 * is busybench's own, loadtests/engine), or `k6 run loadtests/main.ts` with BUSYBENCH_PLAN set to
 * a plan's JSON (loadtests/plan.ts) and BUSYBENCH_SUMMARY to where the summary goes. Exits 99
 * when an SLA line breaks.
 */
import type { Options } from 'k6/options';
import { k6Scenario, readConfig } from './config.ts';
import { chat, prepareChat } from './flows/chat.ts';
import { slaThresholds } from './sla.ts';
import { type SummaryData, summarise, summarySubmetrics, summaryTrendStats } from './summary.ts';

const config = readConfig(__ENV);
const { plan } = config;
const prepared = prepareChat(config);

export const options: Options = {
  scenarios: { load: k6Scenario(plan) },
  thresholds: {
    ...summarySubmetrics(plan.profile.steps),
    ...slaThresholds(plan.sla, plan.profile.steps, plan.mix.streamRatio > 0, plan.profile.abortOnBreach),
  },
  summaryTrendStats: summaryTrendStats(plan.sla),
  // Fewer tags, fewer time series: every sample k6 makes is a cost at thousands of req/s.
  systemTags: ['status', 'method', 'scenario', 'error_code', 'expected_response'],
  // A redirect is an answer (classified malformed), never followed: the target was checked for
  // loopback, the place a redirect points to was not (k6 follows 10 by default).
  maxRedirects: 0,
};

export default function (): void {
  chat(config, prepared);
}

export function handleSummary(data: SummaryData) {
  return summarise(data, config);
}
