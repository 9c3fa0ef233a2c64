import { Agent, request } from 'undici';
import { expect } from 'vitest';
import { admin, HELLO, KEY, type TestMock, untilInFlight } from '../helpers/mock.js';
import { nodesOf } from './strategy-helpers.js';

/**
 * Opens idle keep-alive connections and one answer that would take 30 s, then stops the proxy:
 * it must be gone, its whole process group (workers too) with it, within 5 s. Every proxy a run
 * starts (ours, nginx, HAProxy) is held to it.
 */
export async function expectQuickStop(
  url: string,
  mock: TestMock,
  pid: number,
  stop: () => Promise<void>,
): Promise<void> {
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: 8 });
  await Promise.all(
    Array.from({ length: 4 }, async () =>
      (await request(`${url}/health`, { dispatcher: agent })).body.text(),
    ),
  );
  const node = nodesOf(mock)[0] as string;
  await admin(node, 'PATCH', '/admin/config', {
    behaviour: { latency: { ttft: { type: 'fixed', ms: 30_000 } } },
  });
  const inFlight = request(`${url}/chat/completions`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(HELLO),
  }).then(
    async (r) => r.body.text(),
    () => 'cut',
  );
  await untilInFlight(node, 1);
  // Four connections to the proxy: one carries the answer under way, the others sit idle.
  expect(agent.stats[new URL(url).origin]?.connected).toBeGreaterThanOrEqual(4);
  const t0 = performance.now();
  await stop();
  expect(performance.now() - t0).toBeLessThan(5_000);
  expect(() => process.kill(-pid, 0)).toThrow();
  await inFlight;
  await agent.destroy();
}
