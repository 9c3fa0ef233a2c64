import { afterEach, describe, expect, it } from 'vitest';
import { chat, HELLO, metricValue, scrape, sseFrames, startMock, type TestMock } from '../../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const STREAM = { ...HELLO, stream: true };
const faultHeader = (kind: string) => ({ headers: { 'x-busybench-fault': kind } });

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? String(err);
  }
  throw new Error('expected the request to fail');
}

describe('injected faults', () => {
  it('injects errors at the configured rate, counted in the ground truth', async () => {
    mock = await startMock({ behaviour: { faults: { errors: { '503': 0.2, '500': 0.1 } } } });
    const n = 1000;
    const results = await Promise.all(Array.from({ length: n }, () => chat(mock!.url)));
    const count = (s: number) => results.filter((r) => r.status === s).length;
    // Binomial bounds: 4 standard deviations either side.
    const within = (k: number, p: number) => Math.abs(k - n * p) < 4 * Math.sqrt(n * p * (1 - p));
    expect(within(count(503), 0.2)).toBe(true);
    expect(within(count(500), 0.1)).toBe(true);
    const metrics = await scrape(mock.url);
    expect(metricValue(metrics, 'busybench_mock_injected_faults_total', { kind: 'error_503' })).toBe(
      count(503),
    );
    expect(metricValue(metrics, 'busybench_mock_requests_total', { status: '503' })).toBe(count(503));
  });

  it('replays the same faults for the same seed', async () => {
    const run = async (seed: number) => {
      const m = await startMock({ seed, behaviour: { faults: { errors: { '503': 0.5 } } } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await chat(m.url)).status);
      await m.close();
      return statuses.join(',');
    };
    expect(await run(11)).toBe(await run(11));
    expect(await run(11)).not.toBe(await run(12));
  });

  it('cuts a stream short without [DONE]', async () => {
    mock = await startMock();
    const frames = sseFrames((await chat(mock.url, STREAM, faultHeader('truncate'))).text);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames).not.toContain('[DONE]');
    expect(frames.some((f) => typeof f === 'object' && (f as any).choices[0]?.finish_reason)).toBe(false);
  });

  it('ends with finish_reason insufficient_system_resource, streaming and not', async () => {
    mock = await startMock();
    const body = (await chat(mock.url, HELLO, faultHeader('insufficient_resource'))).json();
    expect(body.choices[0].finish_reason).toBe('insufficient_system_resource');
    const frames = sseFrames((await chat(mock.url, STREAM, faultHeader('insufficient_resource'))).text);
    expect(frames.at(-1)).toBe('[DONE]');
    expect((frames.at(-2) as any).choices[0].finish_reason).toBe('insufficient_system_resource');
  });

  it('stalls between two tokens for the configured time', async () => {
    mock = await startMock({ behaviour: { faults: { stream: { stallDuration: '400ms' } } } });
    const res = await chat(mock.url, STREAM, faultHeader('stall'));
    expect(res.ms).toBeGreaterThan(390);
    expect(sseFrames(res.text).at(-1)).toBe('[DONE]');
  });

  it('resets the connection', async () => {
    mock = await startMock();
    expect(await failure(chat(mock.url, HELLO, faultHeader('reset')))).toMatch(
      /ECONNRESET|UND_ERR_SOCKET|other side closed/,
    );
    expect(
      metricValue(await scrape(mock.url), 'busybench_mock_injected_faults_total', { kind: 'network_reset' }),
    ).toBe(1);
  });

  it('accepts and never answers, closing after the blackhole timeout', async () => {
    mock = await startMock({ behaviour: { faults: { network: { blackholeTimeout: '300ms' } } } });
    const t0 = performance.now();
    await failure(chat(mock.url, HELLO, faultHeader('blackhole')));
    expect(performance.now() - t0).toBeGreaterThan(290);
  });

  it('trickles a slow body at the configured bytes per second', async () => {
    mock = await startMock({ behaviour: { faults: { network: { slowBodyBytesPerSecond: 1000 } } } });
    const res = await chat(mock.url, HELLO, faultHeader('slow_body'));
    expect(res.status).toBe(200);
    const expectedMs = (Buffer.byteLength(res.text) / 1000) * 1000;
    expect(res.ms).toBeGreaterThan(expectedMs * 0.8);
    expect(res.json().object).toBe('chat.completion');
  });

  it('serves malformed JSON with a 200', async () => {
    mock = await startMock();
    const res = await chat(mock.url, HELLO, faultHeader('malformed_json'));
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('draws network and stream faults at their rates too', async () => {
    mock = await startMock({ behaviour: { faults: { stream: { contentFilter: 1 } } } });
    const body = (await chat(mock.url)).json();
    expect(body.choices[0].finish_reason).toBe('content_filter');
  });
});

describe('latency', () => {
  it('serves the configured time to first token and inter-token gaps', async () => {
    mock = await startMock({
      behaviour: { latency: { ttft: { type: 'fixed', ms: 150 }, interToken: { type: 'fixed', ms: 10 } } },
    });
    const res = await chat(mock.url);
    const tokens = res.json().usage.completion_tokens;
    // 150 ms to the first token, then a 10 ms gap before each of the others.
    const expected = 150 + (tokens - 1) * 10;
    expect(res.ms).toBeGreaterThan(expected - 5);
    expect(res.ms).toBeLessThan(expected + 150);
    const metrics = await scrape(mock.url);
    expect(metricValue(metrics, 'busybench_mock_ttft_seconds_sum')).toBeCloseTo(0.15, 5);
    expect(metricValue(metrics, 'busybench_mock_inter_token_seconds_count')).toBe(tokens - 1);
  });
});
