import { afterEach, describe, expect, it } from 'vitest';
import {
  chat,
  HELLO,
  metricValue,
  scrape,
  startMock,
  type TestMock,
  untilInFlight,
} from '../../helpers/mock.js';

/**
 * user_id as DeepSeek documents it: checked against its pattern and length, a scheduling unit
 * with its own concurrency cap on raised accounts, and a wall between users' KV caches.
 */
let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const RAISED = {
  accounts: [
    // Raised: its own limit is 10, each user_id gets 2 (2 500 in the real API; small to test).
    {
      id: 'raised',
      keys: ['sk-raised'],
      balance: 100,
      raised: true,
      concurrencyLimit: 10,
      userConcurrencyLimit: 2,
    },
    { id: 'plain', keys: ['sk-plain'], balance: 100, concurrencyLimit: 2 },
  ],
  // Long enough to keep requests in flight while the next ones arrive.
  behaviour: { latency: { ttft: { type: 'fixed', ms: 400 } } },
};

const as = (key: string, user?: string) =>
  chat(mock?.url as string, user === undefined ? HELLO : { ...HELLO, user_id: user }, { key });

describe('user_id: the rules of its value', () => {
  it("refuses other characters, non-strings and over 512 characters with the API's 400", async () => {
    mock = await startMock();
    for (const bad of ['{"session":"a b"}', 'a.b', 'ünicode', 42, ['x']]) {
      const res = await chat(mock.url, { ...HELLO, user_id: bad });
      expect(res.status).toBe(400);
      expect(res.json().error).toMatchObject({
        type: 'invalid_request_error',
        message:
          "Invalid 'user_id': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
      });
    }
    const long = await chat(mock.url, { ...HELLO, user_id: 'u'.repeat(513) });
    expect(long.status).toBe(400);
    expect(long.json().error.message).toMatch(/maximum length 512/);
  });

  it('takes letters, digits, _ and -, up to 512 characters, and "" as the special user', async () => {
    mock = await startMock();
    for (const good of ['alice', 'team_7-b', 'u'.repeat(512), '', null]) {
      expect((await chat(mock.url, { ...HELLO, user_id: good })).status).toBe(200);
    }
  });
});

describe('user_id: concurrency', () => {
  it('gives a user over its own cap a 429 while another user of the same raised account is served', async () => {
    mock = await startMock(RAISED);
    const first = [as('sk-raised', 'alice'), as('sk-raised', 'alice')];
    await untilInFlight(mock.url, 2);
    const third = await as('sk-raised', 'alice');
    expect(third.status).toBe(429);
    expect(third.json().error.message).toMatch(/per-user concurrency limit of 2/);
    const bob = await as('sk-raised', 'bob');
    expect(bob.status).toBe(200);
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    const m = await scrape(mock.url);
    expect(metricValue(m, 'busybench_mock_limit_rejections_total', { limit: 'user_concurrency' })).toBe(1);
  });

  it('counts requests without user_id and with "" as one special user', async () => {
    mock = await startMock(RAISED);
    const first = [as('sk-raised'), as('sk-raised', '')];
    await untilInFlight(mock.url, 2);
    expect((await as('sk-raised')).status).toBe(429);
    expect((await as('sk-raised', 'carol')).status).toBe(200);
    await Promise.all(first);
  });

  it('adds up every user_id on an account without raised quotas', async () => {
    mock = await startMock(RAISED);
    const first = [as('sk-plain', 'alice'), as('sk-plain', 'bob')];
    await untilInFlight(mock.url, 2);
    const third = await as('sk-plain', 'carol');
    expect(third.status).toBe(429);
    expect(third.json().error.message).toMatch(/exceeds your concurrency limit of 2/);
    await Promise.all(first);
  });
});

describe('user_id: KV cache', () => {
  const long = 'word '.repeat(300);
  const turn = (last: string, user_id?: string) => ({
    ...HELLO,
    messages: [
      { role: 'system', content: long },
      { role: 'user', content: last },
    ],
    ...(user_id === undefined ? {} : { user_id }),
  });
  const hits = async (body: object) =>
    (await chat(mock?.url as string, body)).json().usage.prompt_cache_hit_tokens;

  it("hits only within one user's prefixes", async () => {
    mock = await startMock();
    expect(await hits(turn('one', 'alice'))).toBe(0);
    // Same account, same prefix, other users: no hit.
    expect(await hits(turn('two', 'bob'))).toBe(0);
    expect(await hits(turn('two'))).toBe(0);
    // The same user again: a hit, in 64-token units.
    const again = await hits(turn('three', 'alice'));
    expect(again).toBeGreaterThan(0);
    expect(again % 64).toBe(0);
  });
});

describe('user_id: per-user series in /metrics', () => {
  it('are absent by default (cardinality) and present with metrics.perUser', async () => {
    mock = await startMock(RAISED);
    await as('sk-raised', 'alice');
    expect(await scrape(mock.url)).not.toContain('busybench_mock_user_');
    await mock.close();

    mock = await startMock(RAISED, { metrics: { perUser: true } });
    const pending = as('sk-raised', 'alice');
    await untilInFlight(mock.url, 1);
    const during = await scrape(mock.url);
    expect(
      metricValue(during, 'busybench_mock_user_in_flight', {
        account: 'raised',
        user: 'alice',
        group: 'flash',
      }),
    ).toBe(1);
    await pending;
    await as('sk-raised', 'alice');
    const after = await scrape(mock.url);
    expect(
      metricValue(after, 'busybench_mock_user_requests_total', {
        account: 'raised',
        user: 'alice',
        status: '200',
      }),
    ).toBe(2);
    expect(after).not.toMatch(/busybench_mock_user_in_flight\{[^}]*user="alice"/);
  });
});
