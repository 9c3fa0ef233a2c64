import { describe, expect, it } from 'vitest';
import { makeSampler, slowdownMultiplier } from '../../../mock-server/src/busy/latency-model.js';
import { Rng } from '../../../mock-server/src/rng.js';
import { HELLO, KEY, metricValue, scrape, startMock, untilInFlight } from '../../helpers/mock.js';

function samples(sampler: (rng: Rng) => number, n = 20_000): number[] {
  const rng = new Rng(7);
  return Array.from({ length: n }, () => sampler(rng)).sort((a, b) => a - b);
}
const quantile = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;

describe('latency model', () => {
  it('gives the configured fixed value, scaled by a multiplier', () => {
    expect(makeSampler({ type: 'fixed', ms: 40 }, 5)(new Rng(1))).toBe(200);
  });

  it('keeps uniform samples inside their bounds with the right mean', () => {
    const s = samples(makeSampler({ type: 'uniform', minMs: 100, maxMs: 300 }));
    expect(s[0]).toBeGreaterThanOrEqual(100);
    expect(s.at(-1)).toBeLessThanOrEqual(300);
    expect(quantile(s, 0.5)).toBeGreaterThan(190);
    expect(quantile(s, 0.5)).toBeLessThan(210);
  });

  it('matches the lognormal median and p99 (exp(mu + 2.326 sigma)) within 3 %', () => {
    const s = samples(makeSampler({ type: 'lognormal', medianMs: 100, sigma: 0.5 }), 50_000);
    expect(quantile(s, 0.5)).toBeGreaterThan(97);
    expect(quantile(s, 0.5)).toBeLessThan(103);
    const p99 = 100 * Math.exp(2.3263 * 0.5);
    expect(Math.abs(quantile(s, 0.99) - p99) / p99).toBeLessThan(0.03);
  });

  it('never gives a negative normal sample', () => {
    const s = samples(makeSampler({ type: 'normal', meanMs: 10, stdMs: 20 }));
    expect(s[0]).toBeGreaterThanOrEqual(0);
  });

  it('slows down only past the threshold, up to the maximum at full capacity', () => {
    const rule = { threshold: 0.5, maxMultiplier: 3 };
    expect(slowdownMultiplier(40, 100, rule)).toBe(1);
    expect(slowdownMultiplier(75, 100, rule)).toBeCloseTo(2);
    expect(slowdownMultiplier(100, 100, rule)).toBeCloseTo(3);
    expect(slowdownMultiplier(500, 100, rule)).toBeCloseTo(3);
  });
});

describe('the slowdown, through real requests', () => {
  it('stretches the time to first token as requests fill the node, as clients see it', async () => {
    // 10 in flight at most; past half of them, each new request's first token comes later, up to
    // 3x at full: the i-th request in (1-based) waits 200 ms x 1, 1, 1, 1, 1, 1.4, 1.8, 2.2, 2.6, 3.
    const mock = await startMock({
      behaviour: {
        capacity: { maxInFlight: 10, queueSize: 0 },
        latency: {
          ttft: { type: 'fixed', ms: 200 },
          // A long second token keeps every stream in flight until the last has its first.
          interToken: { type: 'fixed', ms: 10_000 },
          // No prefill: the first token's time is the base's alone, slowed down.
          prefill: { msPerToken: 0 },
          slowdown: { threshold: 0.5, maxMultiplier: 3 },
        },
        output: { minTokens: 2, maxTokens: 2, reasoningTokens: 0 },
      },
    });
    const expected = [1, 1, 1, 1, 1, 1.4, 1.8, 2.2, 2.6, 3].map((m) => 200 * m);
    const leave = new AbortController();
    try {
      // fetch's first call loads its HTTP client (~100 ms): not the mock's time.
      await scrape(mock.url);
      const firstTokens: Array<Promise<number>> = [];
      for (let i = 1; i <= expected.length; i++) {
        firstTokens.push(firstTokenMs(mock.url, leave.signal));
        // The next one goes in once this one is in: each meets a known number in flight.
        await untilInFlight(mock.url, i);
      }
      const seen = await Promise.all(firstTokens);
      // The mock's own record of what it served: exactly the model's.
      const served = metricValue(await scrape(mock.url), 'busybench_mock_ttft_seconds_sum') * 1000;
      expect(served).toBeCloseTo(
        expected.reduce((a, b) => a + b, 0),
        6,
      );
      // The clients': never earlier than served, and late only by what a loaded machine adds
      // (the scheduler, the event loop the test shares with the mock).
      for (const [i, ms] of seen.entries()) {
        expect(ms, `request ${i + 1}`).toBeGreaterThanOrEqual((expected[i] as number) - 2);
        expect(ms, `request ${i + 1}`).toBeLessThan((expected[i] as number) + 60);
      }
    } finally {
      leave.abort();
      await mock.close();
    }
  });
});

/** Sends a streaming request and resolves with the ms to its first token (then keeps it open). */
async function firstTokenMs(url: string, signal: AbortSignal): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ ...HELLO, stream: true, thinking: { type: 'disabled' } }),
    signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  // Headers go out at once; the body's first bytes are the role frame and the first token.
  await reader.read();
  const ms = performance.now() - t0;
  void reader.read().catch(() => {});
  return ms;
}
