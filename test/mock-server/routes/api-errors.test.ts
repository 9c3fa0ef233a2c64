import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, chat, HELLO, startMock, type TestMock } from '../../helpers/mock.js';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({ server: { bodyLimitBytes: 4096 } });
});
afterAll(() => mock.close());

function expectDeepSeekError(res: { status: number; json: () => any }, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  const body = res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error.message).toMatch(message);
  expect(body.error.param).toBeNull();
}

describe('DeepSeek-shaped errors', () => {
  it('401 without a key', async () => {
    expectDeepSeekError(await chat(mock.url, HELLO, { key: null }), 401, /Authentication Fails/);
  });

  it('401 with an unknown key, naming its last four characters', async () => {
    const res = await chat(mock.url, HELLO, { key: 'sk-nobody-1234' });
    expectDeepSeekError(res, 401, /\*\*\*\*1234 is invalid/);
    expect(res.json().error.type).toBe('authentication_error');
  });

  it('400 for a body that is not JSON', async () => {
    expectDeepSeekError(
      await chat(mock.url, HELLO, { rawBody: '{"model": ' }),
      400,
      /Failed to parse the request body as JSON/,
    );
  });

  it('400 "missing field" without messages, the way serde words it', async () => {
    expectDeepSeekError(await chat(mock.url, { model: 'deepseek-chat' }), 400, /missing field `messages`/);
  });

  it('400 for a wrong type, naming the field', async () => {
    const res = await chat(mock.url, { model: 'deepseek-chat', messages: [{ role: 'user', content: 5 }] });
    expectDeepSeekError(res, 400, /messages\[0\]\.content: invalid type/);
  });

  it('400 "Model Not Exist" for an unknown model', async () => {
    expectDeepSeekError(await chat(mock.url, { ...HELLO, model: 'gpt-4o' }), 400, /^Model Not Exist$/);
  });

  it('422 for a parameter out of range', async () => {
    expectDeepSeekError(await chat(mock.url, { ...HELLO, temperature: 3 }), 422, /Invalid temperature value/);
  });

  it('413 for a body over the size limit, saying the limit once', async () => {
    const res = await chat(mock.url, { ...HELLO, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    expectDeepSeekError(res, 413, /^Request body is too large: the limit is 4096 bytes$/);
  });

  it('413 before "100 Continue" for a 50 MB body sent with Expect: 100-continue', async () => {
    const size = 50 * 1024 * 1024;
    const { port } = new URL(mock.url);
    const answer = await new Promise<{ status: number; body: string; continued: boolean }>(
      (resolve, reject) => {
        let continued = false;
        const req = request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/chat/completions',
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer sk-busybench',
            'content-length': String(size),
            expect: '100-continue',
          },
        });
        // A client that is told to go on sends the 50 MB; one refused first never does.
        req.on('continue', () => {
          continued = true;
          req.end(Buffer.alloc(size, 'a'));
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, continued }));
        });
        req.on('error', reject);
        req.flushHeaders();
      },
    );
    expect(answer.continued).toBe(false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toBe('Request body is too large: the limit is 4096 bytes');
  });

  it('404 in the same shape for an unknown path', async () => {
    expectDeepSeekError(await chat(mock.url, HELLO, { path: '/chat/completion' }), 404, /Not Found/);
  });

  it('402 once the account balance is spent, and back after a top-up', async () => {
    await admin(mock.url, 'POST', '/admin/accounts/second/balance', { balance: 0 });
    expectDeepSeekError(
      await chat(mock.url, HELLO, { key: 'sk-busybench-second' }),
      402,
      /^Insufficient Balance$/,
    );
    await admin(mock.url, 'POST', '/admin/accounts/second/balance', { balance: 5 });
    expect((await chat(mock.url, HELLO, { key: 'sk-busybench-second' })).status).toBe(200);
  });

  it('charges usage at the configured price (a custom one here)', async () => {
    const priced = await startMock({
      models: { prices: { 'deepseek-v4-pro': { cacheHit: 1, cacheMiss: 10, output: 100 } } },
    });
    try {
      await admin(priced.url, 'POST', '/admin/accounts/second/balance', { balance: 1 });
      const body = (
        await chat(priced.url, { ...HELLO, model: 'deepseek-v4-pro' }, { key: 'sk-busybench-second' })
      ).json();
      const state = (await admin(priced.url, 'GET', '/admin/state')).json;
      const balance = state.accounts.find((a: { id: string }) => a.id === 'second').balance;
      const u = body.usage;
      const cost =
        (u.prompt_cache_hit_tokens * 1 + u.prompt_cache_miss_tokens * 10 + u.completion_tokens * 100) / 1e6;
      expect(balance).toBeCloseTo(1 - cost, 12);
    } finally {
      await priced.close();
    }
  });

  it('forces an error with x-busybench-error and rejects an unknown value', async () => {
    expectDeepSeekError(
      await chat(mock.url, HELLO, { headers: { 'x-busybench-error': '503' } }),
      503,
      /Server Overloaded/,
    );
    expectDeepSeekError(
      await chat(mock.url, HELLO, { headers: { 'x-busybench-error': '418' } }),
      400,
      /x-busybench-error must be one of/,
    );
  });
});
