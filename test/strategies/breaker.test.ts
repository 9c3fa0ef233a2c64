import { afterEach, describe, expect, it } from 'vitest';
import { admin } from '../helpers/mock.js';
import { attempts, closeAll, FRAMES, fire, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

describe.each(FRAMES)('circuit breaker strategy (%s frame)', (frame) => {
  it('opens during an outage, stops upstream traffic, and closes once the upstream is back', async () => {
    const mock = await testMock();
    const proxy = await startProxy(
      'breaker',
      { windowMs: '2000', minRps: '2', halfOpenMs: '500' },
      [mock.url],
      { frame },
    );
    expect((await fire(proxy.url, 20, 4)).every((a) => a.status === 200)).toBe(true);

    await admin(mock.url, 'PATCH', '/admin/config', { behaviour: { faults: { errors: { '503': 1 } } } });
    const during = await fire(proxy.url, 200, 4);
    const open = during.filter((a) => a.headers.get('x-busybench-strategy-error') === 'circuit_open');
    // Most answers come from the open breaker, fast, without an upstream attempt.
    expect(open.length).toBeGreaterThan(150);
    expect(JSON.parse(open[0]?.body ?? '{}').error.code).toBe('circuit_open');
    const upstream503 = await attempts(mock.url, '503');
    expect(upstream503).toBeLessThan(50);

    await admin(mock.url, 'PATCH', '/admin/config', { behaviour: { faults: { errors: { '503': 0 } } } });
    await new Promise((r) => setTimeout(r, 600)); // half-open after 500 ms
    const after = await fire(proxy.url, 20, 1);
    expect(after.filter((a) => a.status === 200).length).toBe(20);
  });
});
