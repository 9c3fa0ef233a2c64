import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nginxOptions, startNginx } from '../../strategies/src/nginx.js';
import { Options } from '../../strategies/src/options.js';
import { type RunningStrategy, startStrategy } from '../../strategies/src/start-strategy.js';
import type { TestMock } from '../helpers/mock.js';
import { freePort, requireTool } from '../helpers/tools.js';
import { expectQuickStop } from './quick-stop.js';
import { attempts, closeAll, fire, nodesOf, share, testMock } from './strategy-helpers.js';

let nginx: RunningStrategy | undefined;
beforeAll(() => {
  requireTool('nginx', 'nginx');
});
afterEach(async () => {
  await nginx?.stop();
  await closeAll();
});

const start = async (m: TestMock, options: Record<string, string> = {}) =>
  startStrategy({ name: 'nginx', options }, nodesOf(m), {
    dir: mkdtempSync(join(tmpdir(), 'busybench-nginx-')),
  });

describe("the nginx upstream of DeepSeek operations guides (Debian's nginx)", () => {
  it('spreads requests over the nodes and streams SSE through unbuffered', async () => {
    const mock = await testMock({ server: { nodes: 3 } });
    nginx = await start(mock);
    const answers = await fire(nginx.url, 60, 6);
    expect(share(answers, 200)).toBe(1);
    for (const n of nodesOf(mock)) expect(await attempts(n)).toBeGreaterThan(5);
    const [s] = await fire(nginx.url, 1, 1, {
      body: { model: 'deepseek-v4-flash', stream: true, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(s?.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('weights=3,1 with round robin: exactly 3:1, each 4 requests in turn (± 1); with least_conn: 3:1 within 5 %', async () => {
    const mock = await testMock({ server: { nodes: 2 } });
    const [a] = nodesOf(mock) as [string];
    nginx = await start(mock, { algorithm: 'round-robin', weights: '3,1' });
    // One at a time: each request's node read from the nodes' own counts.
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      const before = await attempts(a);
      expect((await fire(nginx.url, 1, 1))[0]?.status).toBe(200);
      seen.push((await attempts(a)) > before ? 'a' : 'b');
    }
    for (let i = 0; i < 40; i += 4) {
      const window = seen.slice(i, i + 4).filter((n) => n === 'a').length;
      expect(window, seen.join('')).toBeGreaterThanOrEqual(2);
      expect(window, seen.join('')).toBeLessThanOrEqual(4);
    }
    expect(seen.filter((n) => n === 'a')).toHaveLength(30);
    await nginx.stop();

    // least_conn (the guides' default) honours the weights too, with requests in parallel.
    const fresh = await testMock({
      server: { nodes: 2 },
      behaviour: { latency: { ttft: { type: 'fixed', ms: 20 } } },
    });
    nginx = await start(fresh, { weights: '3,1' });
    expect(share(await fire(nginx.url, 400, 8), 200)).toBe(1);
    const [x, y] = nodesOf(fresh) as [string, string];
    const shareA = (await attempts(x)) / ((await attempts(x)) + (await attempts(y)));
    expect(Math.abs(shareA - 0.75), `node a took ${shareA}`).toBeLessThanOrEqual(0.05);
  });

  it('refuses weights that are not one whole number per upstream', async () => {
    const mock = await testMock({ server: { nodes: 2 } });
    await expect(start(mock, { weights: '3,1.5' })).rejects.toThrow(/bad options for strategy nginx/);
    await expect(start(mock, { weights: '3,1,1' })).rejects.toThrow(/bad options for strategy nginx/);
  });

  it('as the guides write it, a 503 of a POST reaches the client; with non_idempotent it fails over', async () => {
    const config = { server: { nodes: 3 }, nodeOverrides: [{ faults: { errors: { '503': 1 } } }, {}, {}] };
    let mock = await testMock(config);
    nginx = await start(mock);
    const asWritten = await fire(nginx.url, 60, 3);
    // nginx does not pass a POST that was sent to the next server unless told it may.
    expect(share(asWritten, 503)).toBeGreaterThan(0.05);
    await nginx.stop();
    await mock.close();

    mock = await testMock(config);
    nginx = await start(mock, { nonIdempotent: '1' });
    const fixed = await fire(nginx.url, 60, 3);
    expect(share(fixed, 200)).toBe(1);
    expect(await attempts(nodesOf(mock)[0] as string, '503')).toBeGreaterThan(0);
  });

  it('fails over when a node is down (connection refused: nothing was sent)', async () => {
    const mock = await testMock({ server: { nodes: 2 } });
    // A third node that is not there: nothing listens on its port.
    const urls = [...nodesOf(mock), `http://127.0.0.1:${await freePort()}`];
    nginx = await startStrategy({ name: 'nginx', options: {} }, urls, {
      dir: mkdtempSync(join(tmpdir(), 'busybench-nginx-')),
    });
    const answers = await fire(nginx.url, 60, 3);
    expect(share(answers, 200)).toBe(1);
  });

  it('stops within 5 s with idle keep-alive connections open and a request in flight', async () => {
    const mock = await testMock({ server: { nodes: 1 } });
    const o = new Options('nginx', {});
    const n = await startNginx(
      nginxOptions(o),
      nodesOf(mock),
      await freePort(),
      mkdtempSync(join(tmpdir(), 'busybench-nginx-')),
    );
    await expectQuickStop(n.url, mock, n.child.pid as number, n.stop);
  });
});
