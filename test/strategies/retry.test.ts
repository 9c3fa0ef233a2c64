import { afterEach, describe, expect, it } from 'vitest';
import { attempts, closeAll, FRAMES, fire, share, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

describe.each(FRAMES)('retry strategy (%s frame)', (frame) => {
  it('turns 30 % 503 into >= 99 % success at about 1.4 attempts per request', async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 0.3 } } } });
    // Four retries: 0.3^5 = 0.24 % still fail (sd 0.15 % over 1000), far from the 1 % line;
    // a budget of one token a request never binds here (the budget has its own test).
    const proxy = await startProxy(
      'retry',
      { retries: '4', baseMs: '2', maxMs: '20', budget: '1' },
      [mock.url],
      { frame },
    );
    const answers = await fire(proxy.url, 1000, 20);
    expect(share(answers, 200)).toBeGreaterThanOrEqual(0.99);
    // 1 + 0.3 + 0.09 + 0.027 + 0.008 = 1.425 expected.
    const amplification = (await attempts(mock.url)) / answers.length;
    expect(amplification).toBeGreaterThan(1.3);
    expect(amplification).toBeLessThan(1.55);
  });

  it('keeps retries within its budget during a full outage (no retry storm)', async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const proxy = await startProxy('retry', { baseMs: '1', maxMs: '5', budget: '0.2' }, [mock.url], {
      frame,
    });
    const answers = await fire(proxy.url, 400, 10);
    expect(share(answers, 503)).toBe(1);
    // Without a budget: 4 attempts each. With 0.2 tokens a request (10 to start): ~1.2 + 10/400.
    const amplification = (await attempts(mock.url)) / answers.length;
    expect(amplification).toBeLessThan(1.3);
  });

  it('honours Retry-After when the upstream sends one', async () => {
    const mock = await testMock({
      behaviour: { faults: { errors: { '429': 0.5 } }, limits: { retryAfterSeconds: 1 } },
    });
    const proxy = await startProxy('retry', { baseMs: '1', maxMs: '5000' }, [mock.url], { frame });
    const answers = await fire(proxy.url, 20, 20);
    expect(share(answers, 200)).toBeGreaterThan(0.9);
    // Every retried request waited the second it was told to, not the 1 ms backoff.
    const retried = answers.filter((a) => a.ms > 900);
    expect(retried.length).toBeGreaterThan(3);
  });
});
