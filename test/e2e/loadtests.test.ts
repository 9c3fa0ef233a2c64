import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { k6Binary } from '../../cli/k6-binary.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
let k6 = '';
beforeAll(() => {
  requireBuild();
  // The pinned k6 (built by `make test`'s set-up, or now): a missing k6 fails here, loudly.
  k6 = k6Binary();
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const summaryPath = () => join(mkdtempSync(join(tmpdir(), 'busybench-k6-')), 'summary.json');
const readSummary = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** A short stepped run through the CLI: three 2-second steps. */
async function stepped(url: string, extra: string[] = []) {
  const summary = summaryPath();
  const res = await runCli(
    [
      'load',
      '-t',
      url,
      '-p',
      'stepped',
      '-r',
      '20,40,60',
      '-d',
      '2s',
      '--ramp',
      '1s',
      '--summary',
      summary,
      ...extra,
    ],
    90_000,
  );
  return { ...res, summary: () => readSummary(summary) };
}

describe('k6 load tests (real k6, real mock)', () => {
  it('type-checks the k6 scripts against @types/k6', () => {
    const tsc = spawnSync('npx', ['tsc', '--noEmit', '-p', 'loadtests/tsconfig.json'], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).not.toMatch(/error TS/);
    expect(tsc.status).toBe(0);
  });

  it('runs three steps on a healthy mock, every step in the output, every SLA line held', async () => {
    mock = await startMock();
    const run = await stepped(mock.url, ['--stream-ratio', '0.3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SLA: every line held');
    const s = run.summary();
    expect(s.steps.map((st: { targetRate: number }) => st.targetRate)).toEqual([20, 40, 60]);
    for (const st of s.steps) {
      expect(st.requests).toBeGreaterThan(0);
      expect(st.successRate).toBe(1);
    }
    expect(s.droppedIterations).toBe(0);
    // k6 sent what the mock saw: the ground truth agrees with the client's count.
    const truth = await (await fetch(`${mock.url}/metrics`)).text();
    const served = truth
      .split('\n')
      .filter((l) => l.startsWith('busybench_mock_requests_total{') && l.includes('status="200"'))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(served).toBe(s.requests);
  }, 120_000);

  it("writes every request's samples, tagged with its step, as NDJSON for the collector", async () => {
    mock = await startMock();
    const results = join(mkdtempSync(join(tmpdir(), 'busybench-k6-')), 'results.json');
    const run = await stepped(mock.url, ['--results', results]);
    expect(run.code).toBe(0);
    const points = readFileSync(results, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"Point"'))
      .map((l) => JSON.parse(l));
    const durations = points.filter((p) => p.metric === 'http_req_duration');
    expect(durations).toHaveLength(run.summary().requests);
    expect(new Set(durations.map((p) => p.data.tags.step))).toEqual(new Set(['0', '1', '2']));
    expect(durations[0].data.tags).toMatchObject({ status: '200', target_rate: '20' });
  }, 120_000);

  it('fails with exit 99 and names the steps when the mock injects 50 % 503', async () => {
    mock = await startMock({ behaviour: { faults: { errors: { '503': 0.5 } } } });
    const run = await stepped(mock.url);
    expect(run.code).toBe(99);
    expect(run.stdout).toMatch(/SLA BREACHED/);
    expect(run.stdout).toMatch(/busybench_success rate>=0.9995 broken at step 0 \(20 req\/s\)/);
    const s = run.summary();
    expect(s.passed).toBe(false);
    expect(s.errors['503']).toBeGreaterThan(0);
  }, 120_000);

  it('stops a breakpoint run at the first SLA breach, and says at which rate', async () => {
    // Two requests in flight at most, 50 ms each: past ~40 req/s the node answers 503.
    mock = await startMock({
      behaviour: {
        latency: { ttft: { type: 'fixed', ms: 50 }, interToken: { type: 'fixed', ms: 0 } },
        capacity: { maxInFlight: 2 },
      },
    });
    const summary = summaryPath();
    const t0 = Date.now();
    const run = await runCli(
      ['load', '-t', mock.url, '-p', 'breakpoint', '-r', '5,300', '-d', '40s', '--summary', summary],
      90_000,
    );
    expect(run.code).toBe(99);
    expect(Date.now() - t0).toBeLessThan(35_000);
    const s = readSummary(summary);
    expect(
      s.breaches.some((b: string) => /busybench_success .* broken at step \d+ \(\d+ req\/s\)/.test(b)),
    ).toBe(true);
  }, 120_000);

  it('reports time to first token for streams, as the mock serves it', async () => {
    mock = await startMock({
      behaviour: { latency: { ttft: { type: 'fixed', ms: 120 }, interToken: { type: 'fixed', ms: 2 } } },
    });
    const run = await stepped(mock.url, ['--stream-ratio', '1', '-r', '10,10,10']);
    expect(run.code).toBe(0);
    for (const st of run.summary().steps) {
      expect(st.ttftP95Ms).toBeGreaterThanOrEqual(118);
      expect(st.ttftP95Ms).toBeLessThan(250);
    }
  }, 120_000);

  it('refuses a remote target, in the CLI and in the script itself', async () => {
    const cli = await runCli(['load', '-t', 'https://api.deepseek.com', '-p', 'smoke']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/not on this machine \(loopback\).*--allow-remote/);
    const script = spawnSync(k6, ['run', '--quiet', 'loadtests/main.ts'], {
      encoding: 'utf8',
      env: { ...process.env, BUSYBENCH_TARGET: 'http://192.0.2.1:8000' },
      timeout: 30_000,
    });
    expect(script.status).not.toBe(0);
    expect(script.stdout + script.stderr).toMatch(
      /refusing to load http:\/\/192\.0\.2\.1:8000: it is not a loopback address/,
    );
  }, 60_000);
});
