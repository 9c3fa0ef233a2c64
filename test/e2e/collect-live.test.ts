import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
import { admin, metricValue, scrape, startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
beforeAll(() => {
  requireBuild();
  engineBinary();
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** A collector following `results` (extra flags after), and its base URL once it listens. */
async function startCollector(results: string, extra: string[] = []) {
  const collector = startCli(
    ['collect', '-r', results, '-p', '0', ...extra],
    /live page http:\/\/127\.0\.0\.1:(\d+)\//,
  );
  const port = /127\.0\.0\.1:(\d+)/.exec(await collector.output)?.[1];
  return { ...collector, url: `http://127.0.0.1:${port}` };
}

/** A stepped run of the engine writing its results live. */
function steppedRun(
  target: string,
  rates: string,
  dir: string,
  results: string,
  stepDuration = '3s',
  extra: string[] = [],
) {
  return runCli(
    [
      'load',
      '-t',
      target,
      '-p',
      'stepped',
      '-r',
      rates,
      '-d',
      stepDuration,
      '--ramp',
      '1s',
      '-q',
      '--results',
      results,
      '--summary',
      join(dir, 's.json'),
      ...extra,
    ],
    90_000,
  );
}

describe('busybench collect, live beside a real engine run', () => {
  it('serves the client view while the engine writes it, and ends with every request counted', async () => {
    mock = await startMock();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-live-'));
    const results = join(dir, 'results.json');
    const collector = await startCollector(results, ['--strategy', 'direct']);
    const { url } = collector;

    const load = steppedRun(mock.url, '30,60', dir, results);
    // While the run goes on, the counts grow.
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const steps = (await (await fetch(`${url}/api/steps`)).json()) as {
        steps: Array<{ requests: number }>;
      };
      seen.push(steps.steps.reduce((n, s) => n + s.requests, 0));
    }
    expect((await load).code).toBe(0);
    expect(seen.some((n, i) => i > 0 && n > (seen[i - 1] ?? 0) && n > 0)).toBe(true);

    await new Promise((r) => setTimeout(r, 600));
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    const final = (await (await fetch(`${url}/api/steps`)).json()) as {
      steps: Array<{ requests: number }>;
      malformedLines: number;
    };
    expect(final.steps.reduce((n, s) => n + s.requests, 0)).toBe(summary.requests);
    expect(final.malformedLines).toBe(0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /busybench_client_requests_total\{step="1",target_rate="60",outcome="ok",run_id="[^"]+",strategy="direct"\}/,
    );
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
  }, 120_000);

  it('refuses a strategy label with spaces or braces, in one line with the usage exit code', async () => {
    const res = await runCli(['collect', '-r', 'results.json', '--strategy', 'retry {5x}']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /--strategy "retry \{5x\}": letters, digits and \. _ \+ : \/ @ - only, at most 128/,
    );
  });

  it('measures amplification 1 and no error masking when the engine hits the mock directly', async () => {
    mock = await startMock({ behaviour: { faults: { errors: { '503': 0.3 } } } });
    const dir = mkdtempSync(join(tmpdir(), 'busybench-kpi-'));
    const results = join(dir, 'results.json');
    const collector = await startCollector(results, ['-u', mock.url]);
    const load = await steppedRun(mock.url, '40,80', dir, results);
    expect(load.code).toBe(99); // 30 % 503 breaks the SLA, as it should
    await new Promise((r) => setTimeout(r, 2500)); // a scrape after the last request
    const { steps } = (await (await fetch(`${collector.url}/api/steps`)).json()) as {
      steps: Array<{ step: number; amplification: number; errorMasking: number; successRate: number }>;
    };
    expect(steps).toHaveLength(2);
    for (const s of steps) {
      // No strategy: every request is one attempt, and clients see every upstream error.
      expect(s.amplification).toBeGreaterThan(0.85);
      expect(s.amplification).toBeLessThan(1.15);
      expect(Math.abs(s.errorMasking)).toBeLessThan(0.25);
    }
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    expect(metrics).toMatch(/busybench_client_amplification\{step="0",target_rate="40"/);
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
  }, 120_000);

  it("measures a retrying client's amplification as the mock's attempts over the engine's requests", async () => {
    // Half the attempts fail: with up to 3 retries 0.5^4 = 6.25 % of requests still fail, ~20 of
    // the ~320 sent, so the SLA breach is certain (at 30 % it was 0.8 %, and none failing
    // happened about once in fifteen runs).
    mock = await startMock({ behaviour: { faults: { errors: { '503': 0.5 } } } });
    const dir = mkdtempSync(join(tmpdir(), 'busybench-retry-'));
    const results = join(dir, 'results.json');
    const collector = await startCollector(results, ['-u', mock.url]);
    const load = await steppedRun(mock.url, '40', dir, results, '8s', ['--client-retries', '3']);
    await new Promise((r) => setTimeout(r, 2500)); // a scrape after the last request
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    const mockAttempts = metricValue(await scrape(mock.url), 'busybench_mock_requests_total', {
      endpoint: '/chat/completions',
    });
    // The engine counts its own HTTP attempts: the same number the mock answered.
    expect(summary.attempts).toBe(mockAttempts);
    const truth = mockAttempts / summary.requests;
    // 50 % failures, up to 3 retries: 1 + 0.5 + 0.25 + 0.125 = 1.875 attempts per request.
    expect(truth).toBeGreaterThan(1.7);
    expect(truth).toBeLessThan(2.05);
    const { steps } = (await (await fetch(`${collector.url}/api/steps`)).json()) as {
      steps: Array<{ amplification: number; successRate: number }>;
    };
    expect(steps).toHaveLength(1);
    expect(Math.abs((steps[0]?.amplification as number) / truth - 1)).toBeLessThan(0.02);
    // The retries hid most of the failures (50 % → 6.25 %), not all.
    expect(steps[0]?.successRate).toBeGreaterThan(0.88);
    expect(steps[0]?.successRate).toBeLessThan(0.99);
    expect(load.code).toBe(99); // still short of 99.95 %
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
  }, 120_000);

  it('sees the fault phase, measures recovery after it, takes alerts, and leaves a report that rebuilds', async () => {
    mock = await startMock();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-recovery-'));
    const results = join(dir, 'results.json');
    const html = join(dir, 'report.html');
    const collector = await startCollector(results, ['-u', mock.url, '--html', html, '--run-id', 'rec']);
    const scenario = {
      name: 'blip',
      duration: '60s',
      phases: [
        { at: '0s', name: 'calm' },
        { at: '3s', name: 'outage', set: { faults: { errors: { '503': 1 } } } },
        { at: '6s', name: 'calm-again' },
      ],
    };
    await admin(mock.url, 'POST', '/admin/scenario', { scenario });
    // 12 s: the outage ends at 6 s and recovery needs a whole 5-s stretch of traffic after it (k6
    // ramped 1 s into the first step too, which the engine's schedule does not).
    const load = steppedRun(mock.url, '40', dir, results, '12s');
    // Alertmanager's webhook, as it would call it mid-run (a real Alertmanager: test/e2e of alerts).
    const hook = await fetch(`${collector.url}/api/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        status: 'firing',
        alerts: [
          { status: 'firing', labels: { alertname: 'BusybenchErrors' }, startsAt: new Date().toISOString() },
        ],
      }),
    });
    expect(hook.status).toBe(200);
    // Another run's alert (one Alertmanager serves every run of a compare) is not this run's.
    const other = await fetch(`${collector.url}/api/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        alerts: [{ status: 'firing', labels: { alertname: 'Elsewhere', run_id: 'other' }, startsAt: '' }],
      }),
    });
    expect(await other.json()).toEqual({ received: 0, ignored: 1 });
    const bad = await fetch(`${collector.url}/api/alerts`, {
      method: 'POST',
      body: '{"alerts":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toMatch(/\w/);
    expect((await load).code).toBe(99); // the outage breaks the SLA
    await new Promise((r) => setTimeout(r, 1500));
    const live = (await (await fetch(`${collector.url}/api/live`)).json()) as {
      phases: Array<{ phase: string; fault: boolean }>;
      recovery: Array<{ phase: string; status: string; recoveryS: number }>;
      alerts: Array<{ alertname: string }>;
    };
    expect(live.phases.map((p) => [p.phase, p.fault])).toEqual([
      ['calm', false],
      ['outage', true],
      ['calm-again', false],
    ]);
    // No strategy: the errors stop when the outage does (within a scrape's second).
    expect(live.recovery).toHaveLength(1);
    expect(live.recovery[0]).toMatchObject({ phase: 'outage', status: 'recovered' });
    expect(live.recovery[0]?.recoveryS).toBeLessThanOrEqual(2);
    expect(live.alerts.map((a) => a.alertname)).toEqual(['BusybenchErrors']);

    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('BusybenchErrors');
    // The saved results and events rebuild the same recovery without the collector.
    const report = await runCli(['report', results, '--json', join(dir, 'r.json')]);
    expect(report.code).toBe(99);
    expect(report.stdout).toMatch(/recovery after outage: \d+\.\d s/);
    const rebuilt = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(rebuilt.recovery).toEqual(live.recovery);
    expect(rebuilt.alerts.map((a: { alertname: string }) => a.alertname)).toEqual(['BusybenchErrors']);
  }, 120_000);
});
