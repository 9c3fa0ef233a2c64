import { describe, expect, it } from 'vitest';
import { REPORT_MESSAGES } from '../../common/i18n/messages/report.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { DEFAULT_MIX, type Plan } from '../../loadtests/plan.js';
import { buildProfile } from '../../loadtests/profiles.js';
import {
  type SummaryData,
  summarise,
  summaryPercentiles,
  summarySubmetrics,
  summaryTrendStats,
} from '../../loadtests/summary.js';

const plan: Plan = {
  version: 1,
  target: 'http://127.0.0.1:8000',
  allowRemote: false,
  profile: buildProfile({ name: 'stepped', rates: [10, 20], stepSeconds: 10, rampSeconds: 0 }),
  mix: DEFAULT_MIX,
  sla: { ...DEFAULT_SLA, latencyMs: { p99: 800, p75: 200 }, ttftMs: { 'p99.99': 900 } },
  maxInFlight: 100,
  timeoutMs: 5000,
  retries: 0,
  retryBaseMs: 100,
  seed: 1,
};

describe('the k6 summary', () => {
  it('reports the fixed percentiles and every one the SLA names, and asks k6 for them', () => {
    expect(summaryPercentiles(plan.sla)).toEqual(['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'p99.99']);
    expect(summaryTrendStats(plan.sla)).toEqual([
      'avg',
      'min',
      'med',
      'max',
      'p(50)',
      'p(75)',
      'p(90)',
      'p(95)',
      'p(99)',
      'p(99.9)',
      'p(99.99)',
    ]);
    expect(Object.keys(summarySubmetrics(plan.profile.steps))).toContain('busybench_success{step:1}');
  });

  it('writes per-step figures and names every broken line with its step', () => {
    const data: SummaryData = {
      state: { testRunDurationMs: 20_500 },
      metrics: {
        busybench_success: {
          values: { passes: 290, fails: 10, rate: 290 / 300 },
          thresholds: { 'rate>=0.9995': { ok: false } },
        },
        'busybench_success{step:0}': { values: { passes: 100, fails: 0, rate: 1 } },
        'busybench_success{step:1}': {
          values: { passes: 190, fails: 10, rate: 0.95 },
          thresholds: { 'rate>=0.9995': { ok: false } },
        },
        'busybench_latency{step:1}': {
          values: { med: 12, 'p(99)': 700, 'p(75)': 30 },
          thresholds: { 'p(99)<800': { ok: true } },
        },
        'http_reqs{step:1}': { values: { count: 210 } },
        http_reqs: { values: { count: 310 } },
        busybench_errors_malformed: { values: { count: 10 } },
        'busybench_errors_malformed{step:1}': { values: { count: 10 } },
        dropped_iterations: { values: { count: 2 } },
      },
    };
    const out = summarise(data, { plan, summaryPath: '/tmp/x.json' });
    const s = JSON.parse(out['/tmp/x.json'] as string);
    expect(s).toMatchObject({
      engine: 'k6',
      profile: 'stepped',
      requests: 300,
      attempts: 310,
      droppedIterations: 2,
      errors: { malformed: 10 },
      passed: false,
      breaches: [
        'busybench_success rate>=0.9995 broken at overall',
        'busybench_success rate>=0.9995 broken at step 1 (20 req/s)',
      ],
    });
    expect(s.steps).toHaveLength(2);
    expect(s.steps[1]).toMatchObject({
      step: 1,
      targetRate: 20,
      startMs: 10_000,
      endMs: 20_000,
      requests: 200,
      attempts: 210,
      achievedRate: 20,
      successRate: 0.95,
      p50Ms: 12,
      p99Ms: 700,
      ttftP95Ms: null,
    });
    expect(s.steps[1].latencyMs).toEqual({
      p50: null,
      p75: 30,
      p90: null,
      p95: null,
      p99: 700,
      'p99.9': null,
      'p99.99': null,
    });
    expect(out.stdout).toMatch(/SLA BREACHED:\n {2}- busybench_success rate>=0.9995 broken at overall/);
    expect(out.stdout).toMatch(/errors malformed: 10/);
  });

  it('names the class of a broken class line, overall and at its step', () => {
    const data: SummaryData = {
      state: { testRunDurationMs: 20_500 },
      metrics: {
        busybench_success: { values: { passes: 300, fails: 0, rate: 1 } },
        'busybench_success{priority:P0}': {
          values: { passes: 9, fails: 1, rate: 0.9 },
          thresholds: { 'rate>=0.999': { ok: false } },
        },
        'busybench_success{step:1,priority:P0}': {
          values: { passes: 4, fails: 1, rate: 0.8 },
          thresholds: { 'rate>=0.999': { ok: false } },
        },
        'busybench_success{step:0,priority:P0}': {
          values: { passes: 5, fails: 0, rate: 1 },
          thresholds: { 'rate>=0.999': { ok: true } },
        },
      },
    };
    const out = summarise(data, { plan, summaryPath: '/tmp/x.json' });
    expect(JSON.parse(out['/tmp/x.json'] as string).breaches).toEqual([
      'P0 busybench_success rate>=0.999 broken at overall',
      'P0 busybench_success rate>=0.999 broken at step 1 (20 req/s)',
    ]);
  });

  it("carries the queue line as the collector's: named in the summary, in the judge's words, not judged", () => {
    const data: SummaryData = {
      state: { testRunDurationMs: 20_500 },
      metrics: { busybench_success: { values: { passes: 300, fails: 0, rate: 1 } } },
    };
    const withQueue = { ...plan, sla: { ...plan.sla, queueLength: 500 } };
    const out = summarise(data, { plan: withQueue, summaryPath: '/tmp/x.json' });
    const summary = JSON.parse(out['/tmp/x.json'] as string);
    expect(summary.judgedByCollector).toEqual(['queue length < 500']);
    expect(summary.breaches).toEqual([]);
    expect(out.stdout).toContain(
      "not judged here: queue length < 500 (the strategy's queue; the collector judges it)",
    );
    // The kit's judge writes the same words for the line it judges.
    expect(REPORT_MESSAGES.en['sla.queue']('500')).toBe('queue length < 500');
    // No queue line, no such field.
    expect(
      JSON.parse(summarise(data, { plan, summaryPath: '/tmp/x.json' })['/tmp/x.json'] as string),
    ).not.toHaveProperty('judgedByCollector');
  });
});
