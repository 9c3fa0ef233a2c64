import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chat,
  HELLO,
  KEY,
  metricValue,
  scrape,
  sseFrames,
  startMock,
  type TestMock,
  untilInFlight,
} from '../../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** Records the body as it arrives, with the time of each piece, through node:http. */
function timedBody(
  url: string,
  body: object,
): Promise<{ status: number; pieces: Array<{ at: number; text: string }> }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    });
    req.on('response', (res) => {
      const pieces: Array<{ at: number; text: string }> = [];
      res.setEncoding('utf8');
      res.on('data', (text: string) => pieces.push({ at: performance.now() - t0, text }));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pieces }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const HOLD = {
  latency: {
    ttft: { type: 'fixed', ms: 500 },
    interToken: { type: 'fixed', ms: 0 },
    slowdown: { threshold: 1, maxMultiplier: 1 },
  },
  capacity: { maxInFlight: 1, overflow: 'hold', holdKeepAliveInterval: '100ms', holdTimeout: '5s' },
};

describe("DeepSeek's hold behaviour", () => {
  it('holds a non-streaming request with blank lines until capacity frees, then answers', async () => {
    mock = await startMock({ behaviour: HOLD });
    const first = chat(mock.url);
    await untilInFlight(mock.url, 1);
    const held = await timedBody(mock.url, HELLO);
    expect(held.status).toBe(200);
    const text = held.pieces.map((p) => p.text).join('');
    expect(text).toMatch(/^\n+\{/);
    expect(JSON.parse(text).object).toBe('chat.completion');
    expect((await first).status).toBe(200);
  });

  it('holds a stream with ": keep-alive" comments', async () => {
    mock = await startMock({ behaviour: HOLD });
    const first = chat(mock.url);
    await untilInFlight(mock.url, 1);
    const held = await timedBody(mock.url, { ...HELLO, stream: true });
    const text = held.pieces.map((p) => p.text).join('');
    expect(text.startsWith(': keep-alive\n\n')).toBe(true);
    expect(sseFrames(text).at(-1)).toBe('[DONE]');
    await first;
  });

  it('closes a held request with an empty 200 after the hold timeout', async () => {
    mock = await startMock({ behaviour: { ...HOLD, capacity: { ...HOLD.capacity, holdTimeout: '300ms' } } });
    const held = await chat(mock.url, HELLO, { headers: { 'x-busybench-fault': 'hold' } });
    expect(held.status).toBe(200);
    expect(held.text.trim()).toBe('');
    expect(held.ms).toBeGreaterThan(290);
    const metrics = await scrape(mock.url);
    expect(metricValue(metrics, 'busybench_mock_injected_faults_total', { kind: 'hold_timeout' })).toBe(1);
    expect(metricValue(metrics, 'busybench_mock_held')).toBe(0);
  });
});
