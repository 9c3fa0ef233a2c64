import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../mock-server/src/app.js';
import { startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({ server: { bodyLimitBytes: 8192 } });
});
afterAll(() => mock.close());

const PATHS = [
  '/chat/completions',
  '/v1/chat/completions',
  '/beta/completions',
  '/anthropic/v1/messages',
  '/models',
  '/user/balance',
  '/nowhere',
];
const MODELS = [
  'deepseek-v4-flash',
  'deepseek-v4-pro',
  'deepseek-chat',
  'deepseek-reasoner',
  'gpt-4',
  '',
  42,
  null,
];
const OVERSIZE = JSON.stringify({
  model: 'deepseek-v4-flash',
  messages: [{ role: 'user', content: 'x'.repeat(9000) }],
});
const OUT_OF_RANGE = JSON.stringify({
  model: 'deepseek-v4-flash',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 3,
});
const ALLOWED = new Set([200, 400, 401, 402, 404, 413, 415, 422, 429]);

/** Bodies near the valid shape, where bugs hide, mixed with anything at all. */
const nearlyValid = fc.record(
  {
    model: fc.oneof(fc.constantFrom(...MODELS), fc.string()),
    messages: fc.oneof(
      fc.array(
        fc.record(
          {
            role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool'), fc.string()),
            content: fc.oneof(
              fc.string(),
              fc.constant(null),
              fc.integer(),
              fc.array(fc.record({ type: fc.constant('text'), text: fc.string() })),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      ),
      fc.anything(),
    ),
    stream: fc.oneof(fc.boolean(), fc.anything()),
    max_tokens: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double(), fc.string()),
    temperature: fc.oneof(fc.double({ min: -1, max: 4 }), fc.string()),
    stream_options: fc.oneof(fc.record({ include_usage: fc.boolean() }), fc.anything()),
    thinking: fc.oneof(fc.record({ type: fc.constantFrom('enabled', 'disabled', 'maybe') }), fc.anything()),
    tools: fc.anything(),
    tool_choice: fc.oneof(fc.constantFrom('none', 'auto', 'required'), fc.anything()),
    prompt: fc.string(),
    user_id: fc.oneof(fc.constantFrom('alice', 'a b', ''), fc.anything()),
    // The Anthropic route's own fields.
    system: fc.oneof(fc.string(), fc.array(fc.record({ type: fc.constant('text'), text: fc.string() }))),
    metadata: fc.oneof(fc.record({ user_id: fc.oneof(fc.constantFrom('bob', '{"x":1}'), fc.anything()) })),
  },
  { requiredKeys: [] },
);

const bodies = fc.oneof(
  nearlyValid.map((b) => JSON.stringify(b)),
  fc.anything().map((v) => JSON.stringify(v) ?? ''),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(
    '',
    '{',
    '{"__proto__": {"x": 1}}',
    'null',
    '[]',
    '{"model": "deepseek-v4-flash", "messages": [{}]}',
    OVERSIZE,
  ),
);

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constantFrom('Bearer sk-busybench', 'Bearer ', 'Basic abc', 'Bearer sk-busybench-second'),
      fc.string(),
    ),
    'x-api-key': fc.constantFrom('sk-busybench', 'sk-nope', ''),
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
    ),
    'x-busybench-fault': fc.constantFrom('insufficient_resource', 'content_filter', 'bogus'),
  },
  { requiredKeys: [] },
);

describe('bad input never crashes the mock', () => {
  it('answers thousands of random bodies and headers with a DeepSeek-shaped 2xx or 4xx, never a 500', async () => {
    const app = buildApp(mock.cluster.nodes[0]!.node);
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), bodies, headers, async (url, payload, hdrs) => {
        const method = url === '/models' || url === '/user/balance' ? 'GET' : 'POST';
        const safeHeaders = Object.fromEntries(
          Object.entries(hdrs).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v)),
        );
        const res = await app.inject({
          method,
          url,
          payload: method === 'POST' ? payload : undefined,
          headers: safeHeaders,
        });
        seen.add(res.statusCode);
        expect(ALLOWED.has(res.statusCode), `status ${res.statusCode}: ${res.body.slice(0, 200)}`).toBe(true);
        if (res.statusCode >= 400 && url.startsWith('/anthropic/')) {
          // The Messages API's shape on its route.
          const body = JSON.parse(res.body);
          expect(body.type).toBe('error');
          expect(Object.keys(body.error).sort()).toEqual(['message', 'type']);
        } else if (res.statusCode >= 400) {
          const body = JSON.parse(res.body);
          expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
          expect(typeof body.error.message).toBe('string');
        } else if (res.headers['content-type']?.toString().startsWith('application/json')) {
          expect(() => JSON.parse(res.body)).not.toThrow();
        }
      }),
      {
        numRuns: 3000,
        // Refusals that random bodies reach too rarely to count on, always tried.
        examples: [
          [
            '/chat/completions',
            OUT_OF_RANGE,
            { authorization: 'Bearer sk-busybench', 'content-type': 'application/json' },
          ],
          [
            '/chat/completions',
            OVERSIZE,
            { authorization: 'Bearer sk-busybench', 'content-type': 'application/json' },
          ],
        ],
      },
    );
    await app.close();
    // The generators reach the happy path and every kind of refusal, not just one.
    expect([...seen].sort()).toEqual(expect.arrayContaining([200, 400, 401, 404, 413, 415, 422]));
  }, 120_000);
});
