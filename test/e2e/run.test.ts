import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../common/free-port.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
import { metricValue } from '../helpers/mock.js';
import { requireTool } from '../helpers/tools.js';

beforeAll(() => {
  requireBuild();
  engineBinary();
});

describe('busybench run', () => {
  it('shows progress, and on Ctrl-C stops everything it started and still writes the report', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-run-')), 'run');
    const run = startCli(
      ['run', '-s', 'retry', '--scenario', 'flaky-503', '-r', '30', '-d', '2m', '--no-stack', '--out', out],
      /\[00:0[6-9]\] step 0 \(30 req\/s\)\s+achieved [\d.]+ req\/s\s+p99 \d+ ms/,
      40_000,
    );
    const shown = await run.output;
    const mockUrl = /→ mock (http:\/\/127\.0\.0\.1:\d+)/.exec(shown)?.[1];
    // retry runs in the Go frame by default: its line is named so.
    const strategyUrl = /retry@go at (http:\/\/127\.0\.0\.1:\d+)/.exec(shown)?.[1];
    // The strategy was warmed up first (5 s by default), apart from the run's results.
    expect(shown).toContain('warming up retry@go for 5 s (not counted)');
    expect(mockUrl).toBeDefined();
    expect(strategyUrl).toBeDefined();
    // Ctrl-C as a terminal sends it: to the whole foreground process group.
    process.kill(-(run.child.pid as number), 'SIGINT');
    const code = await run.exited;
    // Cut short, the run judged what it ran: retry leaves ~0.8 % of 30 % 503 failing.
    expect([0, 99]).toContain(code);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.steps[0].requests).toBeGreaterThan(100);
    expect(report.overall.amplification).toBeGreaterThan(1.2);
    // The engine finished its last requests while the strategy and the mock still answered: none of
    // them failed for want of a server (they did when the signal stopped those too).
    expect(report.steps[0].errors.network ?? 0).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'warmup', 'summary.json'), 'utf8')).requests).toBeGreaterThan(
      100,
    );
    // The mock and the strategy it started are gone.
    await expect(fetch(`${mockUrl}/health`)).rejects.toThrow();
    await expect(fetch(`${strategyUrl}/metrics`)).rejects.toThrow();
  }, 90_000);

  it('quits at once on a second Ctrl-C, and leaves nothing it started running', async () => {
    requireTool('prometheus', 'prometheus');
    requireTool('prometheus-alertmanager', 'prometheus-alertmanager');
    requireTool('nginx', 'nginx-light');
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-run-quit-')), 'run');
    const run = startCli(
      ['run', '-s', 'nginx', '-r', '30', '-d', '2m', '--out', out],
      /\[00:0[3-9]\] step 0 \(30 req\/s\)/,
      60_000,
    );
    const shown = await run.output;
    const urls = [
      /nginx at (http:\/\/127\.0\.0\.1:\d+)/.exec(shown)?.[1],
      /→ mock (http:\/\/127\.0\.0\.1:\d+)/.exec(shown)?.[1],
      /Prometheus (http:\/\/127\.0\.0\.1:\d+)/.exec(shown)?.[1],
    ];
    expect(urls.every(Boolean), shown).toBe(true);
    const pids = ['prometheus', 'alertmanager'].map((p) =>
      Number(readFileSync(join(out, 'stack', `${p}.pid`), 'utf8')),
    );
    const group = -(run.child.pid as number);
    process.kill(group, 'SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(group, 'SIGINT');
    expect(await run.exited).toBe(130);
    // No time was taken to stop things in order, yet within seconds none of them is left.
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const answers = async (url: string) =>
      fetch(url, { signal: AbortSignal.timeout(1000) }).then(
        () => true,
        () => false,
      );
    const until = Date.now() + 15_000;
    let left: unknown[] = [];
    do {
      await new Promise((r) => setTimeout(r, 250));
      const serving = await Promise.all(urls.map((u) => answers(u as string)));
      left = [...urls.filter((_, i) => serving[i]), ...pids.filter(alive)];
    } while (left.length > 0 && Date.now() < until);
    expect(left).toEqual([]);
  }, 90_000);

  it("loads a strategy the user started by hand, given by its loopback URL, in front of the run's mock", async () => {
    // The user's proxy must find the mock: --mock-port fixes where the run starts it.
    const [mockPort, proxyPort] = [await freePort(), await freePort()];
    const proxy = startCli(
      ['strategy', 'passthrough', '-u', `http://127.0.0.1:${mockPort}`, '-p', String(proxyPort)],
      /listening on/,
    );
    try {
      await proxy.output;
      const url = `http://127.0.0.1:${proxyPort}`;
      const out = join(mkdtempSync(join(tmpdir(), 'busybench-run-url-')), 'run');
      const res = await runCli(
        [
          ...['run', '-s', url, '--mock-port', String(mockPort), '-r', '20', '-d', '2s'],
          ...['--warmup', '0s', '--no-stack', '--out', out],
        ],
        60_000,
      );
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(`${url} at ${url} → mock http://127.0.0.1:${mockPort}`);
      // The URL is our frame, started by hand: its /metrics says its own cost over the 40 requests.
      expect(res.stdout).toMatch(/our proxy frame's own cost over the load \(40 requests\): ≤ [\d.]+ ms p50/);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(report.overall).toMatchObject({ strategy: url, requests: 40, successRate: 1 });
      // Every request went through the hand-started proxy, and each reached the mock once.
      const served = metricValue(
        await (await fetch(`${url}/metrics`)).text(),
        'busybench_strategy_responses_total',
        { status: '200' },
      );
      expect(served).toBe(40);
      expect(report.overall.amplification).toBe(1);
    } finally {
      process.kill(-(proxy.child.pid as number), 'SIGTERM');
      await proxy.exited;
    }
  }, 90_000);

  it('refuses a strategy URL off this machine before starting anything: exit 2, RUNNER_ERR_TARGET_REFUSED', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-run-remote-')), 'run');
    const res = await runCli([
      'run',
      '-s',
      'http://10.1.2.3:8100',
      '-r',
      '20',
      '-d',
      '2s',
      '--no-stack',
      '--out',
      out,
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /^busybench: refusing to load http:\/\/10\.1\.2\.3:8100: host 10\.1\.2\.3 has address 10\.1\.2\.3, which is not a loopback address .* \(RUNNER_ERR_TARGET_REFUSED\)\n$/,
    );
    // Nothing was started, nothing sent.
    expect(existsSync(out)).toBe(false);
  });

  it('fails, keeping the report of what ran, when its load generator dies: no verdict on a run that was not whole', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-run-killed-')), 'run');
    const run = startCli(
      ['run', '-s', 'none', '-r', '20', '-d', '30s', '--warmup', '0s', '--no-stack', '--out', out],
      /\[00:0[3-9]\] step 0/,
      40_000,
    );
    let stderr = '';
    run.child.stderr?.on('data', (d) => {
      stderr += d;
    });
    await run.output;
    // The engine, as the OOM killer or a stray kill would end it: nobody interrupted the run.
    const engine = execFileSync('pgrep', ['-P', String(run.child.pid), '-f', 'busybench-engine'], {
      encoding: 'utf8',
    }).trim();
    expect(engine).toMatch(/^\d+$/);
    process.kill(Number(engine), 'SIGKILL');
    expect(await run.exited).toBe(1);
    expect(stderr).toMatch(/the load generator was killed \(SIGKILL\).*\(RUNNER_ERR_LOAD_FAILED\)\n$/);
    // What it sent before it died is in the report.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.steps[0].requests).toBeGreaterThan(40);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 60_000);

  it('replays a trace through a strategy: its rows, its windows as steps, a mock answering each row at its length', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-run-trace-')), 'run');
    const trace = new URL('../../loadtests/traces/azure-conv-2023-excerpt.csv', import.meta.url).pathname;
    // The first two minutes of the excerpt, at a mean 200 req/s.
    const rows = readFileSync(trace, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .filter((r) => r < '2023-11-16 18:17:46.68');
    const res = await runCli(
      [
        ...['run', '-s', 'passthrough', '--trace', trace, '--trace-duration', '2m', '--trace-rate', '200'],
        ...['--warmup', '0s', '--no-stack', '--scenario', 'none', '--out', out],
      ],
      90_000,
    );
    expect([0, 99], res.stderr).toContain(res.code);
    expect(res.stdout).toContain(`${rows.length} of 4424 rows × 1`);
    // The frame's own cost, over exactly the run's requests, beside the figures.
    expect(res.stdout).toMatch(
      new RegExp(
        `our proxy frame's own cost over the load \\(${rows.length} requests\\): ≤ [\\d.]+ ms p50, ≤ [\\d.]+ ms p99`,
      ),
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.overall.requests).toBe(rows.length);
    expect(report.steps).toHaveLength(10);
    const longest = Math.max(...rows.map((r) => Number(r.split(',')[2])));
    expect(JSON.parse(readFileSync(join(out, 'trace-mock.json'), 'utf8')).behaviour.output.minTokens).toBe(
      longest,
    );
  }, 90_000);

  it('says through nginx that our frame is not in the path: no cost of ours to subtract', async () => {
    requireTool('nginx', 'nginx-light');
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-run-nginx-')), 'run');
    const res = await runCli(
      [
        'run',
        '-s',
        'nginx',
        '-r',
        '20',
        '-d',
        '2s',
        '--warmup',
        '0s',
        '--no-stack',
        '--scenario',
        'none',
        '--out',
        out,
      ],
      60_000,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(
      'busybench run: our proxy frame is not in the path of nginx (no cost of ours to subtract)',
    );
    expect(res.stdout).not.toContain("our proxy frame's own cost");
  }, 90_000);

  it('says what is wrong with its flags, all at once, exit 2', async () => {
    const r = await runCli(['run', '-s', 'retry:retries=x', '--nodes', '0', '--scenario', 'rush-hour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nodes "0" must be 1 to 16/);
    expect(r.stderr).toMatch(/--scenario "rush-hour": not a built-in/);
    const strategy = await runCli(['run', '-s', 'retry:retries=x', '--no-stack']);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/retries="x" must be a number from 0 to 20/);
    const compare = await runCli(['compare', '--strategies', 'passthrough,warp-drive']);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toMatch(/no strategy "warp-drive"/);
  });
});
