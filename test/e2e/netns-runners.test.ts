import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { busybenchIn, type Hosts, makeHosts } from '../helpers/netns.js';
import { freePort } from '../helpers/tools.js';

let hosts: Hosts | undefined;
const children: Array<ReturnType<typeof busybenchIn>> = [];
beforeAll(() => {
  requireBuild();
  engineBinary();
});
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL');
  hosts?.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const requestLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"type":"req"'))
    .map((l) => JSON.parse(l) as { step: number });

interface Report {
  steps: Array<{ step: number; requests: number }>;
  runners: Array<{
    runner: string;
    segment: string;
    finished: boolean;
    scheduled: number;
    missing: number;
    steps: Array<{
      step: number;
      scheduled: number;
      received: number;
      sent: number | null;
      dropped: number;
      missing: number;
    }>;
  }>;
  missing: string[];
}

describe('two runners and the mock on hosts of their own (network namespaces)', () => {
  it('results cross a network to one collector; a runner killed mid-run shows as its missing segment, nothing else is lost', async () => {
    hosts = makeHosts('nr', 77, ['mock', 'a', 'b']);
    const { gateway } = hosts;
    const mockHost = hosts.hosts.mock as { ns: string; ip: string };
    const dir = mkdtempSync(join(tmpdir(), 'busybench-netns-'));
    const target = `http://${mockHost.ip}:8000`;

    const mock = busybenchIn(mockHost.ns, [
      'mock',
      '--host',
      mockHost.ip,
      '--port',
      '8000',
      '--log-level',
      'silent',
    ]);
    children.push(mock);
    await mock.ready(/listening on/);
    const port = await freePort();
    const collectorUrl = `http://${gateway}:${port}`;
    const collect = ['collect', '--receive', join(dir, 'received'), '--host', gateway, '-p', String(port)];
    // Beyond loopback without a token: refused, unless the user says --insecure.
    const open = await runCli([...collect, '--upstream', target], 20_000);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--host 10\.\S+ is reachable beyond this machine: give --token-file/);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${randomBytes(20).toString('hex')}\n`, { mode: 0o600 });
    const collector = busybenchIn(null, [
      ...collect,
      ...['--token-file', tokenFile, '--upstream', target, '--run-id', 'netns'],
    ]);
    children.push(collector);
    await collector.ready(/live page/);
    // A stranger who reaches the port posts nothing: results and alerts need the token.
    for (const [path, type, body] of [
      ['/api/results', 'application/x-ndjson', '{"type":"req"}\n'],
      ['/api/alerts', 'application/json', '{"alerts":[]}'],
    ] as const) {
      const res = await fetch(`${collectorUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': type,
          'x-busybench-runner': 'stranger',
          'x-busybench-seq': '1',
          authorization: 'Bearer not-the-token-not-the-token-not-the-token',
        },
        body,
      });
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'COLLECTOR_ERR_UNAUTHORIZED',
      );
    }

    // The target is another host: refused unless the user says so.
    const refused = await runCli(['load', '-t', target, '-r', '1', '-d', '1s', '-q'], 20_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--allow-remote/);

    const runner = (name: 'a' | 'b', segment: string) => {
      const host = hosts?.hosts[name] as { ns: string; ip: string };
      const r = busybenchIn(host.ns, [
        ...['load', '-t', target, '--allow-remote', '-p', 'stepped', '-r', '200,300', '-d', '4s', '-q'],
        ...['--segment', segment, '--ship', collectorUrl, '--runner', `node-${name}`],
        ...['--ship-token-file', tokenFile],
        ...['--spool', join(dir, `spool-${name}`), '--results', join(dir, `local-${name}.json`)],
        ...['--summary', join(dir, `s-${name}.json`)],
      ]);
      children.push(r);
      return r;
    };
    const a = runner('a', '0/2');
    const b = runner('b', '1/2');
    await sleep(4000); // into the second step
    // node-b loses the network a second before it dies: what it writes meanwhile stays in its spool.
    const hostB = hosts.hosts.b as { ns: string; ip: string };
    expect(spawnSync('ip', ['netns', 'exec', hostB.ns, 'ip', 'link', 'set', 'eth0', 'down']).status).toBe(0);
    await sleep(1000);
    // Its engine, by pid: the child of its busybench load.
    const engine = spawnSync('pgrep', ['-P', String(b.child.pid)], { encoding: 'utf8' }).stdout.trim();
    expect(engine, 'the engine of node-b was running').toMatch(/^\d+$/);
    process.kill(Number(engine), 'SIGKILL');
    expect([0, 99], a.output().stderr).toContain(await a.exited);
    expect(await b.exited).toBe(1); // busybench load says its generator was killed
    expect(b.output().stderr).toMatch(/killed/);

    // What node-b had written down but not delivered is in its spool: sent from its host, back online.
    expect(spawnSync('ip', ['netns', 'exec', hostB.ns, 'ip', 'link', 'set', 'eth0', 'up']).status).toBe(0);
    const resend = spawnSync(
      'ip',
      [
        ...['netns', 'exec', hostB.ns, engineBinary(), '--resend'],
        ...['--ship', collectorUrl, '--runner', 'node-b', '--spool', join(dir, 'spool-b')],
        ...['--ship-token-file', tokenFile],
      ],
      { encoding: 'utf8' },
    );
    expect(resend.status, resend.stderr).toBe(0);
    expect(Number(/(\d+) batches delivered/.exec(resend.stdout)?.[1])).toBeGreaterThan(0);
    collector.child.kill('SIGINT');
    await collector.exited;

    const json = join(dir, 'report.json');
    const res = await runCli(['report', join(dir, 'received'), '--json', json], 60_000);
    expect(res.stdout).toMatch(/MISSING: segment 1\/2 \(runner node-b\) stopped before its end/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const byName = Object.fromEntries(report.runners.map((r) => [r.runner, r]));
    const ra = byName['node-a'];
    const rb = byName['node-b'];

    // node-a: whole, every request it sent arrived.
    expect(ra).toMatchObject({ segment: '0/2', finished: true, missing: 0 });
    for (const s of ra?.steps ?? []) expect(s.received).toBe(s.sent);
    expect(ra?.steps.reduce((n, s) => n + s.received, 0)).toBe(
      requestLines(join(dir, 'local-a.json')).length,
    );

    // node-b: cut short; the missing count is its share less what arrived, step by step.
    expect(rb).toMatchObject({ segment: '1/2', finished: false });
    expect(rb?.missing).toBeGreaterThan(0);
    for (const s of rb?.steps ?? []) expect(s.missing).toBe(s.scheduled - s.received - s.dropped);
    expect(report.missing).toEqual([
      expect.stringContaining(`${rb?.missing} of its ${rb?.scheduled} scheduled`),
    ]);
    // Nothing else lost: what node-b wrote before the kill all arrived (spool resent), once. The
    // engine spools a batch just before it writes it to its own file: a kill between the two can
    // leave the collector one batch (a quarter second, ~40 requests here) ahead of the file.
    const receivedB = rb?.steps.reduce((n, s) => n + s.received, 0) ?? 0;
    const localB = requestLines(join(dir, 'local-b.json')).length;
    expect(receivedB - localB).toBeGreaterThanOrEqual(0);
    expect(receivedB - localB).toBeLessThanOrEqual(60);
    // The run's steps are the two runners' requests, each counted once.
    const total = report.steps.reduce((n, s) => n + s.requests, 0);
    expect(total).toBe(requestLines(join(dir, 'local-a.json')).length + receivedB);
  }, 180_000);
});
