import { afterEach, describe, expect, it } from 'vitest';
import type { StrategyError } from '../../strategies/src/errors.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import {
  attempts,
  closeAll,
  FRAMES,
  fire,
  nodesOf,
  share,
  startProxy,
  testMock,
} from './strategy-helpers.js';

afterEach(closeAll);

describe.each(FRAMES)('chains of strategies (name+name) (%s frame)', (frame) => {
  it('retry+breaker: in an outage the breaker cuts the retry storm a retry alone would cause', async () => {
    const outage = { behaviour: { faults: { errors: { '503': 1 } } } };
    const retryOpts = { baseMs: '1', maxMs: '2', budget: '10' };
    const alone = await testMock(outage);
    const retry = await startProxy('retry', retryOpts, [alone.url], { frame });
    await fire(retry.url, 200, 4);
    const stormed = await attempts(alone.url);
    expect(stormed).toBeGreaterThan(700); // 4 attempts a request

    const chained = await testMock(outage);
    const both = await startProxy(
      'retry+breaker',
      {
        ...Object.fromEntries(Object.entries(retryOpts).map(([k, v]) => [`retry.${k}`, v])),
        'breaker.windowMs': '2000',
        'breaker.minRps': '2',
      },
      [chained.url],
      { frame },
    );
    const answers = await fire(both.url, 200, 4);
    expect(share(answers, 503)).toBe(1);
    expect(await attempts(chained.url)).toBeLessThan(stormed / 4);
  });

  it('shares one round robin across its links: retry+passthrough still spreads over every node', async () => {
    const mock = await testMock({ server: { nodes: 3 } });
    const proxy = await startProxy('retry+passthrough', {}, nodesOf(mock), { frame });
    await fire(proxy.url, 90, 3);
    for (const n of nodesOf(mock)) expect(await attempts(n)).toBe(30);
  });

  it('refuses a node-picking strategy before the end, and options without their prefix', () => {
    try {
      makeStrategy('balance-lor+retry', { retries: '2' });
      expect.unreachable();
    } catch (err) {
      expect((err as StrategyError).problems).toEqual([
        'option "retries": in a chain, options are prefixed with their strategy (balance-lor.option=value)',
        'balance-lor picks the node itself: it can only come last in a chain',
      ]);
    }
    expect(makeStrategy('bulkhead+retry+balance-lor', { 'retry.retries': '1' }).name).toBe(
      'bulkhead+retry+balance-lor',
    );
  });
});
