import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../mock-server/src/config/defaults.js';
import { admin, chat, startMock, type TestMock } from '../helpers/mock.js';

/**
 * Prices as api-docs.deepseek.com "Models & Pricing" gives them (read 2026-11-29), USD per
 * million tokens: the defaults must be these, and balances must move by them to the cent.
 */
const PUBLISHED = {
  'deepseek-v4-flash': { cacheHit: 0.0028, cacheMiss: 0.14, output: 0.28 },
  'deepseek-v4-pro': { cacheHit: 0.003625, cacheMiss: 0.435, output: 0.87 },
} as const;

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const balanceOf = async (url: string) => {
  const res = await fetch(`${url}/user/balance`, { headers: { authorization: 'Bearer sk-busybench' } });
  const body = (await res.json()) as { balance_infos: Array<{ total_balance: string }> };
  return body.balance_infos[0]?.total_balance;
};

describe('prices and balances', () => {
  it("defaults to today's published prices", () => {
    expect(DEFAULT_CONFIG.models.prices).toEqual(PUBLISHED);
  });

  it('moves the balance by exactly the published prices, cache hits included, to the cent', async () => {
    // 100 000 output tokens an answer: a few requests then move the balance by whole cents.
    mock = await startMock({ behaviour: { output: { minTokens: 100_000, maxTokens: 100_000 } } });
    await admin(mock.url, 'POST', '/admin/accounts/default/balance', { balance: 10 });
    const system = { role: 'system', content: 'word '.repeat(2000) };
    const asks = [
      {
        model: 'deepseek-v4-pro',
        thinking: { type: 'disabled' },
        messages: [system, { role: 'user', content: 'a' }],
      },
      // The same prefix again: cache hits at the cache-hit price.
      {
        model: 'deepseek-v4-pro',
        thinking: { type: 'disabled' },
        messages: [system, { role: 'user', content: 'b' }],
      },
      // Thinking: reasoning tokens are output tokens.
      { model: 'deepseek-v4-flash', messages: [system, { role: 'user', content: 'c' }] },
    ];
    let cost = 0;
    let hits = 0;
    for (const ask of asks) {
      const { usage } = (await chat(mock.url, ask)).json();
      const price = PUBLISHED[ask.model as keyof typeof PUBLISHED];
      hits += usage.prompt_cache_hit_tokens;
      cost +=
        (usage.prompt_cache_hit_tokens * price.cacheHit +
          usage.prompt_cache_miss_tokens * price.cacheMiss +
          usage.completion_tokens * price.output) /
        1e6;
    }
    expect(hits).toBeGreaterThan(0);
    expect(cost).toBeGreaterThan(0.2); // so the cents below are not all zeros
    expect(await balanceOf(mock.url)).toBe((10 - cost).toFixed(2));
    const state = (await admin(mock.url, 'GET', '/admin/state')).json;
    expect(state.accounts.find((a: { id: string }) => a.id === 'default').balance).toBeCloseTo(10 - cost, 9);
  });
});
