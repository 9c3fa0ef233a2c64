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

  it('413 for a body over the size limit', async () => {
    const res = await chat(mock.url, { ...HELLO, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    expectDeepSeekError(res, 413, /too large/);
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

  it('charges usage at the model price', async () => {
    await admin(mock.url, 'POST', '/admin/accounts/second/balance', { balance: 1 });
    const body = (
      await chat(mock.url, { ...HELLO, model: 'deepseek-v4-pro' }, { key: 'sk-busybench-second' })
    ).json();
    const state = (await admin(mock.url, 'GET', '/admin/state')).json;
    const balance = state.accounts.find((a: { id: string }) => a.id === 'second').balance;
    const u = body.usage;
    const cost =
      (u.prompt_cache_hit_tokens * 0.14 + u.prompt_cache_miss_tokens * 1.74 + u.completion_tokens * 3.48) /
      1e6;
    expect(balance).toBeCloseTo(1 - cost, 12);
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
