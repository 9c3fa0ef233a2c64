import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, metricValue, scrape, startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const client = (url: string, maxRetries = 2) => new OpenAI({ baseURL: url, apiKey: KEY, maxRetries });

describe('the official openai SDK as a real client', () => {
  it('completes a chat, non-streaming', async () => {
    mock = await startMock();
    const res = await client(mock.url).chat.completions.create({
      model: 'deepseek-v4-flash',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('thinks by default (reasoning_content first, reasoning tokens counted) and not when asked', async () => {
    mock = await startMock();
    const ask = { model: 'deepseek-v4-pro', messages: [{ role: 'user' as const, content: 'Hello' }] };
    // reasoning_content and thinking are DeepSeek's, not in the SDK's types: read and sent as extras.
    const thinking = (await client(mock.url).chat.completions.create(ask)) as OpenAI.ChatCompletion & {
      choices: Array<{ message: { reasoning_content?: string } }>;
      usage: { completion_tokens_details: { reasoning_tokens: number } };
    };
    expect(thinking.choices[0]?.message.reasoning_content?.length).toBeGreaterThan(0);
    expect(thinking.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    const plain = await client(mock.url).chat.completions.create({
      ...ask,
      // @ts-expect-error DeepSeek's own field, sent as the docs show (extra_body in Python)
      thinking: { type: 'disabled' },
      user_id: 'sdk-user_1',
    });
    expect(
      (plain.choices[0]?.message as { reasoning_content?: string } | undefined)?.reasoning_content,
    ).toBeUndefined();
    expect(plain.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(plain.usage?.completion_tokens_details).toBeUndefined();
  });

  it('streams reasoning deltas before content deltas when thinking (the default)', async () => {
    mock = await startMock();
    const stream = await client(mock.url).chat.completions.create({
      model: 'deepseek-v4-flash',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
    });
    let order = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        | { content?: string | null; reasoning_content?: string }
        | undefined;
      if (delta?.reasoning_content) order += 'r';
      else if (delta?.content) order += 'c';
    }
    expect(order).toMatch(/^r+c+$/);
  });

  it('streams a chat to the end, with usage', async () => {
    mock = await startMock();
    const stream = await client(mock.url).chat.completions.create({
      model: 'deepseek-v4-flash',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("makes its own retries on 503 visible in the mock's counters", async () => {
    mock = await startMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const error = await client(mock.url, 2)
      .chat.completions.create({ model: 'deepseek-v4-flash', messages: [{ role: 'user', content: 'Hello' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const metrics = await scrape(mock.url);
    // One call from the application, three attempts upstream: the first and two retries.
    expect(metricValue(metrics, 'busybench_mock_requests_total', { status: '503' })).toBe(3);
  });

  it('surfaces the 429 concurrency message as the SDK error message', async () => {
    mock = await startMock();
    const error = await client(mock.url, 0)
      .chat.completions.create(
        { model: 'deepseek-v4-flash', messages: [{ role: 'user', content: 'Hello' }] },
        { headers: { 'x-busybench-error': '429' } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
