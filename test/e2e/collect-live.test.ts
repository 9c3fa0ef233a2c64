import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { k6Binary } from '../../cli/k6-binary.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
import { startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
beforeAll(() => {
  requireBuild();
  k6Binary();
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** A collector following `results` (extra flags after), and its base URL once it listens. */
async function startCollector(results: string, extra: string[] = []) {
  const collector = startCli(
    ['collect', '-r', results, '-p', '0', ...extra],
    /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/,
  );
  const port = /127\.0\.0\.1:(\d+)/.exec(await collector.output)?.[1];
  return { ...collector, url: `http://127.0.0.1:${port}` };
}

/** A two-step k6 run writing its results live. */
function steppedRun(target: string, rates: string, dir: string, results: string) {
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
      '3s',
      '--ramp',
      '1s',
      '-q',
      '--results',
      results,
      '--summary',
      join(dir, 's.json'),
    ],
    90_000,
  );
}

describe('busybench collect, live beside a real k6 run', () => {
  it('serves the client view while k6 writes it, and ends with every request counted', async () => {
    mock = await startMock();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-live-'));
    const results = join(dir, 'results.json');
    const collector = await startCollector(results);
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
    expect(metrics).toMatch(/busybench_client_requests\{step="1",target_rate="60",outcome="ok"/);
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
  }, 120_000);

  it('measures amplification 1 and no error masking when k6 hits the mock directly', async () => {
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
});
