import { afterEach, describe, expect, it } from 'vitest';
import { chat, HELLO, metricValue, scrape, startMock, type TestMock } from '../../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const slow = {
  latency: {
    ttft: { type: 'fixed', ms: 300 },
    interToken: { type: 'fixed', ms: 0 },
    slowdown: { threshold: 1, maxMultiplier: 1 },
  },
};
const statuses = (results: Array<{ status: number }>) =>
  results.reduce<Record<number, number>>((acc, r) => {
    acc[r.status] = (acc[r.status] ?? 0) + 1;
    return acc;
  }, {});

describe('busy rules', () => {
  it('limits concurrency per account, whatever the key, with the real 429 message', async () => {
    mock = await startMock({
      accounts: [{ id: 'acct', keys: ['k-a', 'k-b', 'k-c'], balance: 10, concurrencyLimit: 6 }],
      // The first answers must outlast the last arrival: at 300 ms, a loaded CI machine once let
      // the twelfth request in after the first had ended (7 admitted, 5 refused).
      behaviour: { ...slow, latency: { ...slow.latency, ttft: { type: 'fixed', ms: 2000 } } },
    });
    const keys = ['k-a', 'k-b', 'k-c'];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => chat(mock!.url, HELLO, { key: keys[i % 3] })),
    );
    expect(statuses(results)).toEqual({ 200: 6, 429: 6 });
    const refused = results.find((r) => r.status === 429)!.json();
    expect(refused.error.message).toMatch(
      /^Your current concurrency is 7, which exceeds your concurrency limit of 6/,
    );
    expect(refused.error.type).toBe('rate_limit_error');
    expect(
      metricValue(await scrape(mock.url), 'busybench_mock_limit_rejections_total', { limit: 'concurrency' }),
    ).toBe(6);
  });

  it('scales the limit with the remaining balance when that rule is on', async () => {
    mock = await startMock({
      accounts: [{ id: 'poor', keys: ['k'], balance: 0.1 }],
      behaviour: {
        ...slow,
        limits: { concurrency: { scaleWithBalance: true, base: 3, perBalanceUnit: 10 } },
      },
    });
    const results = await Promise.all(Array.from({ length: 8 }, () => chat(mock!.url, HELLO, { key: 'k' })));
    expect(statuses(results)).toEqual({ 200: 4, 429: 4 });
    expect(results.find((r) => r.status === 429)!.json().error.message).toMatch(
      /limit of 4 based on your remaining balance/,
    );
  });

  it('limits requests per minute, with Retry-After only when switched on', async () => {
    mock = await startMock({
      behaviour: { limits: { rpm: { limit: 5, scope: 'key' }, retryAfterSeconds: 7 } },
    });
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await chat(mock.url));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(results[5]!.json().error.message).toBe('Rate limit reached for RPM');
    expect(results[5]!.headers.get('retry-after')).toBe('7');
    // Another key of the same account has its own bucket when the scope is "key".
    expect((await chat(mock.url, HELLO, { key: 'sk-busybench-2' })).status).toBe(200);
  });

  it('sends no Retry-After by default, as the real API', async () => {
    mock = await startMock({ behaviour: { limits: { rpm: { limit: 1, scope: 'account' } } } });
    await chat(mock.url);
    const refused = await chat(mock.url, HELLO, { key: 'sk-busybench-2' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
  });

  it('limits tokens per minute with the TPM message', async () => {
    mock = await startMock({ behaviour: { limits: { tpm: { limit: 100, scope: 'account' } } } });
    const first = await chat(mock.url);
    const perRequest = first.json().usage.total_tokens;
    // The bucket is charged prompt + planned output up front, so it holds floor(100 / cost) requests.
    const allowed = Math.floor(100 / perRequest);
    const results = [first];
    for (let i = 1; i < allowed + 2; i++) results.push(await chat(mock.url));
    expect(results.map((r) => r.status)).toEqual(results.map((_, i) => (i < allowed ? 200 : 429)));
    expect(results.at(-1)!.json().error.message).toBe('Rate limit reached for TPM');
  });

  it('answers 503 Server Overloaded past node capacity', async () => {
    mock = await startMock({ behaviour: { ...slow, capacity: { maxInFlight: 3 } } });
    const results = await Promise.all(Array.from({ length: 8 }, () => chat(mock!.url)));
    expect(statuses(results)).toEqual({ 200: 3, 503: 5 });
    expect(results.find((r) => r.status === 503)!.json().error.message).toMatch(/^Server Overloaded/);
  });

  it('queues past capacity and serves the queue in turn', async () => {
    mock = await startMock({ behaviour: { ...slow, capacity: { maxInFlight: 2, queueSize: 2 } } });
    const results = await Promise.all(Array.from({ length: 6 }, () => chat(mock!.url)));
    expect(statuses(results)).toEqual({ 200: 4, 503: 2 });
    const waited = results
      .filter((r) => r.status === 200)
      .map((r) => r.ms)
      .sort((a, b) => a - b);
    expect(waited[3]).toBeGreaterThan(550);
  });

  it('answers 503 when a queued request waits past the queue timeout', async () => {
    mock = await startMock({
      behaviour: { ...slow, capacity: { maxInFlight: 1, queueSize: 5, queueTimeout: '100ms' } },
    });
    const results = await Promise.all(Array.from({ length: 3 }, () => chat(mock!.url)));
    expect(statuses(results)).toEqual({ 200: 1, 503: 2 });
    expect(
      metricValue(await scrape(mock.url), 'busybench_mock_limit_rejections_total', {
        limit: 'queue_timeout',
      }),
    ).toBe(2);
  });
});
