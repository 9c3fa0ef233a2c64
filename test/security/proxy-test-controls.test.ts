import { mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStrategy } from '../../strategies/src/start-strategy.js';
import { HELLO, KEY } from '../helpers/mock.js';
import { requireTool } from '../helpers/tools.js';
import { closeAll, FRAMES, startProxy, testMock } from '../strategies/strategy-helpers.js';

afterEach(closeAll);

/** One request with this exact target and headers (fetch would normalise the path). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const chat = JSON.stringify(HELLO);
const json = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
/** A chat completion carrying one of the mock's fault headers. */
const withFault = (base: string, header: string, value: string) =>
  raw(base, 'POST', '/chat/completions', { ...json, [header]: value }, chat);

/**
 * Through a strategy proxy the mock saw a loopback client, so its admin API answered anyone
 * who reached the proxy (`GET /admin/config` via passthrough → 200 at 94b6d0d), and its fault
 * headers forced faults. The proxy now forwards neither unless started to.
 */
describe.each(FRAMES)("the strategy proxy and the mock's test controls (%s frame)", (frame) => {
  it('refuses the admin API however the path is spelled, and drops the fault headers', async () => {
    const mock = await testMock();
    const proxy = await startProxy('passthrough', {}, [mock.url], { frame });
    for (const path of [
      '/admin/config',
      '/%61dmin/config',
      '//admin/config',
      '/ADMIN/config',
      '/./admin/state',
      '/admin',
    ]) {
      const res = await raw(proxy.url, 'GET', path);
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body).error.code, path).toBe('admin_not_forwarded');
    }
    const scenario = await raw(
      proxy.url,
      'POST',
      '/admin/scenario',
      { 'content-type': 'application/json' },
      '{"name":"outage-recovery"}',
    );
    expect(scenario.status).toBe(403);
    expect((await raw(mock.url, 'GET', '/admin/scenario')).body).not.toContain('outage-recovery');
    // A forced 503 and a forced hold are dropped: the request is served as any other.
    const forced = await withFault(proxy.url, 'x-busybench-error', '503');
    expect(forced.status).toBe(200);
    const held = await withFault(proxy.url, 'x-busybench-fault', 'reset');
    expect(held.status).toBe(200);
    // An absolute-form target is no API request.
    expect((await raw(proxy.url, 'GET', `${mock.url}/admin/config`)).status).toBe(400);
  });

  it('forwards them when started with testControls (--forward-test-controls)', async () => {
    const mock = await testMock();
    const proxy = await startProxy('passthrough', {}, [mock.url], { frame, testControls: true });
    expect((await raw(proxy.url, 'GET', '/admin/config')).status).toBe(200);
    const forced = await withFault(proxy.url, 'x-busybench-error', '503');
    expect(forced.status).toBe(503);
  });

  it('drops the headers a Connection header names (RFC 9110 §7.6.1)', async () => {
    // A recording upstream: what the proxy forwards, header by header.
    let seen: Record<string, unknown> = {};
    const upstream = createServer((req, res) => {
      seen = req.headers;
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const port = (upstream.address() as AddressInfo).port;
      const proxy = await startProxy('passthrough', {}, [`http://127.0.0.1:${port}`], { frame });
      await raw(
        proxy.url,
        'POST',
        '/chat/completions',
        { ...json, connection: 'x-hop, keep-alive', 'x-hop': 'secret', 'x-kept': 'yes' },
        chat,
      );
      expect(seen['x-hop']).toBeUndefined();
      expect(seen['x-kept']).toBe('yes');
      expect(seen.authorization).toBe(`Bearer ${KEY}`);
    } finally {
      upstream.close();
    }
  });
});

describe("nginx and HAProxy and the mock's test controls", () => {
  it.each(['nginx', 'haproxy'])(
    '%s: refuses the admin API and drops the fault headers too',
    async (name) => {
      requireTool(name, name);
      const mock = await testMock();
      const running = await startStrategy({ name, options: {} }, [mock.url], {
        dir: mkdtempSync(join(tmpdir(), `busybench-${name}-`)),
      });
      try {
        for (const path of ['/admin/config', '/%61dmin/config', '//admin/config', '/ADMIN/config']) {
          const res = await raw(running.url, 'GET', path);
          expect(res.status, `${name} ${path}`).toBe(403);
          expect(JSON.parse(res.body).error.code, path).toBe('admin_not_forwarded');
        }
        const forced = await withFault(running.url, 'x-busybench-error', '503');
        expect(forced.status).toBe(200);
      } finally {
        await running.stop();
      }
    },
    30_000,
  );

  it('haproxy: a --host that would write a directive of its own into the config is refused', async () => {
    requireTool('haproxy', 'haproxy');
    const mock = await testMock();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-haproxy-'));
    await expect(
      startStrategy({ name: 'haproxy', options: {} }, [mock.url], { dir, host: '127.0.0.1\n  stats enable' }),
    ).rejects.toThrow('is not an address or a host name');
  });
});
