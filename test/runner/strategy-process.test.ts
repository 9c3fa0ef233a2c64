import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStrategyProcess } from '../../runner/src/strategy-process.js';
import type { RunningStrategy } from '../../strategies/src/start-strategy.js';
import { requireBuild } from '../cli/cli-helpers.js';
import { chat, metricValue, scrape, startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
let strategy: RunningStrategy | undefined;
beforeAll(requireBuild);
afterEach(async () => {
  await strategy?.stop();
  await mock?.close();
  strategy = mock = undefined;
});

const dir = () => mkdtempSync(join(tmpdir(), 'busybench-strategy-process-'));

describe('a run starts its strategy as a process of its own', () => {
  it('passes the options on: retries=0 sends each request once, retries=3 four times', async () => {
    mock = await startMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const url = mock.url;
    const sent = async (retries: string) => {
      strategy = await startStrategyProcess(
        { name: 'retry', options: { retries, baseMs: '1', maxMs: '2', budget: '10' } },
        [url],
        dir(),
      );
      const before = metricValue(await scrape(url), 'busybench_mock_requests_total', {
        endpoint: '/chat/completions',
      });
      for (let i = 0; i < 5; i++) expect((await chat(strategy.url)).status).toBe(503);
      await strategy.stop();
      const after = metricValue(await scrape(url), 'busybench_mock_requests_total', {
        endpoint: '/chat/completions',
      });
      return after - before;
    };
    expect(await sent('0')).toBe(5);
    expect(await sent('3')).toBe(20);
  }, 60_000);

  it('names a chain as the child does, serves its /metrics, and is gone once stopped', async () => {
    mock = await startMock();
    strategy = await startStrategyProcess(
      { name: 'retry+breaker', options: { 'retry.retries': '1' } },
      [mock.url],
      dir(),
    );
    expect(strategy.name).toBe('retry+breaker@go'); // the Go frame, the chain's default
    expect((await chat(strategy.url)).status).toBe(200);
    expect(strategy.metricsUrl).toBe(`${strategy.url}/metrics`);
    expect(await (await fetch(strategy.metricsUrl as string)).text()).toMatch(
      /busybench_strategy_upstream_attempts_total/,
    );
    await strategy.stop();
    await expect(fetch(strategy.url)).rejects.toThrow();
  }, 60_000);

  it("says why when the child cannot start, with the child's own error", async () => {
    const started = startStrategyProcess(
      { name: 'retry', options: { retries: 'x' } },
      ['http://127.0.0.1:9'],
      dir(),
    );
    await expect(started).rejects.toThrow(
      /the strategy retry exited \(2\) before listening: .*STRATEGY_ERR_BAD_OPTIONS.*retries="x" must be a number/,
    );
  }, 60_000);
});
