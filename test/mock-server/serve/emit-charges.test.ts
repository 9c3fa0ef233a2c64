import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../mock-server/src/config/defaults.js';
import { chat, KEY, metricValue, scrape, startMock, type TestMock } from '../../helpers/mock.js';

/** What compare's dollars are made of: the mock's cost counter, checked against usage by hand. */
let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({
    behaviour: {
      latency: { ttft: { type: 'fixed', ms: 50 }, interToken: { type: 'fixed', ms: 20 } },
      output: { minTokens: 30, maxTokens: 30, reasoningTokens: 0 },
    },
  });
});
afterAll(() => mock.close());

const flash = DEFAULT_CONFIG.models.prices['deepseek-v4-flash'];
const completionTokens = async () =>
  metricValue(await scrape(mock.url), 'busybench_mock_tokens_total', { kind: 'completion' });
const cost = async () => metricValue(await scrape(mock.url), 'busybench_mock_cost_usd_total');

/** Sends a request and leaves it after `ms`, or (streaming) after `frames` token frames. */
async function leave(body: object, o: { ms?: number; frames?: number }): Promise<void> {
  const ctl = new AbortController();
  if (o.ms !== undefined) setTimeout(() => ctl.abort(), o.ms);
  try {
    const res = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(body),
      signal: ctl.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
      if (o.frames !== undefined && (text.match(/"content":"[^"]/g) ?? []).length >= o.frames) {
        ctl.abort();
        break;
      }
    }
  } catch {
    // aborted
  }
  // The mock sees the close a moment later.
  await new Promise((r) => setTimeout(r, 100));
}

describe('what the tokens served cost, at the configured prices', () => {
  it('equals the usage of every answer at its price, cache hits at theirs', async () => {
    const before = await cost();
    // A long system prompt sent three times: the second and third find it (the prefix before the
    // last message) in the prompt cache.
    const body = {
      model: 'deepseek-v4-flash',
      thinking: { type: 'disabled' },
      messages: [
        { role: 'system', content: 'lorem ipsum dolor sit amet '.repeat(200) },
        { role: 'user', content: 'Hi' },
      ],
    };
    let byHand = 0;
    let hits = 0;
    for (let i = 0; i < 3; i++) {
      const u = (await chat(mock.url, body)).json().usage;
      hits += u.prompt_cache_hit_tokens;
      byHand +=
        (u.prompt_cache_hit_tokens * flash.cacheHit +
          u.prompt_cache_miss_tokens * flash.cacheMiss +
          u.completion_tokens * flash.output) /
        1e6;
    }
    expect(hits).toBeGreaterThan(0);
    expect((await cost()) - before).toBeCloseTo(byHand, 12);
  });

  it('counts the tokens generated for an answer the client left: up to the moment it left', async () => {
    const body = {
      model: 'deepseek-v4-flash',
      thinking: { type: 'disabled' },
      messages: [{ role: 'user', content: 'Hi' }],
    };
    // Non-streaming, left after 300 ms: 50 ms to the first token, then one every 20 ms: ~13 of 30.
    let before = await completionTokens();
    await leave(body, { ms: 300 });
    const bodyLeft = (await completionTokens()) - before;
    expect(bodyLeft).toBeGreaterThanOrEqual(9);
    expect(bodyLeft).toBeLessThanOrEqual(16);
    // Streaming, left after the fifth token frame.
    before = await completionTokens();
    await leave({ ...body, stream: true }, { frames: 5 });
    const streamLeft = (await completionTokens()) - before;
    expect(streamLeft).toBeGreaterThanOrEqual(5);
    expect(streamLeft).toBeLessThanOrEqual(9);
  });
});
