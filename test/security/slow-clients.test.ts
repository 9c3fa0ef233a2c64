import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Collector, createCollector } from '../../collector/src/live-server.js';
import { LISTENER_TIMEOUTS } from '../../common/listener-timeouts.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { chat } from '../helpers/mock.js';
import { closeAll, startProxy, testMock } from '../strategies/strategy-helpers.js';

let collector: Collector | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
  await closeAll();
});

/** Sends headers that never end; resolves with what came back and when the listener hung up. */
function slowHeaders(url: string): Promise<{ ms: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const t0 = Date.now();
    let answer = '';
    const socket = connect(Number(port), hostname, () =>
      socket.write('POST /chat/completions HTTP/1.1\r\nHost: x\r\n'),
    );
    // A byte every 2 s: the headers trickle, never end.
    const drip = setInterval(() => socket.write('x'), 2000);
    socket.on('data', (b) => {
      answer += b.toString();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ ms: Date.now() - t0, answer: answer.split('\r\n')[0] ?? '' });
    });
  });
}

/**
 * Every listener gives a client so long to send its headers (the frame's `requestTimeout: 0`
 * turned Node's header timeout off: a slow client held a socket for ever), and none bounds the
 * answer: a first token 12 s late still arrives through the frame.
 */
describe('slow clients', () => {
  it('the mock, both strategy frames and the collector hang up on headers that never end; a slow answer still comes', async () => {
    const slow = await testMock({ behaviour: { latency: { ttft: { type: 'fixed', ms: 12_000 } } } });
    const mock = await testMock();
    const proxy = await startProxy('passthrough', {}, [slow.url]);
    const goProxy = await startProxy('passthrough', {}, [slow.url], { frame: 'go' });
    collector = createCollector({
      receive: mkdtempSync(join(tmpdir(), 'busybench-slow-')),
      runId: 'slow',
      sla: DEFAULT_SLA,
      upstream: [],
    });
    const collectorUrl = await collector.app.listen({ host: '127.0.0.1', port: 0 });
    const [m, p, g, c, answer, goAnswer] = await Promise.all([
      slowHeaders(mock.url),
      slowHeaders(proxy.url),
      slowHeaders(goProxy.url),
      slowHeaders(collectorUrl),
      chat(proxy.url),
      chat(goProxy.url),
    ]);
    for (const [name, r] of [
      ['mock', m],
      ['Node frame', p],
      ['Go frame', g],
      ['collector', c],
    ] as const) {
      expect(r.answer, name).toMatch(/^HTTP\/1\.1 408 Request Timeout$/i);
      expect(r.ms, name).toBeGreaterThanOrEqual(LISTENER_TIMEOUTS.headersTimeout - 100);
      expect(r.ms, name).toBeLessThan(LISTENER_TIMEOUTS.headersTimeout + 5_000);
    }
    expect(answer.status).toBe(200);
    expect(goAnswer.status).toBe(200);
  }, 40_000);
});
