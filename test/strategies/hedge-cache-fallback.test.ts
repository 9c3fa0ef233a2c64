import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-helpers.js';
import { admin, KEY, metricValue, scrape } from '../helpers/mock.js';
import { closeAll, FRAMES, fire, nodesOf, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

describe.each(FRAMES)('hedge strategy (%s frame)', (frame) => {
  it('cuts the tail when one node is slow: a second attempt elsewhere wins', async () => {
    const mock = await testMock({
      server: { nodes: 2 },
      behaviour: { latency: { ttft: { type: 'fixed', ms: 10 } } },
      nodeOverrides: [{ latency: { ttft: { type: 'fixed', ms: 1500 } } }, {}],
    });
    let proxy = await startProxy('passthrough', {}, nodesOf(mock), { frame });
    const plain = await fire(proxy.url, 20, 4);
    expect(Math.max(...plain.map((a) => a.ms))).toBeGreaterThan(1400);
    await proxy.close();
    proxy = await startProxy('hedge', { delayMs: '100' }, nodesOf(mock), { frame });
    const hedged = await fire(proxy.url, 20, 4);
    expect(hedged.every((a) => a.status === 200)).toBe(true);
    expect(Math.max(...hedged.map((a) => a.ms))).toBeLessThan(800);
    // The losers are called off, not read to their end: the slow node is soon idle (its answers
    // would take 1.5 s), and the proxy counts them as cancelled.
    const slow = nodesOf(mock)[0] as string;
    const t0 = Date.now();
    while ((await admin(slow, 'GET', '/admin/state')).json.inFlight > 0 && Date.now() - t0 < 5_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - t0).toBeLessThan(700);
    expect(
      metricValue(await scrape(proxy.url), 'busybench_strategy_upstream_attempts_total', { status: '499' }),
    ).toBeGreaterThanOrEqual(5);
  });
});

describe.each(FRAMES)('fallback strategy (%s frame)', (frame) => {
  it('turns an outage into well-formed degraded answers the openai SDK reads, marked as such', async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const proxy = await startProxy('fallback', {}, [mock.url], { frame });
    const client = new OpenAI({ baseURL: proxy.url, apiKey: KEY, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'deepseek-v4-flash', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-busybench-fallback')).toBe('1');
    expect(data.system_fingerprint).toBe('busybench-fallback');
    expect(data.choices[0]?.message.content).toMatch(/busy/);
    const chunks: string[] = [];
    for await (const c of await client.chat.completions.create({
      model: 'deepseek-v4-flash',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    }))
      chunks.push(c.choices[0]?.delta.content ?? '');
    expect(chunks.join('')).toMatch(/busy/);
  });

  it('is counted degraded by the load engine, never a success', async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const proxy = await startProxy('fallback', {}, [mock.url], { frame });
    const summary = join(mkdtempSync(join(tmpdir(), 'busybench-fallback-')), 'summary.json');
    const run = await runCli(
      [
        'load',
        '-t',
        proxy.url,
        '-p',
        'smoke',
        '-r',
        '10',
        '-d',
        '1s',
        '--stream-ratio',
        '0.5',
        '-q',
        '--summary',
        summary,
      ],
      60_000,
    );
    expect(run.code).toBe(99);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.successRate).toBe(0);
    expect(s.errors).toEqual({ degraded: 10 });
  }, 60_000);
});
