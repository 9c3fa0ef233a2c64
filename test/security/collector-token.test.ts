import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
import { freePort, requireTool } from '../helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'busybench-token-'));
const token = randomBytes(20).toString('hex');
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });

let running: ReturnType<typeof startCli> | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  running?.child.kill('SIGINT');
  await running?.exited;
  running = undefined;
});

/** `busybench collect` on every interface, reached here at 127.0.0.1; its base URL. */
async function collector(...flags: string[]): Promise<string> {
  running = startCli(
    ['collect', '--receive', join(dir, `r-${Date.now()}`), '--host', '0.0.0.0', '-p', '0', ...flags],
    /live page/,
  );
  const out = await running.output;
  return `http://127.0.0.1:${/:(\d+)\//.exec(out)?.[1]}`;
}

const batch = `${JSON.stringify({
  type: 'run',
  version: 1,
  engine: 'busybench-engine',
  runner: 'r1',
  segment: '0/1',
  target: 'http://127.0.0.1:8000',
  profile: 'stepped',
  startedAt: Date.now(),
  steps: [{ step: 0, targetRate: 10, startMs: 0, endMs: 1000, scheduled: 10 }],
})}\n`;

function post(url: string, path: '/api/results' | '/api/alerts', authorization?: string) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      ...(path === '/api/results'
        ? { 'content-type': 'application/x-ndjson', 'x-busybench-runner': 'r1', 'x-busybench-seq': '1' }
        : { 'content-type': 'application/json' }),
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: path === '/api/results' ? batch : JSON.stringify({ alerts: [] }),
  });
}

/**
 * A collector beyond loopback takes posts (results, alerts) from its token's holders only: at
 * 94b6d0d anyone who reached the port could post results and alerts into a run.
 */
describe('busybench collect beyond loopback', () => {
  it('refuses to listen on every interface without a token, unless told --insecure (one line, exit 2)', async () => {
    const run = await runCli(['collect', '--receive', join(dir, 'r0'), '--host', '0.0.0.0', '-p', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('--host 0.0.0.0 is reachable beyond this machine: give --token-file');
    const short = join(dir, 'short');
    writeFileSync(short, 'abc\n');
    const bad = await runCli([
      'collect',
      '--receive',
      join(dir, 'r0'),
      '--host',
      '::',
      '--token-file',
      short,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--token-file ${short}: 3 characters; at least 32`);
  });

  it('with --token-file: posts without the token get 401 and count nothing; with it, they count; reads stay open', async () => {
    const url = await collector('--token-file', tokenFile);
    for (const path of ['/api/results', '/api/alerts'] as const)
      for (const wrong of [undefined, `Bearer ${token.slice(1)}`, `Basic ${token}`, token]) {
        const res = await post(url, path, wrong);
        expect(res.status, `${path} ${wrong}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          'COLLECTOR_ERR_UNAUTHORIZED',
        );
      }
    const live = async () => (await (await fetch(`${url}/api/live`)).json()) as { runners: unknown[] };
    expect((await live()).runners).toHaveLength(0);
    expect((await post(url, '/api/results', `Bearer ${token}`)).status).toBe(200);
    expect((await post(url, '/api/alerts', `Bearer ${token}`)).status).toBe(200);
    expect((await live()).runners).toHaveLength(1);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it("Alertmanager's webhook sends the token (stack up --collector-token-file): a real alert arrives", async () => {
    requireTool('prometheus-alertmanager', 'prometheus-alertmanager');
    const url = await collector('--token-file', tokenFile);
    const stackDir = join(dir, 'stack');
    const [prom, am] = [await freePort(), await freePort()];
    const up = await runCli(
      [
        ...['stack', 'up', '--dir', stackDir, '--prometheus-port', String(prom)],
        ...['--alertmanager-port', String(am), '--collector', url, '--collector-token-file', tokenFile],
      ],
      60_000,
    );
    expect(up.code, up.stderr).toBe(0);
    try {
      // Alertmanager's config names the file, never the token.
      const status = (await (await fetch(`http://127.0.0.1:${am}/api/v2/status`)).json()) as {
        config: { original: string };
      };
      expect(status.config.original).toContain(`credentials_file: ${tokenFile}`);
      expect(status.config.original).not.toContain(token);
      const posted = await fetch(`http://127.0.0.1:${am}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'TokenCheck', severity: 'ticket' } }]),
      });
      expect(posted.status).toBe(200);
      let names: string[] = [];
      for (let i = 0; i < 60 && !names.includes('TokenCheck'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        const got = (await (await fetch(`${url}/api/alerts`)).json()) as {
          alerts: Array<{ labels: { alertname: string } }>;
        };
        names = got.alerts.map((a) => a.labels.alertname);
      }
      expect(names).toContain('TokenCheck');
    } finally {
      await runCli(['stack', 'down', '--dir', stackDir], 30_000);
    }
  }, 90_000);

  it('with --insecure: takes posts from anyone, as the user asked', async () => {
    const url = await collector('--insecure');
    expect((await post(url, '/api/results')).status).toBe(200);
  });
});
