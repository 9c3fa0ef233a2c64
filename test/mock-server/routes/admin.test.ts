import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../mock-server/src/app.js';
import { loadConfig } from '../../../mock-server/src/config/load.js';
import type { MockError } from '../../../mock-server/src/errors.js';
import { admin, chat, metricValue, scrape, startMock, type TestMock } from '../../helpers/mock.js';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());

describe('admin API', () => {
  it('reads the config', async () => {
    const { json } = await admin(mock.url, 'GET', '/admin/config');
    expect(json.behaviour.capacity.maxInFlight).toBe(4096);
  });

  it('patches the config at run time, validated like at start-up', async () => {
    const ok = await admin(mock.url, 'PATCH', '/admin/config', {
      behaviour: { faults: { errors: { '429': 1 } } },
    });
    expect(ok.status).toBe(200);
    expect((await chat(mock.url)).status).toBe(429);
    const bad = await admin(mock.url, 'PATCH', '/admin/config', {
      behaviour: { faults: { errors: { '429': 7 } }, capacity: { overflow: 'explode' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('MOCK_ERR_CONFIG_INVALID');
    expect(bad.json.error.problems).toHaveLength(2);
    await admin(mock.url, 'PATCH', '/admin/config', { behaviour: { faults: { errors: { '429': 0 } } } });
    expect((await chat(mock.url)).status).toBe(200);
  });

  it('refuses to change what is fixed while running', async () => {
    const res = await admin(mock.url, 'PATCH', '/admin/config', { server: { port: 1 } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('MOCK_ERR_CONFIG_FIXED');
  });

  it('replaces the whole runtime config with PUT', async () => {
    const current = (await admin(mock.url, 'GET', '/admin/config')).json;
    current.behaviour.capacity.maxInFlight = 77;
    expect((await admin(mock.url, 'PUT', '/admin/config', current)).status).toBe(200);
    expect((await admin(mock.url, 'GET', '/admin/state')).json.maxInFlight).toBe(77);
  });

  it('resets counters', async () => {
    await chat(mock.url);
    expect(metricValue(await scrape(mock.url), 'busybench_mock_requests_total')).toBeGreaterThan(0);
    await admin(mock.url, 'POST', '/admin/reset');
    expect(metricValue(await scrape(mock.url), 'busybench_mock_requests_total')).toBe(0);
    // ...and counting goes on from zero afterwards.
    await chat(mock.url);
    const after = await scrape(mock.url);
    expect(metricValue(after, 'busybench_mock_requests_total', { status: '200' })).toBe(1);
    expect(metricValue(after, 'busybench_mock_tokens_total', { kind: 'completion' })).toBeGreaterThan(0);
    expect(metricValue(after, 'busybench_mock_request_duration_seconds_count')).toBe(1);
  });

  it('answers loopback clients only, unless allowed', async () => {
    const node = mock.cluster.nodes[0]!.node;
    const app = buildApp(node);
    const remote = await app.inject({ method: 'GET', url: '/admin/state', remoteAddress: '192.0.2.10' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.code).toBe('MOCK_ERR_ADMIN_FORBIDDEN');
    const local = await app.inject({ method: 'GET', url: '/admin/state', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    await app.close();
  });

  it('opens to remote clients only with the token file, and only to those who send its token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-admin-token-'));
    const tokenFile = join(dir, 'token');
    const token = randomBytes(24).toString('hex');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    // Allowed without a token: refused at start, with the path of what is missing.
    let refused: unknown;
    try {
      loadConfig({ overrides: [{ admin: { allowRemote: true } }] });
    } catch (err) {
      refused = err;
    }
    expect((refused as MockError).code).toBe('MOCK_ERR_CONFIG_INVALID');
    expect((refused as MockError).problems).toContain(
      '/admin/allowRemote: needs /admin/tokenFile (the token remote admin clients send)',
    );
    const open = await startMock({ admin: { allowRemote: true, tokenFile } });
    try {
      const app = buildApp(open.cluster.nodes[0]!.node);
      const asRemote = (authorization?: string) =>
        app.inject({
          method: 'GET',
          url: '/admin/state',
          remoteAddress: '192.0.2.10',
          headers: authorization === undefined ? {} : { authorization },
        });
      for (const wrong of [undefined, 'Bearer ', `Bearer ${token}x`, `Basic ${token}`, token]) {
        const res = await asRemote(wrong);
        expect(res.statusCode, String(wrong)).toBe(401);
        expect(res.json().error.code).toBe('MOCK_ERR_ADMIN_UNAUTHORIZED');
      }
      expect((await asRemote(`Bearer ${token}`)).statusCode).toBe(200);
      // Who may use the admin API is fixed while running: a client cannot open it wider.
      const widen = await admin(open.url, 'PATCH', '/admin/config', {
        admin: { tokenFile: '/etc/hostname' },
      });
      expect(widen.status).toBe(400);
      expect(widen.json.error.code).toBe('MOCK_ERR_CONFIG_FIXED');
      await app.close();
    } finally {
      await open.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a token file that holds no usable token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-admin-token-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'short\n');
    try {
      await expect(startMock({ admin: { allowRemote: true, tokenFile } })).rejects.toThrow(
        /admin.tokenFile .*5 characters; at least 32/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
