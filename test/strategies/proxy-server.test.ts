import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { StrategyError } from '../../strategies/src/options.js';
import { proxyServer } from '../../strategies/src/proxy-server.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import { KEY } from '../helpers/mock.js';
import { closeAll, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

const post = (url: string, body: string) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body,
  });

describe('the strategy proxy', () => {
  it('streams SSE as it comes: the first frame arrives long before the last', async () => {
    const mock = await testMock({
      behaviour: {
        latency: { interToken: { type: 'fixed', ms: 40 } },
        output: { minTokens: 20, maxTokens: 20 },
      },
    });
    const p = await startProxy('passthrough', {}, [mock.url]);
    const t0 = performance.now();
    const res = await post(
      p.url,
      JSON.stringify({
        model: 'deepseek-v4-flash',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstMs = performance.now() - t0;
    let text = new TextDecoder().decode(first.value);
    for (let r = await reader.read(); !r.done; r = await reader.read())
      text += new TextDecoder().decode(r.value);
    const totalMs = performance.now() - t0;
    expect(firstMs).toBeLessThan(totalMs / 3);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('passes bad input to the upstream, whose DeepSeek-shaped error the client gets; GETs pass too', async () => {
    const mock = await testMock();
    const p = await startProxy('retry', {}, [mock.url]);
    const bad = await post(p.url, '{"model": ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const models = await fetch(`${p.url}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(((await models.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  it('answers a DeepSeek-shaped 500 when a strategy fails, and serves its metrics', async () => {
    const mock = await testMock();
    const { app } = proxyServer({ name: 'broken', handle: async () => Promise.reject(new Error('boom')) }, [
      mock.url,
    ]);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    onTestFinished(() => app.close());
    const res = await post(url, '{}');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'strategy_failed',
    });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /busybench_strategy_responses_total\{status="500",strategy="broken"\} 1/,
    );
  });

  it('refuses unknown strategies and bad options with every problem at once', () => {
    expect(() => makeStrategy('retry-harder', {})).toThrow(
      /no strategy "retry-harder": one of passthrough, retry/,
    );
    try {
      makeStrategy('retry', { retries: '-1', colour: 'red' });
      expect.unreachable();
    } catch (err) {
      const e = err as StrategyError;
      expect(e.code).toBe('STRATEGY_ERR_BAD_OPTIONS');
      expect(e.problems).toEqual([
        'retries="-1" must be a number from 0 to 20',
        'unknown option "colour" (known: retries, baseMs, maxMs, budget)',
      ]);
    }
  });
});
