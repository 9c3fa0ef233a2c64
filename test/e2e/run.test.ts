import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
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
    const strategyUrl = /retry at (http:\/\/127\.0\.0\.1:\d+)/.exec(shown)?.[1];
    // The strategy was warmed up first (5 s by default), apart from the run's results.
    expect(shown).toContain('warming up retry for 5 s (not counted)');
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
