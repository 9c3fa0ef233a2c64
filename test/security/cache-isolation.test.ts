import { afterEach, describe, expect, it } from 'vitest';
import { HELLO } from '../helpers/mock.js';
import { attempts, closeAll, FRAMES, fire, startProxy, testMock } from '../strategies/strategy-helpers.js';

afterEach(closeAll);

/**
 * The cache serves an answer only to the caller that asked for it, and only a whole one: both
 * broke at 94b6d0d (issue 26). The mock's three keys of one account are the callers.
 */
describe.each(FRAMES)('the cache strategy between callers (%s frame)', (frame) => {
  it("key-pool+cache: a caller with its own key never gets another caller's cached answer", async () => {
    const mock = await testMock();
    // key-pool rewrites every request's key before the cache sees it: the cache must key on the
    // key the client sent, not the pool's.
    const proxy = await startProxy('key-pool+cache', { 'key-pool.keys': 'sk-busybench-2' }, [mock.url], {
      frame,
    });
    const [a] = await fire(proxy.url, 1, 1, { key: 'sk-busybench' });
    const [again] = await fire(proxy.url, 1, 1, { key: 'sk-busybench' });
    const [c] = await fire(proxy.url, 1, 1, { key: 'sk-busybench-3' });
    expect(a?.status).toBe(200);
    expect(again?.headers.get('x-busybench-cache')).toBe('hit');
    expect(c?.status).toBe(200);
    expect(c?.headers.get('x-busybench-cache')).toBeNull();
    // A's first request and C's went upstream; A's repeat did not.
    expect(await attempts(mock.url)).toBe(2);
  });

  it("stores no answer whose JSON is cut (the mock's malformed_json fault): the repeat goes upstream", async () => {
    const mock = await testMock({ behaviour: { faults: { network: { malformedJson: 1 } } } });
    const proxy = await startProxy('cache', {}, [mock.url], { frame });
    const [first] = await fire(proxy.url, 1, 1);
    expect(first?.status).toBe(200);
    expect(() => JSON.parse(first?.body ?? '')).toThrow();
    const [second] = await fire(proxy.url, 1, 1);
    expect(second?.headers.get('x-busybench-cache')).toBeNull();
    expect(await attempts(mock.url)).toBe(2);
  });

  it('tells a stream by parsing the body: a nested "stream": true is not a stream request', async () => {
    const mock = await testMock();
    const proxy = await startProxy('cache', {}, [mock.url], { frame });
    // A member named stream inside another (a regex took the request for a stream and so never
    // cached it), and the words in a prompt.
    const body = {
      ...HELLO,
      messages: [{ role: 'user', content: 'say "stream": true' }],
      metadata: { stream: true },
    };
    await fire(proxy.url, 1, 1, { body });
    const [repeat] = await fire(proxy.url, 1, 1, { body });
    expect(repeat?.headers.get('x-busybench-cache')).toBe('hit');
    expect(repeat?.headers.get('content-type')).toContain('application/json');
    // And a real stream request is one, whitespace and all.
    const stream = { ...HELLO, stream: true };
    const [s] = await fire(proxy.url, 1, 1, { body: stream });
    expect(s?.headers.get('content-type')).toContain('text/event-stream');
    expect(await attempts(mock.url)).toBe(2);
  });
});
