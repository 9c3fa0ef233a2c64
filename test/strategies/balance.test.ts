import { afterEach, describe, expect, it } from 'vitest';
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

/** Three nodes answering in 20 ms, but node 1 in 400 ms. */
const oneSlow = {
  server: { nodes: 3 },
  behaviour: { latency: { ttft: { type: 'fixed', ms: 20 } } },
  nodeOverrides: [{}, { latency: { ttft: { type: 'fixed', ms: 400 } } }, {}],
};

describe.each(FRAMES)('load balancing strategies (%s frame)', (frame) => {
  it('least-outstanding steers around a node that slowed down; round robin does not', async () => {
    let mock = await testMock(oneSlow);
    const [n0, n1, n2] = nodesOf(mock) as [string, string, string];
    let proxy = await startProxy('balance-lor', {}, nodesOf(mock), { frame });
    await fire(proxy.url, 300, 12);
    const slowShare =
      (await attempts(n1)) / ((await attempts(n0)) + (await attempts(n1)) + (await attempts(n2)));
    expect(slowShare).toBeLessThan(0.15);
    await proxy.close();
    await mock.close();

    mock = await testMock(oneSlow);
    proxy = await startProxy('balance-wrr', {}, nodesOf(mock), { frame });
    await fire(proxy.url, 150, 12);
    const rr = (await attempts(nodesOf(mock)[1] as string)) / 150;
    expect(rr).toBeGreaterThan(0.3);
    expect(rr).toBeLessThan(0.37);
  });

  it('weighted round robin follows the weights', async () => {
    const mock = await testMock({ server: { nodes: 3 } });
    const proxy = await startProxy('balance-wrr', { weights: '3,1,1' }, nodesOf(mock), { frame });
    await fire(proxy.url, 100, 5);
    expect(await attempts(nodesOf(mock)[0] as string)).toBe(60);
    expect(await attempts(nodesOf(mock)[1] as string)).toBe(20);
  });

  it('fails over to another node on 503, so clients do not see it', async () => {
    const mock = await testMock({
      server: { nodes: 3 },
      nodeOverrides: [{ faults: { errors: { '503': 1 } } }, {}, {}],
    });
    const proxy = await startProxy('balance-wrr', {}, nodesOf(mock), { frame });
    const answers = await fire(proxy.url, 90, 5);
    expect(share(answers, 200)).toBe(1);
    expect(await attempts(nodesOf(mock)[0] as string, '503')).toBe(30);
  });

  it('refuses weights that are not numbers above 0', async () => {
    const mock = await testMock();
    await expect(startProxy('balance-wrr', { weights: '3,x,0' }, nodesOf(mock), { frame })).rejects.toThrow(
      /bad options for strategy balance-wrr/,
    );
  });
});
