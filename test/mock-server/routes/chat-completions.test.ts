import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens, MESSAGE_OVERHEAD_TOKENS } from '../../../mock-server/src/generation/tokenizer.js';
import { chat, HELLO, sseFrames, startMock, type TestMock } from '../../helpers/mock.js';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());

const NO_THINKING = { ...HELLO, thinking: { type: 'disabled' } };

type Chunk = {
  object: string;
  choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
  usage?: Record<string, number>;
};

describe('POST /chat/completions, non-streaming', () => {
  it('answers with the exact DeepSeek shape', async () => {
    const res = await chat(mock.url);
    expect(res.status).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([
      'choices',
      'created',
      'id',
      'model',
      'object',
      'system_fingerprint',
      'usage',
    ]);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('deepseek-v4-flash');
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0]).toMatchObject({
      index: 0,
      logprobs: null,
      finish_reason: 'stop',
      message: { role: 'assistant' },
    });
    expect(typeof body.choices[0].message.content).toBe('string');
  });

  it('reports usage consistent with the text served and with itself', async () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Count the tokens of this prompt, please.' },
    ];
    const body = (await chat(mock.url, { ...NO_THINKING, messages })).json();
    const u = body.usage;
    const expectedPrompt = messages.reduce((n, m) => n + countTokens(m.content) + MESSAGE_OVERHEAD_TOKENS, 0);
    expect(u.prompt_tokens).toBe(expectedPrompt);
    expect(u.prompt_tokens).toBe(u.prompt_cache_hit_tokens + u.prompt_cache_miss_tokens);
    expect(u.prompt_tokens_details.cached_tokens).toBe(u.prompt_cache_hit_tokens);
    expect(u.completion_tokens).toBe(countTokens(body.choices[0].message.content));
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
  });

  it('is deterministic for a given seed and request', async () => {
    const a = (await chat(mock.url)).json();
    const b = (await chat(mock.url)).json();
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(a.id).not.toBe(b.id);
    const other = await startMock({ seed: 7 });
    try {
      const c = (await chat(other.url)).json();
      expect(c.choices[0].message.content).not.toBe(a.choices[0].message.content);
    } finally {
      await other.close();
    }
  });

  it('honours max_tokens with finish_reason "length"', async () => {
    const body = (await chat(mock.url, { ...NO_THINKING, max_tokens: 3 })).json();
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(3);
    expect(countTokens(body.choices[0].message.content)).toBe(3);
  });

  it('thinks by default on the V4 models: reasoning_content and reasoning tokens in usage', async () => {
    const body = (await chat(mock.url, HELLO)).json();
    const { message } = body.choices[0];
    expect(message.reasoning_content.length).toBeGreaterThan(0);
    const reasoning = body.usage.completion_tokens_details.reasoning_tokens;
    expect(reasoning).toBe(countTokens(message.reasoning_content));
    expect(body.usage.completion_tokens).toBe(reasoning + countTokens(message.content));
  });

  it('does not think when thinking.type is "disabled", on either V4 model', async () => {
    for (const model of ['deepseek-v4-flash', 'deepseek-v4-pro']) {
      const body = (await chat(mock.url, { ...NO_THINKING, model })).json();
      expect(body.choices[0].message.reasoning_content).toBeUndefined();
      expect(body.usage.completion_tokens_details).toBeUndefined();
    }
  });

  it('charges a reasoning budget inside max_tokens: reasoning first, then the answer', async () => {
    const body = (await chat(mock.url, { ...HELLO, max_tokens: 3 })).json();
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(3);
    expect(body.choices[0].message.content).toBe('');
  });

  it('calls the tool a request requires, with finish_reason "tool_calls"', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const body = (await chat(mock.url, { ...HELLO, tools, tool_choice: 'required' })).json();
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.tool_calls[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{}' },
    });
  });

  it('counts a repeated conversation prefix as a prompt cache hit, in 64-token units', async () => {
    const long = 'word '.repeat(300);
    const first = [
      { role: 'system', content: long },
      { role: 'user', content: 'one' },
    ];
    await chat(mock.url, { model: 'deepseek-v4-flash', messages: first });
    const second = (
      await chat(mock.url, {
        model: 'deepseek-v4-flash',
        messages: [...first.slice(0, 1), { role: 'user', content: 'two' }],
      })
    ).json();
    expect(second.usage.prompt_cache_hit_tokens).toBeGreaterThan(0);
    expect(second.usage.prompt_cache_hit_tokens % 64).toBe(0);
  });

  it('answers the same under /v1', async () => {
    const res = await chat(mock.url, HELLO, { path: '/v1/chat/completions' });
    expect(res.status).toBe(200);
    expect(res.json().object).toBe('chat.completion');
  });
});

describe('POST /chat/completions, streaming', () => {
  it('sends chunk frames: role first, one per token, a finish frame with usage, then [DONE]', async () => {
    const res = await chat(mock.url, { ...NO_THINKING, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = sseFrames(res.text);
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1) as Chunk[];
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const last = chunks.at(-1) as Chunk;
    expect(last.choices[0]?.finish_reason).toBe('stop');
    const text = chunks.map((c) => (c.choices[0]?.delta.content as string) ?? '').join('');
    expect(last.usage?.completion_tokens).toBe(countTokens(text));
    expect(chunks.length).toBe((last.usage?.completion_tokens ?? 0) + 2);
  });

  it('adds a usage chunk with empty choices before [DONE] when include_usage is set', async () => {
    const frames = sseFrames(
      (await chat(mock.url, { ...HELLO, stream: true, stream_options: { include_usage: true } })).text,
    );
    const usageChunk = frames.at(-2) as Chunk;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams reasoning_content before content when thinking', async () => {
    const frames = sseFrames((await chat(mock.url, { ...HELLO, stream: true })).text) as Chunk[];
    const kinds = frames.slice(1, -2).map((c) => (c.choices[0]?.delta.reasoning_content ? 'r' : 'c'));
    expect(kinds[0]).toBe('r');
    expect(kinds.join('')).toMatch(/^r+c+$/);
  });

  it('streams FIM completions from /beta/completions', async () => {
    const res = await chat(
      mock.url,
      { model: 'deepseek-v4-flash', prompt: 'def fib(a):', suffix: '    return x', stream: true },
      { path: '/beta/completions' },
    );
    const frames = sseFrames(res.text) as Array<{ object: string; choices: Array<{ text: string }> }>;
    expect(frames.at(-1)).toBe('[DONE]');
    expect(frames[0]?.object).toBe('text_completion');
  });
});

describe('GET /models, GET /user/balance, POST /beta/completions', () => {
  const get = async (path: string, url = mock.url): Promise<any> =>
    (await fetch(`${url}${path}`, { headers: { authorization: 'Bearer sk-busybench' } })).json();

  it('lists the current models', async () => {
    const body = await get('/models');
    expect(body.object).toBe('list');
    expect(body.data).toEqual([
      { id: 'deepseek-v4-flash', object: 'model', owned_by: 'deepseek' },
      { id: 'deepseek-v4-pro', object: 'model', owned_by: 'deepseek' },
    ]);
  });

  it('reports the balance, which drops with usage at the model price', async () => {
    // A cent a token, prompt or output, so one answer shows in the two decimals the API gives.
    const cent = { cacheHit: 10_000, cacheMiss: 10_000, output: 10_000 };
    const priced = await startMock({ models: { prices: { 'deepseek-v4-flash': cent } } });
    try {
      const balance = async () => {
        const body = await get('/user/balance', priced.url);
        expect(body).toMatchObject({ is_available: true, balance_infos: [{ currency: 'USD' }] });
        return Number(body.balance_infos[0].total_balance);
      };
      const before = await balance();
      expect(before).toBeGreaterThan(0);
      const { usage } = (await chat(priced.url, NO_THINKING)).json();
      expect(usage.total_tokens).toBeGreaterThan(0);
      expect(await balance()).toBeCloseTo(before - usage.total_tokens * 0.01, 6);
    } finally {
      await priced.close();
    }
  });

  it('completes fill-in-the-middle requests', async () => {
    const res = await chat(
      mock.url,
      { model: 'deepseek-v4-pro', prompt: 'def fib(a):', suffix: '    return x', max_tokens: 5 },
      { path: '/beta/completions' },
    );
    const body = res.json();
    expect(body.object).toBe('text_completion');
    expect(body.choices[0]).toMatchObject({ index: 0, finish_reason: 'length', logprobs: null });
    expect(body.usage.completion_tokens).toBe(5);
  });
});

describe('the model catalogue of late 2026', () => {
  it('answers the retired aliases as unknown models by default (aliases: retire)', async () => {
    for (const model of ['deepseek-chat', 'deepseek-reasoner', 'deepseek-flash']) {
      const res = await chat(mock.url, { ...HELLO, model });
      expect(res.status).toBe(400);
      expect(res.json().error).toMatchObject({ message: 'Model Not Exist', type: 'invalid_request_error' });
    }
  });

  it('serves the aliases as v4-flash without / with thinking when configured (aliases: serve)', async () => {
    const old = await startMock({ models: { aliases: 'serve' } });
    try {
      const plain = (await chat(old.url, { ...HELLO, model: 'deepseek-chat' })).json();
      expect(plain.model).toBe('deepseek-chat');
      expect(plain.choices[0].message.reasoning_content).toBeUndefined();
      const reasoner = (await chat(old.url, { ...HELLO, model: 'deepseek-reasoner' })).json();
      expect(reasoner.choices[0].message.reasoning_content.length).toBeGreaterThan(0);
      // Still not listed: /models names the V4 models only.
      const res = await fetch(`${old.url}/models`, { headers: { authorization: 'Bearer sk-busybench' } });
      const listed = (await res.json()) as { data: Array<{ id: string }> };
      expect(listed.data.map((m) => m.id)).toEqual(['deepseek-v4-flash', 'deepseek-v4-pro']);
    } finally {
      await old.close();
    }
  });

  it('refuses FIM in thinking mode, and serves it without thinking when the switch is absent', async () => {
    const fim = { model: 'deepseek-v4-flash', prompt: 'def fib(a):', max_tokens: 4 };
    const refused = await chat(
      mock.url,
      { ...fim, thinking: { type: 'enabled' } },
      { path: '/beta/completions' },
    );
    expect(refused.status).toBe(400);
    expect(refused.json().error.message).toMatch(/not supported in thinking mode/);
    const served = (await chat(mock.url, fim, { path: '/beta/completions' })).json();
    expect(served.usage.completion_tokens_details).toBeUndefined();
    expect(served.usage.completion_tokens).toBe(4);
  });
});
