import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type TestMock } from '../../helpers/mock.js';

/** The /anthropic route on the wire: shapes the SDK would forgive, checked as bytes. */
let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({ server: { bodyLimitBytes: 4096 } });
});
afterAll(() => mock.close());

const ASK = { model: 'deepseek-v4-flash', max_tokens: 200, messages: [{ role: 'user', content: 'Hello' }] };

async function post(
  body: unknown,
  headers: Record<string, string> = { 'x-api-key': 'sk-busybench' },
  path = '/anthropic/v1/messages',
) {
  const res = await fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** The event names of an SSE body, checking each data line is JSON whose type is its event's. */
function events(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('event: '))
    .map((e) => {
      const [head, data] = e.split('\n');
      const name = (head as string).slice(7);
      expect(JSON.parse((data as string).slice(6)).type).toBe(name);
      return name;
    });
}

describe('POST /anthropic/v1/messages on the wire', () => {
  it('streams the events in the Messages API order: thinking block, text block, tool_use block', async () => {
    const res = await post({
      ...ASK,
      stream: true,
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'lookup' },
    });
    const names = events(res.text);
    // A forced tool answers no text: thinking, then the tool_use block.
    expect(names.join(',')).toMatch(
      /^message_start,ping,content_block_start,(content_block_delta,)+content_block_stop,content_block_start,content_block_delta,content_block_stop,message_delta,message_stop$/,
    );
    const plain = events((await post({ ...ASK, stream: true })).text);
    expect(plain.filter((n) => n === 'content_block_start')).toHaveLength(2);
    expect(plain.at(-1)).toBe('message_stop');
  });

  it('answers every error in the Messages API shape: 401, 400 (schema and JSON), 404, 413', async () => {
    const cases = [
      [await post(ASK, {}), 401, 'authentication_error'],
      [await post({ ...ASK, max_tokens: undefined }), 400, 'invalid_request_error'],
      [await post('{"model":'), 400, 'invalid_request_error'],
      [await post(ASK, { 'x-api-key': 'sk-busybench' }, '/anthropic/v1/nope'), 404, 'not_found_error'],
      [await post({ ...ASK, system: 'x'.repeat(5000) }), 413, 'request_too_large'],
    ] as const;
    for (const [res, status, type] of cases) {
      expect(res.status).toBe(status);
      const body = JSON.parse(res.text);
      expect(body).toEqual({ type: 'error', error: { type, message: expect.any(String) } });
    }
  });

  it('takes Authorization first when both headers are sent, as DeepSeek documents', async () => {
    const bearerRight = await post(ASK, { 'x-api-key': 'sk-wrong', authorization: 'Bearer sk-busybench' });
    expect(bearerRight.status).toBe(200);
    const bearerWrong = await post(ASK, { 'x-api-key': 'sk-busybench', authorization: 'Bearer sk-wrong' });
    expect(bearerWrong.status).toBe(401);
  });

  it('answers on the direct path /anthropic/messages too, counted as one endpoint', async () => {
    const res = await post(ASK, undefined, '/anthropic/messages');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).type).toBe('message');
    const metrics = await (await fetch(`${mock.url}/metrics`)).text();
    expect(metrics).not.toContain('endpoint="/anthropic/messages"');
    expect(metrics).toContain('endpoint="/anthropic/v1/messages"');
  });
});
