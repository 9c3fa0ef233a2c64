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
} from '../../helpers/mock.js';

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

  it('draws each network fault at its fractional rate, as clients see it and as the mock counts it', async () => {
    // Each kind its own rate, so kinds mixed up show.
    const rates = { reset: 0.04, blackhole: 0.12, slowBody: 0.2, malformedJson: 0.28 };
    mock = await startMock({
      behaviour: {
        faults: { network: { ...rates, blackholeTimeout: '1s', slowBodyBytesPerSecond: 400 } },
        output: { minTokens: 10, maxTokens: 10, reasoningTokens: 0 },
      },
    });
    // The client's view: a reset is a TCP reset, a blackhole a connection closed without a word
    // (after its second); a slow body (40 bytes every 100 ms, some 450 bytes) spreads over a
    // second, where a whole answer comes in one write; malformed JSON does not parse.
    const seen = await drawn(mock.url, HELLO, (r) => {
      if (r.error === 'ECONNRESET') return 'network_reset';
      if (r.error === 'UND_ERR_SOCKET') return 'network_blackhole';
      if (r.error) return `failed: ${r.error}`;
      if (!r.parses) return 'network_malformed_json';
      return r.spreadMs >= SPREAD_MS ? 'network_slow_body' : 'none';
    });
    await expectDrawnAtRates(seen, {
      network_reset: rates.reset,
      network_blackhole: rates.blackhole,
      network_slow_body: rates.slowBody,
      network_malformed_json: rates.malformedJson,
    });
  }, 60_000);

  it('draws each stream fault at its fractional rate, as clients see it and as the mock counts it', async () => {
    const rates = { truncate: 0.04, insufficientResource: 0.12, contentFilter: 0.2, stall: 0.28 };
    mock = await startMock({ behaviour: { faults: { stream: { ...rates, stallDuration: '1s' } } } });
    const seen = await drawn(mock.url, STREAM, (r) => {
      const frames = sseFrames(r.text);
      if (!frames.includes('[DONE]')) return 'stream_truncate';
      const finish = (frames.at(-2) as { choices: Array<{ finish_reason: string }> }).choices[0]
        ?.finish_reason;
      if (finish === 'insufficient_system_resource') return 'stream_insufficient_resource';
      if (finish === 'content_filter') return 'stream_content_filter';
      // A stream the mock answers at once is one write; a stalled one waits a second mid-way.
      return r.spreadMs >= SPREAD_MS ? 'stream_stall' : 'none';
    });
    await expectDrawnAtRates(seen, {
      stream_truncate: rates.truncate,
      stream_insufficient_resource: rates.insufficientResource,
      stream_content_filter: rates.contentFilter,
      stream_stall: rates.stall,
    });
  }, 60_000);
});

// Fault draws: enough requests for a binomial bound to tell the kinds' rates apart, 100 at a time.
const DRAWS = 500;
// A fault that delays (a slow body, a stall) spreads an answer's body over a second; one that
// does not comes in one write. Told apart by the body's own spread, not by how long the request
// took: on a loaded machine a request can wait longer than that for its turn (seen: resets
// classed as blackholes by their time, in a full suite run).
const SPREAD_MS = 500;

interface Seen {
  /** The failure's code (ECONNRESET, UND_ERR_SOCKET...), or null for an answer. */
  readonly error: string | null;
  /** From the body's first bytes to its end. */
  readonly spreadMs: number;
  readonly text: string;
  readonly parses: boolean;
}

/** Sends DRAWS requests and tallies what each answer was, by `kindOf`. */
async function drawn(url: string, body: object, kindOf: (r: Seen) => string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let sent = 0; sent < DRAWS; sent += 100) {
    const batch = await Promise.all(Array.from({ length: 100 }, () => send(url, body)));
    for (const r of batch) {
      const kind = kindOf(r);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    }
  }
  return seen;
}

async function send(url: string, body: object): Promise<Seen> {
  try {
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(body),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let first: number | null = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      first ??= performance.now();
      text += decoder.decode(value, { stream: true });
    }
    const spreadMs = first === null ? 0 : performance.now() - first;
    let parses = true;
    try {
      JSON.parse(text);
    } catch {
      parses = false;
    }
    return { error: null, spreadMs, text, parses };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? String(err), spreadMs: 0, text: '', parses: false };
  }
}

/**
 * Each kind drawn within 4 standard deviations of its rate, exactly as often as the mock's own
 * count of that kind says, and nothing the client could not place.
 */
async function expectDrawnAtRates(seen: Map<string, number>, rates: Record<string, number>): Promise<void> {
  const metrics = await scrape((mock as TestMock).url);
  for (const [kind, p] of Object.entries(rates)) {
    const k = seen.get(kind) ?? 0;
    expect(metricValue(metrics, 'busybench_mock_injected_faults_total', { kind }), kind).toBe(k);
    expect(Math.abs(k - DRAWS * p), `${kind}: ${k} of ${DRAWS}`).toBeLessThan(
      4 * Math.sqrt(DRAWS * p * (1 - p)),
    );
  }
  const none = 1 - Object.values(rates).reduce((a, p) => a + p, 0);
  expect([...seen.keys()].sort()).toEqual([...Object.keys(rates), ...(none > 0 ? ['none'] : [])].sort());
}

describe('latency', () => {
  it('serves the configured time to first token and inter-token gaps', async () => {
    mock = await startMock({
      behaviour: { latency: { ttft: { type: 'fixed', ms: 150 }, interToken: { type: 'fixed', ms: 10 } } },
    });
    const res = await chat(mock.url);
    const { completion_tokens: tokens, prompt_tokens: prompt } = res.json().usage;
    // 150 ms and the default prefill (0.05 ms a prompt token on v4-flash) to the first token,
    // then a 10 ms gap before each of the others.
    const ttft = 150 + prompt * 0.05;
    const expected = ttft + (tokens - 1) * 10;
    expect(res.ms).toBeGreaterThan(expected - 5);
    expect(res.ms).toBeLessThan(expected + 150);
    const metrics = await scrape(mock.url);
    expect(metricValue(metrics, 'busybench_mock_ttft_seconds_sum')).toBeCloseTo(ttft / 1000, 7);
    expect(metricValue(metrics, 'busybench_mock_inter_token_seconds_count')).toBe(tokens - 1);
  });
});
