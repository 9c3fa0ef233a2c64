import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
import { startMock, type TestMock } from '../helpers/mock.js';
import { reportJson } from '../helpers/report-json.js';

let mock: TestMock | undefined;
const children: Array<{ kill(signal: NodeJS.Signals): void }> = [];
beforeAll(() => {
  requireBuild();
  engineBinary();
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await mock?.close();
  mock = undefined;
});

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;

interface Report {
  steps: Array<{
    step: number;
    requests: number;
    errors: Record<string, number>;
    latency: Record<string, number>;
  }>;
}

const report = (args: string[], dir: string, name: string) => reportJson<Report>(args, dir, name);

/** One round of what a stranger sent at 94b6d0d (and more), all refused. */
async function attack(collector: string, round: number): Promise<number[]> {
  const post = (runner: string, body: Buffer | string, gzip = false) =>
    fetch(`${collector}/api/results`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'x-busybench-runner': runner,
        'x-busybench-seq': String(round),
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body,
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const junk = Array.from({ length: 20_000 }, (_, i) =>
    JSON.stringify({ type: 'req', t: Date.now(), step: 0, rate: 1, outcome: `made-up-${round}-${i}`, ms: 1 }),
  );
  const member = gzipSync(Buffer.alloc(1024 * 1024, 0x0a), { level: 9 });
  // Headers that never end: the listener hangs up on them after its header timeout.
  const slow = connect(Number(new URL(collector).port), '127.0.0.1', () =>
    slow.write('POST /api/results HTTP/1.1\r\n'),
  );
  slow.on('error', () => {});
  return Promise.all([
    post(`stranger-${round}`, `${junk.join('\n')}\n`),
    post(`stranger-${round}`, Buffer.concat(Array.from({ length: 200 }, () => member)), true),
    post(`stranger-${round}`, '{}\n'.repeat(250_000)),
    post('runner-a', '{"type":"run","runner":"someone-else","segment":"0/1","steps":[]}\n'),
    // Over the 4 MiB limit: answered 413 at once, and the connection closed before the rest is
    // read, so the client may see its write cut (EPIPE) instead: a refusal either way.
    fetch(`${collector}/api/alerts`, { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024) }).then(
      (r) => r.status,
      () => 413,
    ),
  ]);
}

/**
 * The whole battery at once, against a collector in a process of its own, while a legitimate
 * runner ships 1 000 req/s to it: every attack refused, the collector's RSS below 300 MB
 * throughout, and the runner's received results equal to its own file, request for request.
 */
describe('the attack battery beside a legitimate runner', () => {
  it('refuses every attack, stays under 300 MB, and loses nothing of the runner shipping at 1 000 req/s', async () => {
    mock = await startMock();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-battery-'));
    const received = join(dir, 'received');
    const c = startCli(
      ['collect', '--receive', received, '-p', '0', '--run-id', 'battery'],
      /live page http:\/\/127\.0\.0\.1:(\d+)\//,
    );
    children.push(c.child);
    const collector = `http://127.0.0.1:${/127\.0\.0\.1:(\d+)/.exec(await c.output)?.[1]}`;
    const pid = c.child.pid as number;
    let maxRss = rssMb(pid);
    const sampler = setInterval(() => {
      maxRss = Math.max(maxRss, rssMb(pid));
    }, 100);
    try {
      const load = runCli(
        [
          ...['load', '-t', mock.url, '-p', 'smoke', '-r', '1000', '-d', '8s', '-q', '--stream-ratio', '0'],
          ...['--results', join(dir, 'local.json'), '--summary', join(dir, 's.json')],
          ...['--ship', collector, '--runner', 'runner-a', '--spool', join(dir, 'spool')],
        ],
        120_000,
      );
      const statuses: number[] = [];
      for (let round = 0; round < 4; round++) {
        statuses.push(...(await attack(collector, round)));
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(
        statuses.every((s) => s >= 400 && s < 500),
        statuses.join(' '),
      ).toBe(true);
      const res = await load;
      expect([0, 99], res.stderr).toContain(res.code);
      expect(res.stderr).not.toMatch(/refused|not delivered/);
    } finally {
      clearInterval(sampler);
    }
    process.stdout.write(`battery: the collector's RSS peaked at ${maxRss.toFixed(0)} MB\n`);
    expect(maxRss, `collector RSS peaked at ${maxRss.toFixed(0)} MB`).toBeLessThan(300);
    const metrics = await (await fetch(`${collector}/metrics`)).text();
    expect(metrics).not.toContain('made-up');
    c.child.kill('SIGINT');
    await c.exited;
    const shipped = await report([received], dir, 'shipped.json');
    const local = await report([join(dir, 'local.json')], dir, 'local.json.report');
    expect(shipped.steps.map((s) => s.requests)).toEqual([8000]);
    expect(shipped.steps).toEqual(local.steps);
  }, 150_000);
});
