import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { packageRoot } from '../../common/paths.js';
import type { StrategyError } from '../../strategies/src/errors.js';
import { proxyServer } from '../../strategies/src/proxy-server.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import { admin, HELLO, KEY, metricValue, scrape, untilInFlight } from '../helpers/mock.js';
import { expectQuickStop } from './quick-stop.js';
import {
  attempts,
  closeAll,
  FRAMES,
  type Frame,
  startNodeProxy,
  startProxy,
  testMock,
} from './strategy-helpers.js';

afterEach(closeAll);

const post = (url: string, body: string) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body,
  });

/** A stream of 20 tokens 40 ms apart through passthrough: when its first and last bytes came. */
async function streamTiming(
  frame: Frame,
  body: object,
): Promise<{ firstMs: number; totalMs: number; text: string }> {
  const mock = await testMock({
    behaviour: {
      latency: { interToken: { type: 'fixed', ms: 40 } },
      output: { minTokens: 20, maxTokens: 20 },
    },
  });
  const p = await startProxy('passthrough', {}, [mock.url], { frame });
  const t0 = performance.now();
  const res = await post(p.url, JSON.stringify(body));
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  const firstMs = performance.now() - t0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
  return { firstMs, totalMs: performance.now() - t0, text };
}

describe('the strategy proxy', () => {
  it.each(FRAMES)(
    'streams SSE as it comes: the first frame arrives long before the last (%s frame)',
    async (frame) => {
      const { firstMs, totalMs, text } = await streamTiming(frame, {
        model: 'deepseek-v4-flash',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(firstMs).toBeLessThan(totalMs / 3);
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    },
  );

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

describe.each(FRAMES)('the strategy proxy at its edges (%s frame)', (frame) => {
  it('streams an answer whose request put "stream": true after a long prompt', async () => {
    const { firstMs, totalMs } = await streamTiming(frame, {
      model: 'deepseek-v4-flash',
      messages: [{ role: 'user', content: 'long '.repeat(2000) }],
      stream: true,
    });
    expect(firstMs).toBeLessThan(totalMs / 3);
  });

  it('refuses a body declared over 16 MiB at once with a DeepSeek-shaped 413, without reading it', async () => {
    const mock = await testMock();
    const p = await startProxy('passthrough', {}, [mock.url], { frame });
    const { port } = new URL(p.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(
      'POST /chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{',
    );
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
    });
    await once(socket, 'close');
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain('"code":"body_too_large"');
    expect(await attempts(mock.url)).toBe(0);
  });

  it("takes a client's Expect: 100-continue without passing the header on", async () => {
    const mock = await testMock();
    const p = await startProxy('passthrough', {}, [mock.url], { frame });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${p.url}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${KEY}`,
          expect: '100-continue',
        },
      });
      req.on('continue', () => req.end(JSON.stringify(HELLO)));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    expect(status).toBe(200);
  });

  it('a client that leaves mid-stream stops the upstream answer and leaves nothing in flight', async () => {
    const mock = await testMock({
      behaviour: {
        latency: { interToken: { type: 'fixed', ms: 100 } },
        output: { minTokens: 50, maxTokens: 50 },
      },
    });
    const p = await startProxy('passthrough', {}, [mock.url], { frame });
    const leave = new AbortController();
    const res = await fetch(`${p.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ ...HELLO, stream: true }),
      signal: leave.signal,
    });
    await (res.body as ReadableStream<Uint8Array>).getReader().read();
    leave.abort();
    // 50 tokens 100 ms apart would hold the node for 5 s.
    const t0 = Date.now();
    while (Date.now() - t0 < 3_000) {
      const upstream = (await admin(mock.url, 'GET', '/admin/state')).json.inFlight;
      const ours = metricValue(await scrape(p.url), 'busybench_strategy_in_flight');
      if (upstream === 0 && ours === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Date.now() - t0).toBeLessThan(1_500);
  });
});

describe.each(FRAMES)('a client that hangs up before its answer (%s frame)', (frame) => {
  /** Sends a non-streaming request through `url` and leaves after `ms`. */
  const leaveAfter = async (url: string, ms: number) => {
    const leave = new AbortController();
    const sent = fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(HELLO),
      signal: leave.signal,
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, ms));
    leave.abort();
    await sent;
  };

  it('stops the request upstream, as nginx does, and the frame counts it as 499', async () => {
    const mock = await testMock({ behaviour: { latency: { ttft: { type: 'fixed', ms: 4_000 } } } });
    const p = await startProxy('passthrough', {}, [mock.url], { frame });
    await leaveAfter(p.url, 300);
    // 4 s to the first token would hold the node that long.
    const t0 = Date.now();
    while (Date.now() - t0 < 3_000) {
      if ((await admin(mock.url, 'GET', '/admin/state')).json.inFlight === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Date.now() - t0).toBeLessThan(1_500);
    const metrics = await scrape(p.url);
    expect(metricValue(metrics, 'busybench_strategy_upstream_attempts_total', { status: '499' })).toBe(1);
    expect(metricValue(metrics, 'busybench_strategy_in_flight')).toBe(0);
  });

  it('ends a retry: no attempt is sent for a client that left', async () => {
    // Every answer a 503: retry tries 4 times, 0–1 s apart (full jitter), unless told otherwise.
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const p = await startProxy('retry', { baseMs: '1000', maxMs: '1000' }, [mock.url], { frame });
    await leaveAfter(p.url, 50);
    const atLeave = await attempts(mock.url);
    expect(atLeave).toBeLessThan(4);
    await new Promise((r) => setTimeout(r, 3_200));
    expect(await attempts(mock.url)).toBe(atLeave);
    const metrics = await scrape(p.url);
    expect(metricValue(metrics, 'busybench_strategy_upstream_attempts_total', { status: '499' })).toBe(1);
    expect(metricValue(metrics, 'busybench_strategy_in_flight')).toBe(0);
  });
});

describe('the strategy proxy shutting down', () => {
  it('lets answers under way finish, refuses new connections, and closes idle ones at once', async () => {
    const mock = await testMock({ behaviour: { latency: { ttft: { type: 'fixed', ms: 600 } } } });
    const p = await startNodeProxy('passthrough', {}, [mock.url]);
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const idle = await request(`${p.url}/health`, { dispatcher: agent });
    await idle.body.text();
    const underWay = post(p.url, JSON.stringify(HELLO));
    await untilInFlight(mock.url, 1);
    const t0 = performance.now();
    const closed = p.app.close();
    const answer = await underWay;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    await closed;
    // The answer (600 ms to its first token) and not the 3 s deadline decided when close ended.
    expect(performance.now() - t0).toBeLessThan(2_000);
    await expect(fetch(`${p.url}/health`)).rejects.toThrow();
    await agent.destroy();
  });

  it('busybench strategy exits within 5 s of SIGTERM with connections open and an answer under way', async () => {
    const mock = await testMock({ server: { nodes: 1 } });
    const child = spawn(
      process.execPath,
      [join(packageRoot(), 'bin/busybench.js'), 'strategy', 'passthrough', '-u', mock.url, '-p', '0'],
      { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const m = /listening on (http:\/\/[\d.:]+)/.exec(chunk.toString());
        if (m) resolve(m[1] as string);
      });
      child.once('exit', () => reject(new Error('busybench strategy exited before listening')));
    });
    const exited = once(child, 'exit');
    await expectQuickStop(url, mock, child.pid as number, async () => {
      child.kill('SIGTERM');
      await exited;
    });
  });
});
