import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, runCli, startCli } from './cli-helpers.js';

beforeAll(requireBuild);

describe('busybench mock', () => {
  it('reports every bad flag at once, one line each, and exits 2', async () => {
    const res = await runCli([
      'mock',
      '--port',
      'abc',
      '--error-rate',
      '503=x',
      '--error-rate',
      'lots',
      '--ttft',
      'gamma:1',
    ]);
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines[0]).toBe('busybench: bad flags:');
    expect(lines.filter((l) => l.startsWith('  - '))).toHaveLength(4);
    expect(res.stderr).toContain('--ttft: "gamma:1" must be fixed:MS');
  });

  it('reports every config problem with its path and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: -1\nbehaviour:\n  capacity:\n    overflow: drop\nextra: 1\n');
    const res = await runCli(['mock', '-c', file]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/MOCK_ERR_CONFIG_INVALID: invalid config \(3 problems\)/);
    expect(res.stderr).toContain('/server/port');
    expect(res.stderr).toContain('/behaviour/capacity/overflow');
    expect(res.stderr).toContain('unknown field "extra"');
  });

  it('names an unknown scenario and the ones that exist', async () => {
    const res = await runCli(['mock', '--port', '0', '--scenario', 'rush-hour']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/MOCK_ERR_SCENARIO_NOT_FOUND: no scenario "rush-hour".*peak-hour/);
  });

  it('lists the built-in scenarios', async () => {
    const res = await runCli(['mock', '--list-scenarios']);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')).toEqual(expect.arrayContaining(['peak-hour', 'outage-recovery']));
  });

  it('starts several nodes, plays a scenario, and closes cleanly on SIGTERM', async () => {
    const { child, output, exited } = startCli(
      ['mock', '--port', '0', '--nodes', '3', '--scenario', 'outage-recovery', '--log-level', 'silent'],
      /node-2 listening/,
    );
    const text = await output;
    expect(
      text.match(/listening on http:\/\/127\.0\.0\.1:\d+, scenario outage-recovery \(healthy\)/g),
    ).toHaveLength(3);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits within 5 s of SIGTERM with connections open: held, stalled, streaming, blackholed, half-sent, idle', async () => {
    const { child, output, exited } = startCli(
      ['mock', '--port', '0', '--itl', 'fixed:1000', '--log-level', 'silent'],
      /listening on (http:\/\/\S+)/,
    );
    const url = /listening on (http:\/\/\S+)/.exec(await output)?.[1] as string;
    const port = Number(new URL(url).port);
    const body = '{"model":"deepseek-v4-flash","stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const request = (extra: string, text = body) =>
      `POST /chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-busybench\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${text.length}\r\n${extra}\r\n${text}`;
    const sockets = [
      request('x-busybench-fault: hold\r\n'),
      request('x-busybench-fault: hold\r\n', body.replace('"stream":true', '"stream":false')),
      request('x-busybench-fault: stall\r\n'),
      request('x-busybench-fault: blackhole\r\n'),
      request(''), // a stream at one token a second
      'POST /chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"mo', // half-sent
      '', // connected, idle
    ].map((text) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      socket.on('error', () => {});
      return socket;
    });
    // Every connection reached the server and the streams are under way.
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = performance.now();
    child.kill('SIGTERM');
    const code = await exited;
    const ms = performance.now() - t0;
    for (const s of sockets) s.destroy();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it('refuses an unknown command with exit 2', async () => {
    const res = await runCli(['mokc']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown command 'mokc'/);
  });
});

describe('busybench demo', () => {
  it('runs the tour and shows the ground truth', async () => {
    const res = await runCli(['demo'], 60_000);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/30 % 503 injected, 200 requests\s+.*503×\d+/);
    expect(res.stdout).toContain('busybench_mock_requests_total');
  }, 60_000);
});
