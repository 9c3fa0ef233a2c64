/**
 * The k6 entry: `k6 run loadtests/main.ts` with the BUSYBENCH_* environment (see config.ts), or
 * `busybench load`, which validates flags and sla.yaml first. Exits 99 when an SLA line breaks.
 */
import type { Options } from 'k6/options';
import { readConfig } from './config.ts';
import { chat, prepareChat } from './flows/chat.ts';
import { slaThresholds } from './sla.ts';
import { summarise } from './summary.ts';

const config = readConfig();
const prepared = prepareChat(config);
const thresholds = slaThresholds(
  config.sla,
  config.profile.steps,
  config.mix.streamRatio > 0,
  config.profile.abortOnBreach,
);
// Per-step request counts in the summary: a sub-metric exists only where a threshold names it.
for (const step of config.profile.steps) {
  thresholds[`http_reqs{step:${step.index}}`] ??= ['count>=0'];
  thresholds[`busybench_ttft{step:${step.index}}`] ??= ['max>=0'];
  thresholds[`busybench_latency{step:${step.index}}`] ??= ['max>=0'];
  thresholds[`busybench_success{step:${step.index}}`] ??= ['rate>=0'];
}

export const options: Options = {
  scenarios: {
    load: {
      executor: 'ramping-arrival-rate',
      startRate: config.profile.startRate,
      timeUnit: '1s',
      preAllocatedVUs: config.preAllocatedVUs,
      maxVUs: config.maxVUs,
      stages: [...config.profile.stages],
      gracefulStop: '10s',
    },
  },
  thresholds,
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'],
  // Fewer tags, fewer time series: every sample k6 makes is a cost at thousands of req/s.
  systemTags: ['status', 'method', 'scenario', 'error_code', 'expected_response'],
};

export default function (): void {
  chat(config, prepared);
}

export function handleSummary(data: Parameters<typeof summarise>[0]) {
  return summarise(data, config);
}
