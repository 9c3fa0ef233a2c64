import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../collector/src/ingest-file.js';
import { RunStats } from '../../collector/src/step-stats.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { BIN, requireBuild, runCli } from '../cli/cli-helpers.js';
import { startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
let engine = '';
beforeAll(() => {
  requireBuild();
  // The Go engine (built by `make test`'s set-up, or now): a missing Go fails here, loudly.
  engine = engineBinary();
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'busybench-engine-'));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

/** A short stepped run through the CLI: three 2-second steps at 20, 40 and 60 req/s. */
async function stepped(url: string, extra: string[] = []) {
  const summary = join(tempDir(), 'summary.json');
  const res = await runCli(
    ['load', '-t', url, '-p', 'stepped', '-r', '20,40,60', '-d', '2s', '-q', '--summary', summary, ...extra],
    90_000,
  );
  return { ...res, summary: () => readJson(summary) };
}

/** Requests the mock answered, by its own count (ground truth). */
async function served(url: string): Promise<number> {
  const truth = await (await fetch(`${url}/metrics`)).text();
  return truth
    .split('\n')
    .filter((l) => l.startsWith('busybench_mock_requests_total{'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

describe('the load engine (real engine, real mock)', () => {
  it('runs three steps on a healthy mock, every arrival sent, every SLA line held', async () => {
    mock = await startMock();
    const run = await stepped(mock.url, ['--stream-ratio', '0.3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SLA: every line held');
    const s = run.summary();
    expect(s.steps.map((st: { targetRate: number }) => st.targetRate)).toEqual([20, 40, 60]);
    // Open model: the schedule's count per step, exactly (rate × duration).
    expect(s.steps.map((st: { requests: number }) => st.requests)).toEqual([40, 80, 120]);
    for (const st of s.steps) expect(st.successRate).toBe(1);
    expect(s.droppedIterations).toBe(0);
    // The engine sent what the mock saw.
    expect(await served(mock.url)).toBe(s.requests);
  }, 120_000);

  it('writes one line per request, tagged with its step, that the collector reads', async () => {
    mock = await startMock();
    const results = join(tempDir(), 'results.json');
    const run = await stepped(mock.url, ['--results', results, '--stream-ratio', '0.5']);
    expect(run.code).toBe(0);
    const all = lines(results);
    expect(all[0]).toMatchObject({ type: 'run', version: 1, segment: '0/1', profile: 'stepped' });
    expect(all.at(-1)).toMatchObject({ type: 'end', exitCode: 0 });
    const requests = all.filter((l) => l.type === 'req');
    expect(requests).toHaveLength(run.summary().requests);
    expect(new Set(requests.map((r) => r.step))).toEqual(new Set([0, 1, 2]));
    expect(requests[0]).toMatchObject({ status: 200, outcome: 'ok', rate: 20, attempts: 1 });
    const streams = requests.filter((r) => r.stream);
    expect(streams.length).toBeGreaterThan(0);
    for (const r of streams) {
      expect(r.ttft).toBeGreaterThan(0);
      expect(r.itl.length).toBeGreaterThan(0);
    }
    const stats = new RunStats();
    await ingestFile(results, stats);
    expect(stats.malformedLines).toBe(0);
    expect(stats.summaries().map((s) => s.requests)).toEqual([40, 80, 120]);
  }, 120_000);

  it('fails with exit 99 and names the step and line when the mock injects 50 % 503', async () => {
    mock = await startMock({ behaviour: { faults: { errors: { '503': 0.5 } } } });
    const run = await stepped(mock.url);
    expect(run.code).toBe(99);
    expect(run.stdout).toMatch(/SLA BREACHED/);
    expect(run.stdout).toMatch(/success rate >= 0.9995 broken at step 0 \(20 req\/s\): measured 0\.\d+/);
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
    const summary = join(tempDir(), 'summary.json');
    const t0 = Date.now();
    const run = await runCli(
      ['load', '-t', mock.url, '-p', 'breakpoint', '-r', '5,300', '-d', '40s', '-q', '--summary', summary],
      90_000,
    );
    expect(run.code).toBe(99);
    expect(Date.now() - t0).toBeLessThan(35_000);
    const s = readJson(summary);
    expect(s.stoppedAtBreach).toBe(true);
    expect(s.breaches[0]).toMatch(/success rate .* broken at step \d+ \(\d+ req\/s\)/);
    // Nothing was sent past the step after the broken one (that step was under way).
    const broken = Number(/step (\d+)/.exec(s.breaches[0])?.[1]);
    for (const st of s.steps) if (st.step > broken + 1) expect(st.requests).toBe(0);
  }, 120_000);

  it('ramps the rate linearly (open model): each window sends what the ramp plans', async () => {
    mock = await startMock();
    const summary = join(tempDir(), 'summary.json');
    const run = await runCli(
      ['load', '-t', mock.url, '-p', 'ramp', '-r', '10,90', '-d', '5s', '-q', '--summary', summary],
      60_000,
    );
    expect(run.code).toBe(0);
    const s = readJson(summary);
    // Ten windows of 0.5 s, the rate rising by 8 req/s each: window i plans (14 + 8 i) × 0.5.
    expect(s.steps).toHaveLength(10);
    expect(s.requests).toBe(((10 + 90) / 2) * 5);
    s.steps.forEach((st: { requests: number; targetRate: number }, i: number) => {
      expect(Math.abs(st.requests - (14 + 8 * i) * 0.5), `window ${i}`).toBeLessThanOrEqual(1);
      expect(st.targetRate).toBe(18 + 8 * i);
    });
  }, 60_000);

  it('reads time to first token at the first token frame, not at the first byte', async () => {
    mock = await startMock({
      behaviour: { latency: { ttft: { type: 'fixed', ms: 120 }, interToken: { type: 'fixed', ms: 2 } } },
    });
    const run = await stepped(mock.url, ['--stream-ratio', '1', '-r', '10,10,10']);
    expect(run.code).toBe(0);
    for (const st of run.summary().steps) {
      expect(st.ttftP95Ms).toBeGreaterThanOrEqual(118);
      expect(st.ttftP95Ms).toBeLessThan(250);
      expect(st.interTokenP50Ms).toBeGreaterThanOrEqual(1.5);
      expect(st.interTokenP50Ms).toBeLessThan(10);
    }
  }, 120_000);

  it('counts a stream as a success only when it is whole and real', async () => {
    const cases: [object, string][] = [
      [{ stream: { insufficientResource: 1 } }, 'aborted'],
      [{ stream: { contentFilter: 1 } }, 'filtered'],
      [{ stream: { truncate: 1 } }, 'truncated'],
      [{ network: { malformedJson: 1 } }, 'malformed'],
    ];
    for (const [faults, outcome] of cases) {
      mock = await startMock({ behaviour: { faults } });
      const summary = join(tempDir(), 'summary.json');
      const run = await runCli(
        [
          'load',
          '-t',
          mock.url,
          '-p',
          'smoke',
          '-r',
          '10',
          '-d',
          '1s',
          '--stream-ratio',
          '1',
          '-q',
          '--summary',
          summary,
        ],
        60_000,
      );
      expect(run.code, outcome).toBe(99);
      const s = readJson(summary);
      expect(s.successRate, outcome).toBe(0);
      expect(s.errors, outcome).toEqual({ [outcome]: 10 });
      await mock.close();
      mock = undefined;
    }
  }, 120_000);

  it('refuses a remote target in the CLI and in the engine itself, tricks included, without connecting', async () => {
    // Literal addresses only: names are resolved by the check, and tests query no resolver
    // (test/loadtests/guard.test.ts covers names through an injected one).
    for (const target of [
      'https://192.0.2.1',
      'http://localhost:8000@192.0.2.1:8000',
      'http://3221225985:8000', // 192.0.2.1 as one decimal number
      'http://[::ffff:192.0.2.1]:8000',
    ]) {
      const cli = await runCli(['load', '-t', target, '-p', 'smoke']);
      expect(cli.code, target).toBe(2);
      expect(cli.stderr, target).toMatch(
        /refusing to load .*192\.0\.2\.1.*not a loopback address.*--allow-remote/,
      );
    }
    // The engine run by hand with a plan that names a remote host: refused before any dial.
    const dir = tempDir();
    const plan = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'engine-plan.json'), 'utf8'),
    ) as { target: string };
    plan.target = 'http://localhost:8000@192.0.2.1:8000';
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const res = spawnSync(engine, ['--plan', join(dir, 'plan.json')], { encoding: 'utf8', timeout: 20_000 });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/192\.0\.2\.1.*not a loopback address/);
  }, 60_000);

  it('after a kill -9 of the engine, says so and summarises what was written', async () => {
    mock = await startMock();
    const dir = tempDir();
    const results = join(dir, 'results.json');
    const cli = spawn(
      process.execPath,
      [BIN, 'load', '-t', mock.url, '-p', 'soak', '-r', '50', '-d', '30s', '-q', '--results', results],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d) => {
      stdout += d;
    });
    cli.stderr.on('data', (d) => {
      stderr += d;
    });
    // Until more than 100 requests are on disk (about 2.5 s at 50 req/s; longer on a busy machine,
    // where a fixed wait once left fewer), at most 20 s.
    const written = () =>
      existsSync(results) ? readFileSync(results, 'utf8').split('"type":"req"').length - 1 : 0;
    for (const until = Date.now() + 20_000; written() <= 100 && Date.now() < until; )
      await new Promise((r) => setTimeout(r, 100));
    // The engine is the CLI's child, in a process group of its own.
    const pids = spawnSync('pgrep', ['-f', `busybench-engine --plan .*${dir}`], {
      encoding: 'utf8',
    }).stdout.trim();
    expect(pids).not.toBe('');
    for (const pid of pids.split('\n')) process.kill(Number(pid), 'SIGKILL');
    const code = await new Promise<number | null>((r) => cli.on('close', r));
    expect(code).toBe(1);
    expect(stderr).toMatch(/load generator was killed \(SIGKILL\)/);
    expect(stderr).toMatch(/results\.json holds \d+ requests in 1 step/);
    expect(stdout).toMatch(/step/);
    // What was written stands: what the mock served, less at most the last 250 ms.
    const stats = new RunStats();
    await ingestFile(results, stats);
    const ingested = stats.summaries()[0]?.requests ?? 0;
    expect(ingested).toBeGreaterThan(100);
    expect(ingested).toBeLessThanOrEqual(await served(mock.url));
    expect(ingested).toBeGreaterThanOrEqual((await served(mock.url)) - 0.25 * 50 - 5);
    // And the report is rebuilt from it.
    const report = await runCli(['report', results], 30_000);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(String(ingested));
  }, 60_000);
});
