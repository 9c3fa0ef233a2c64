import { describe, expect, it } from 'vitest';
import { clientMetrics } from '../../collector/src/prom-export.js';
import { RunEvents } from '../../collector/src/run-events.js';
import { runView } from '../../collector/src/run-view.js';
import { RunStats } from '../../collector/src/step-stats.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';

describe('the client view for Prometheus', () => {
  it('exports requests by outcome, latency quantiles and success per step, read at scrape time', async () => {
    const run = new RunStats();
    const registry = clientMetrics(run, 'run-1');
    for (let i = 0; i < 100; i++) {
      run.ingest({
        metric: 'busybench_latency',
        time: i,
        value: i < 99 ? 100 : 500,
        tags: { step: '0', target_rate: '50', outcome: i < 98 ? 'ok' : '503' },
      });
    }
    const text = await registry.metrics();
    expect(text).toContain(
      'busybench_client_requests_total{step="0",target_rate="50",outcome="ok",run_id="run-1",strategy="unnamed"} 98',
    );
    expect(text).toContain(
      'busybench_client_requests_total{step="0",target_rate="50",outcome="503",run_id="run-1",strategy="unnamed"} 2',
    );
    expect(text).toMatch(
      /busybench_client_latency_seconds\{step="0",target_rate="50",quantile="0.5",run_id="run-1",strategy="unnamed"\} 0\.1\d*/,
    );
    expect(text).toContain(
      'busybench_client_success_ratio{step="0",target_rate="50",run_id="run-1",strategy="unnamed"} 0.98',
    );
    // Buckets: 99 at 100 ms, one at 500 ms.
    expect(text).toContain(
      'busybench_client_request_duration_seconds_bucket{step="0",target_rate="50",le="0.1",run_id="run-1",strategy="unnamed"} 99',
    );
    expect(text).toContain(
      'busybench_client_request_duration_seconds_bucket{step="0",target_rate="50",le="0.3",run_id="run-1",strategy="unnamed"} 99',
    );
    expect(text).toContain(
      'busybench_client_request_duration_seconds_bucket{step="0",target_rate="50",le="0.5",run_id="run-1",strategy="unnamed"} 100',
    );
    expect(text).toContain(
      'busybench_client_request_duration_seconds_count{step="0",target_rate="50",run_id="run-1",strategy="unnamed"} 100',
    );
    // Later samples show at the next scrape; the counter grows by them, not by its own total.
    run.ingest({ metric: 'dropped_iterations', time: 0, value: 7, tags: {} });
    run.ingest({ metric: 'busybench_latency', time: 200, value: 90, tags: { step: '0', target_rate: '50' } });
    const later = await registry.metrics();
    expect(later).toContain('busybench_client_dropped_iterations_total{run_id="run-1",strategy="unnamed"} 7');
    // Classes not seen yet are there from 0, so a first error shows in rate().
    expect(later).toContain(
      'busybench_client_requests_total{step="0",target_rate="50",outcome="timeout",run_id="run-1",strategy="unnamed"} 0',
    );
    expect(later).toContain(
      'busybench_client_requests_total{step="0",target_rate="50",outcome="ok",run_id="run-1",strategy="unnamed"} 99',
    );
  });

  it('exports the run-wide KPIs when given the view: SLA, knee, recovery, alerts', async () => {
    const run = new RunStats(800);
    for (let i = 0; i < 200; i++) {
      const step = i < 100 ? 0 : 1;
      run.ingest({
        metric: 'busybench_latency',
        time: i * 100,
        value: step === 0 ? 100 : 1500,
        tags: { step: String(step), target_rate: String(10 * (step + 1)), outcome: 'ok' },
      });
    }
    const events = new RunEvents();
    events.phase({ time: 0, scenario: 's', phase: 'down', fault: true });
    events.phase({ time: 5000, scenario: 's', phase: 'up', fault: false });
    events.alert({ ...alert, status: 'firing' });
    events.alert({ ...alert, status: 'firing' });
    const view = () => runView({ runId: 'r', live: true, sla: DEFAULT_SLA, run, events });
    const text = await clientMetrics(run, 'r', { view }).metrics();
    expect(text).toContain('busybench_client_sla_ok{run_id="r",strategy="unnamed"} 0');
    expect(text).toContain('busybench_client_sla_broken_lines{run_id="r",strategy="unnamed"} 1');
    expect(text).toContain('busybench_client_knee_target_rps{run_id="r",strategy="unnamed"} 10');
    expect(text).toContain('busybench_client_current_step{run_id="r",strategy="unnamed"} 1');
    expect(text).toContain('busybench_client_step_target_rps{step="1",run_id="r",strategy="unnamed"} 20');
    expect(text).toContain(
      'busybench_client_recovery_seconds{scenario="s",phase="down",run_id="r",strategy="unnamed"} 0',
    );
    expect(text).toContain(
      'busybench_client_alerts_received{alertname="Busy",status="firing",run_id="r",strategy="unnamed"} 2',
    );
  });

  it('exports each engine generator on its own: achieved rate, late starts, p99 lateness', async () => {
    const run = new RunStats();
    const t0 = Date.now() - 10_000;
    const source = { tally: null };
    run.ingestLine(
      JSON.stringify({
        type: 'run',
        version: 1,
        engine: 'busybench-engine',
        runner: 'gen-1',
        segment: '1/2',
        target: 'http://127.0.0.1:8000',
        profile: 'stepped',
        startedAt: t0,
        steps: [{ step: 0, targetRate: 20, startMs: 0, endMs: 2000, scheduled: 20 }],
      }),
      source,
    );
    for (let i = 0; i < 20; i++)
      run.ingestLine(
        JSON.stringify({
          type: 'req',
          t: t0 + i * 100,
          step: 0,
          rate: 20,
          outcome: 'ok',
          ms: 50,
          late: i < 2 ? 30 : 0.2,
        }),
        source,
      );
    const view = () => runView({ runId: 'r', live: true, sla: DEFAULT_SLA, run, events: new RunEvents() });
    const text = await clientMetrics(run, 'r', { view }).metrics();
    const labels = 'runner="gen-1",segment="1/2",step="0",run_id="r",strategy="unnamed"';
    expect(text).toContain(`busybench_client_runner_achieved_rps{${labels}} 10`);
    expect(text).toContain(`busybench_client_runner_late_starts{${labels}} 2`);
    expect(text).toMatch(new RegExp(`busybench_client_runner_late_p99_seconds\\{${labels}\\} 0\\.03`));
  });

  it('exports fairness between users when requests carried a user_id, and nothing of it otherwise', async () => {
    const registryOf = (run: RunStats) =>
      clientMetrics(run, 'r', {
        view: () => runView({ runId: 'r', live: true, sla: DEFAULT_SLA, run, events: new RunEvents() }),
      });
    const none = new RunStats(800);
    none.ingestLine(
      JSON.stringify({ type: 'req', t: Date.now(), step: 0, rate: 10, ms: 100, outcome: 'ok' }),
    );
    expect(await registryOf(none).metrics()).not.toMatch(/^busybench_client_users/m);
    const run = new RunStats(800);
    // 10 users, user-0 with 40 requests of which 10 fail; the 9 others 10 each, all good.
    for (let i = 0; i < 130; i++) {
      const user = i < 40 ? 'user-0' : `user-${1 + (i % 9)}`;
      const outcome = i < 10 ? '503' : 'ok';
      run.ingestLine(
        JSON.stringify({ type: 'req', t: Date.now(), step: 0, rate: 10, ms: 100, outcome, user }),
      );
    }
    const text = await registryOf(run).metrics();
    const labels = '{run_id="r",strategy="unnamed"}';
    expect(text).toContain(`busybench_client_users${labels} 10`);
    expect(text).toContain(`busybench_client_users_worst_success_ratio${labels} 0.75`);
    // Goodput shares: 0.75 once, 1 nine times: (0.75 + 9)² / (10 · (0.75² + 9)).
    const jain = (0.75 + 9) ** 2 / (10 * (0.75 ** 2 + 9));
    const read = Number(
      new RegExp(`busybench_client_users_jain_index${labels.replace(/[{}]/g, '\\$&')} (\\S+)`).exec(
        text,
      )?.[1],
    );
    expect(read).toBeCloseTo(jain, 9);
    expect(text).toMatch(/busybench_client_users_worst_p99_seconds\{run_id="r",strategy="unnamed"\} 0\.1/);
  });

  it('exports requests, success and latency per priority class under a priority label, P0..P3 only', async () => {
    const run = new RunStats();
    const registry = clientMetrics(run, 'r');
    const add = (priority: string, outcome: string, value: number) =>
      run.ingest({
        metric: 'busybench_latency',
        time: 1,
        value,
        tags: { step: '0', target_rate: '50', outcome, priority },
      });
    for (let i = 0; i < 8; i++) add('P0', 'ok', 100);
    add('P3', 'ok', 400);
    add('P3', '503', 5);
    add('urgent', 'ok', 100); // not a class: overall only
    const text = await registry.metrics();
    const labels = (priority: string) => `step="0",target_rate="50",priority="${priority}"`;
    expect(text).toContain(
      `busybench_client_priority_requests_total{${labels('P0')},outcome="ok",run_id="r",strategy="unnamed"} 8`,
    );
    expect(text).toContain(
      `busybench_client_priority_requests_total{${labels('P3')},outcome="503",run_id="r",strategy="unnamed"} 1`,
    );
    // Every outcome from 0 once the class shows in the step, as requests_total does.
    expect(text).toContain(
      `busybench_client_priority_requests_total{${labels('P0')},outcome="timeout",run_id="r",strategy="unnamed"} 0`,
    );
    expect(text).toContain(
      `busybench_client_priority_success_ratio{${labels('P3')},run_id="r",strategy="unnamed"} 0.5`,
    );
    expect(text).toMatch(
      new RegExp(
        `busybench_client_priority_latency_seconds\\{${labels('P0')},quantile="0.99",run_id="r",strategy="unnamed"\\} 0\\.1\\d*`,
      ),
    );
    const priorities = new Set([...text.matchAll(/priority="([^"]*)"/g)].map((m) => m[1]));
    expect(priorities).toEqual(new Set(['P0', 'P3']));
    // The overall series stay one per step: every request, no priority label.
    expect(text).toContain(
      'busybench_client_requests_total{step="0",target_rate="50",outcome="ok",run_id="r",strategy="unnamed"} 10',
    );
    expect(text).toContain(
      'busybench_client_success_ratio{step="0",target_rate="50",run_id="r",strategy="unnamed"} 0.9090909090909091',
    );
    // A counter grows by what came since the last scrape.
    add('P0', 'ok', 100);
    expect(await registry.metrics()).toContain(
      `busybench_client_priority_requests_total{${labels('P0')},outcome="ok",run_id="r",strategy="unnamed"} 9`,
    );
  });

  it('puts the strategy on every series and each class in the buckets its SLOs read', async () => {
    const run = new RunStats();
    const line = (priority: string, ms: number, ttft?: number, itl?: number[], tokens?: number) =>
      JSON.stringify({
        type: 'req',
        t: 1,
        step: 0,
        rate: 5,
        outcome: 'ok',
        ms,
        prio: priority,
        stream: true,
        ttft,
        itl,
        tokens,
      });
    run.ingestLine(line('P0', 300, 200, [4, 40], 30)); // 100 tokens/s
    run.ingestLine(line('P0', 900, 2500));
    run.ingestLine(line('P2', 100));
    // Another step adds to the same class series.
    run.ingestLine(
      JSON.stringify({ type: 'req', t: 2, step: 1, rate: 9, outcome: 'ok', ms: 50, prio: 'P2' }),
    );
    const text = await clientMetrics(run, 'r', { strategy: 'retry' }).metrics();
    const samples = text.split('\n').filter((l) => l.startsWith('busybench_client_'));
    expect(samples.length).toBeGreaterThan(50);
    for (const sample of samples) expect(sample).toContain('run_id="r",strategy="retry"}');
    // Run-wide per class: no step label (four classes at most, whatever the run's steps).
    const bucket = (name: string, priority: string, le: string) =>
      `busybench_client_${name}_bucket{priority="${priority}",le="${le}",run_id="r",strategy="retry"}`;
    expect(text).toContain(`${bucket('priority_request_duration_seconds', 'P0', '0.8')} 1`);
    expect(text).toContain(`${bucket('priority_request_duration_seconds', 'P0', '1')} 2`);
    expect(text).toContain(`${bucket('priority_request_duration_seconds', 'P2', '0.8')} 2`);
    expect(text).toContain(`${bucket('priority_request_duration_seconds', 'P2', '0.05')} 1`);
    expect(text).toContain(`${bucket('priority_ttft_seconds', 'P0', '2')} 1`);
    expect(text).toContain(`${bucket('priority_ttft_seconds', 'P0', '+Inf')} 2`);
    expect(text).toContain(`${bucket('priority_ttft_seconds', 'P2', '+Inf')} 0`);
    expect(text).toContain(`${bucket('priority_inter_token_seconds', 'P0', '0.005')} 1`);
    expect(text).toContain(`${bucket('priority_inter_token_seconds', 'P0', '0.05')} 2`);
    expect(text).toContain(`${bucket('priority_output_tokens_per_second', 'P0', '75')} 0`);
    expect(text).toContain(`${bucket('priority_output_tokens_per_second', 'P0', '100')} 1`);
    expect(text).toContain(`${bucket('priority_output_tokens_per_second', 'P2', '+Inf')} 0`);
  });

  it("labels a compare run's series with its id and experiment, and a run of its own with neither", async () => {
    const run = new RunStats();
    run.ingestLine(JSON.stringify({ type: 'req', t: 1, step: 0, rate: 5, outcome: 'ok', ms: 20 }));
    const compare = { id: 'compare-2026-11-29T10-00-00', experiment: 'faults' };
    const labelled = await clientMetrics(run, 'r', { strategy: 'retry', compare }).metrics();
    const samples = labelled.split('\n').filter((l) => l.startsWith('busybench_client_'));
    for (const sample of samples)
      expect(sample).toContain(
        'run_id="r",strategy="retry",compare="compare-2026-11-29T10-00-00",experiment="faults"}',
      );
    expect(await clientMetrics(run, 'r').metrics()).not.toMatch(/compare=|experiment=/);
  });

  it('exports no priority series for a run without classes', async () => {
    const run = new RunStats();
    run.ingest({ metric: 'busybench_latency', time: 1, value: 5, tags: { step: '0', outcome: 'ok' } });
    const text = await clientMetrics(run, 'r').metrics();
    expect(text).not.toMatch(/^busybench_client_priority_\w+\{/m);
  });
  it('exports the LLM signals in buckets: time to first token, inter-token gaps, tokens per second', async () => {
    const run = new RunStats();
    const line = (ttft: number, itl: number[], tokens: number, ms: number, outcome = 'ok') =>
      JSON.stringify({
        type: 'req',
        t: 1_764_400_000_000,
        step: 0,
        rate: 5,
        stream: true,
        outcome,
        ms,
        ttft,
        itl,
        tokens,
      });
    run.ingestLine(line(1500, [10, 20], 20, 2000)); // first token at 1.5 s, 10 tokens/s
    run.ingestLine(line(2500, [600], 40, 1000)); // 2.5 s, 40 tokens/s
    run.ingestLine(line(100, [5], 30, 1000, 'truncated')); // a cut stream: no tokens/s sample
    const text = await clientMetrics(run, 'r').metrics();
    const at = (name: string, le: string) =>
      Number(
        new RegExp(
          `${name}_bucket\\{step="0",target_rate="5",le="${le.replace('.', '\\.')}",run_id="r",strategy="unnamed"\\} (\\d+)`,
        ).exec(text)?.[1],
      );
    expect(at('busybench_client_ttft_seconds', '0.1')).toBe(1);
    expect(at('busybench_client_ttft_seconds', '2')).toBe(2);
    expect(at('busybench_client_ttft_seconds', '3')).toBe(3);
    expect(text).toContain(
      'busybench_client_inter_token_seconds_count{step="0",target_rate="5",run_id="r",strategy="unnamed"} 4',
    );
    expect(at('busybench_client_output_tokens_per_second', '10')).toBe(1);
    expect(at('busybench_client_output_tokens_per_second', '50')).toBe(2);
    expect(text).toContain(
      'busybench_client_output_tokens_per_second_count{step="0",target_rate="5",run_id="r",strategy="unnamed"} 2',
    );
  });
});

const alert = {
  time: 1,
  alertname: 'Busy',
  severity: 'page',
  summary: '',
  startsAt: '',
  endsAt: '',
  fingerprint: 'f',
  labels: { alertname: 'Busy' },
};
