import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, metricValue, scrape, startMock, type TestMock } from '../helpers/mock.js';

/**
 * The official @anthropic-ai/sdk against the mock's /anthropic base URL, as coding agents reach
 * DeepSeek: answers, streams, thinking, tools, and every busy behaviour as the SDK sees it.
 */
type ApiError = InstanceType<typeof Anthropic.APIError>;
let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const client = (url: string, maxRetries = 0) =>
  new Anthropic({ baseURL: `${url}/anthropic`, apiKey: KEY, maxRetries });
const ASK = {
  model: 'deepseek-v4-flash',
  max_tokens: 1000,
  messages: [{ role: 'user' as const, content: 'Hello' }],
};

describe('the official @anthropic-ai/sdk as a real client of /anthropic', () => {
  it('answers with a thinking block first (thinking is on by default), then text, with usage', async () => {
    mock = await startMock();
    const msg = await client(mock.url).messages.create({ ...ASK, system: 'Be brief.' });
    expect(msg.type).toBe('message');
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('answers without thinking when asked, and maps claude-opus to v4-pro in the ground truth', async () => {
    mock = await startMock();
    const msg = await client(mock.url).messages.create({
      ...ASK,
      model: 'claude-opus-4-1',
      thinking: { type: 'disabled' },
    });
    expect(msg.content.map((b) => b.type)).toEqual(['text']);
    expect(msg.model).toBe('claude-opus-4-1');
    const m = await scrape(mock.url);
    expect(metricValue(m, 'busybench_mock_requests_total', { model: 'deepseek-v4-pro', status: '200' })).toBe(
      1,
    );
  });

  it('streams the Messages events to a whole message: the SDK assembles thinking and text', async () => {
    mock = await startMock({ behaviour: { latency: { interToken: { type: 'fixed', ms: 1 } } } });
    const stream = client(mock.url).messages.stream(ASK);
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const msg = await stream.finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    const block = msg.content[1] as Anthropic.TextBlock;
    expect(block.text).toBe(text);
    expect(text.length).toBeGreaterThan(0);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('answers a forced tool with a tool_use block, streaming and not', async () => {
    mock = await startMock();
    const ask = {
      ...ASK,
      thinking: { type: 'disabled' as const },
      tools: [{ name: 'get_weather', input_schema: { type: 'object' as const } }],
      tool_choice: { type: 'any' as const },
    };
    const msg = await client(mock.url).messages.create(ask);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content.at(-1)).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
    const streamed = await client(mock.url).messages.stream(ask).finalMessage();
    expect(streamed.stop_reason).toBe('tool_use');
    expect(streamed.content.at(-1)).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
  });

  it('gives a 429 as RateLimitError and a 503 as an overloaded_error the SDK retries (seen upstream)', async () => {
    mock = await startMock();
    const limited = await client(mock.url)
      .messages.create(ASK, { headers: { 'x-busybench-error': '429' } })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const overloaded = await client(mock.url, 2)
      .messages.create(ASK, { headers: { 'x-busybench-error': '503' } })
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as ApiError).status).toBe(503);
    expect((overloaded as ApiError).type).toBe('overloaded_error');
    const m = await scrape(mock.url);
    // One call, three attempts: the SDK's two retries reached the upstream.
    expect(metricValue(m, 'busybench_mock_requests_total', { status: '503' })).toBe(3);
  });

  it('fails a stream that runs out of resources part-way with an overloaded_error event', async () => {
    mock = await startMock();
    const stream = client(mock.url).messages.stream(ASK, {
      headers: { 'x-busybench-fault': 'insufficient_resource' },
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as ApiError).type).toBe('overloaded_error');
  });

  it('does not make a whole message of a stream cut short', async () => {
    mock = await startMock();
    const stream = client(mock.url).messages.stream(ASK, { headers: { 'x-busybench-fault': 'truncate' } });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('serves a held stream once capacity frees: keep-alive comments are invisible to the SDK', async () => {
    mock = await startMock({
      behaviour: {
        capacity: { holdKeepAliveInterval: '20ms' },
        latency: { ttft: { type: 'fixed', ms: 150 } },
      },
    });
    const held = client(mock.url).messages.stream(ASK, { headers: { 'x-busybench-fault': 'hold' } });
    // Another request takes a slot and frees it when it ends: the held one gets that slot.
    await new Promise((r) => setTimeout(r, 100));
    await client(mock.url).messages.create(ASK);
    const msg = await held.finalMessage();
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text']);
  });

  it('gives a hold that times out no message at all', async () => {
    mock = await startMock({
      behaviour: { capacity: { holdKeepAliveInterval: '20ms', holdTimeout: '200ms' } },
    });
    const started = performance.now();
    const held = client(mock.url).messages.stream(ASK, { headers: { 'x-busybench-fault': 'hold' } });
    // The hold times out: a 200 with no events at all, which the SDK must not take for a message.
    await expect(held.finalMessage()).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    const m = await scrape(mock.url);
    expect(metricValue(m, 'busybench_mock_injected_faults_total', { kind: 'hold_timeout' })).toBe(1);
  });

  it('fails a stream with a frame cut mid-JSON (malformed_json), as a parser of the format sees it', async () => {
    mock = await startMock();
    const stream = client(mock.url).messages.stream(ASK, {
      headers: { 'x-busybench-fault': 'malformed_json' },
    });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('cuts a held non-streaming answer that runs out of resources: never a 200 with an error inside', async () => {
    mock = await startMock({
      behaviour: {
        capacity: { maxInFlight: 1, overflow: 'hold', holdKeepAliveInterval: '20ms' },
        latency: { ttft: { type: 'fixed', ms: 100 } },
        faults: { stream: { insufficientResource: 1 } },
      },
    });
    const url = mock.url;
    const [first, held] = await Promise.allSettled([
      client(url).messages.create(ASK),
      new Promise((r) => setTimeout(r, 30)).then(() => client(url).messages.create(ASK)),
    ]);
    // Not held: the status can still say so.
    expect(first.status).toBe('rejected');
    expect((first as PromiseRejectedResult).reason).toBeInstanceOf(Anthropic.InternalServerError);
    // Held: the 200 went out before the answer was known; the SDK must not get a message.
    expect(held.status).toBe('rejected');
  });

  it("refuses a metadata.user_id of other characters with the API's message", async () => {
    mock = await startMock();
    const error = await client(mock.url)
      .messages.create({ ...ASK, metadata: { user_id: '{"session":"a b"}' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as ApiError).message).toContain(
      "Invalid 'user_id': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
    );
  });

  it('authenticates with x-api-key (the SDK default) and says so in its shape when the key is wrong', async () => {
    mock = await startMock();
    const error = await new Anthropic({
      baseURL: `${mock.url}/anthropic`,
      apiKey: 'sk-wrong',
      maxRetries: 0,
    }).messages
      .create(ASK)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as ApiError).type).toBe('authentication_error');
  });
});
