import { mkdtempSync, readFileSync } from 'node:fs';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A collector taking shipped results into `dir`, on `port` (0: any); its URL once it listens. */
async function receiving(dir: string, port: number) {
  const c = startCli(
    ['collect', '--receive', dir, '-p', String(port), '--run-id', 'ship'],
    /live page http:\/\/127\.0\.0\.1:(\d+)\//,
  );
  children.push(c.child);
  const out = await c.output;
  return { ...c, out, port: Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) };
}

interface Report {
  steps: Array<{
    step: number;
    requests: number;
    errors: Record<string, number>;
    latency: Record<string, number>;
  }>;
  runners: Array<{
    runner: string;
    finished: boolean;
    missing: number;
    steps: Array<{ received: number; sent: number }>;
  }>;
  missing: string[];
}

const report = (args: string[], dir: string, name: string) => reportJson<Report>(args, dir, name);

describe('results shipped to a collector over HTTP (load --ship, collect --receive)', () => {
  it('a collector killed mid-run and restarted: nothing lost, nothing counted twice', async () => {
    mock = await startMock();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-ship-'));
    const received = join(dir, 'received');
    const first = await receiving(received, 0);
    const collector = `http://127.0.0.1:${first.port}`;

    // 8 s of load; the engine also writes its own results file: the truth to compare with.
    const load = runCli(
      [
        ...['load', '-t', mock.url, '-p', 'stepped', '-r', '150,250', '-d', '4s', '-q'],
        ...['--results', join(dir, 'local.json'), '--summary', join(dir, 's.json')],
        ...['--ship', collector, '--runner', 'runner-a', '--spool', join(dir, 'spool')],
      ],
      120_000,
    );
    await sleep(2500);
    first.child.kill('SIGKILL');
    await first.exited;
    await sleep(2000); // the engine keeps its batches in the spool meanwhile
    const second = await receiving(received, first.port);
    // What the first one had written was read back.
    expect(second.out).toMatch(/read back \d+ batches already received/);
    const res = await load;
    expect([0, 99], res.stderr).toContain(res.code);
    expect(res.stderr).toMatch(/results not delivered .* retrying/);
    expect(res.stderr).toMatch(/the collector takes results again/);

    // A resend of a batch it holds (an acknowledgement lost): acknowledged, dropped.
    const held = readFileSync(join(received, 'runner-a.ndjson'), 'utf8').split('\n');
    const mark = JSON.parse(held[0] as string) as { seq: number; lines: number };
    const again = await fetch(`${collector}/api/results`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
        'x-busybench-runner': 'runner-a',
        'x-busybench-seq': String(mark.seq),
      },
      body: gzipSync(`${held.slice(1, 1 + mark.lines).join('\n')}\n`),
    });
    expect(await again.json()).toEqual({ duplicate: true, lines: 0 });
    // What the restarted collector holds in memory (its live view, its report on stop) is whole too.
    const live = (await (await fetch(`${collector}/api/live`)).json()) as Report;
    expect(live.steps.map((s) => s.requests)).toEqual([600, 1000]);
    second.child.kill('SIGINT');
    await second.exited;

    // The received directory and the engine's own file give the same report, exactly.
    const shipped = await report([received], dir, 'shipped.json');
    const local = await report([join(dir, 'local.json')], dir, 'local-report.json');
    expect(shipped.steps.map((s) => s.requests)).toEqual([600, 1000]);
    expect(shipped.steps).toEqual(local.steps);
    expect(live.steps.map((s) => s.latency)).toEqual(local.steps.map((s) => s.latency));
    expect(shipped.runners).toHaveLength(1);
    expect(shipped.runners[0]).toMatchObject({ runner: 'runner-a', finished: true, missing: 0 });
    expect(shipped.runners[0]?.steps.map((s) => [s.received, s.sent])).toEqual([
      [600, 600],
      [1000, 1000],
    ]);
    expect(shipped.missing).toEqual([]);
  }, 150_000);

  it('a collector without --receive refuses shipped results, saying how to take them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-ship-'));
    const c = startCli(
      ['collect', '-r', join(dir, 'r.json'), '-p', '0'],
      /live page http:\/\/127\.0\.0\.1:(\d+)\//,
    );
    children.push(c.child);
    const port = /127\.0\.0\.1:(\d+)/.exec(await c.output)?.[1];
    const res = await fetch(`http://127.0.0.1:${port}/api/results`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'x-busybench-runner': 'a', 'x-busybench-seq': '1' },
      body: '{}\n',
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'COLLECTOR_ERR_NOT_RECEIVING',
    );
  });

  it('bad ship flags: one line each, exit 2', async () => {
    const res = await runCli([
      'load',
      '--ship',
      'ftp://x',
      '--runner',
      'a/b',
      '--spool',
      '/tmp/x',
      '-r',
      '1',
      '-d',
      '1s',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--ship "ftp:\/\/x" must be a collector's http\(s\) URL/);
    expect(res.stderr).toMatch(/--runner "a\/b"/);
    const noShip = await runCli(['load', '--spool', '/tmp/x', '-r', '1', '-d', '1s']);
    expect(noShip.stderr).toMatch(/--spool goes with --ship/);
  });
});
