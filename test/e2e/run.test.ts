import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { k6Binary } from '../../cli/k6-binary.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';

beforeAll(() => {
  requireBuild();
  k6Binary();
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
    // k6 finished its last requests while the strategy and the mock still answered: none of
    // them failed for want of a server (they did when the signal stopped those too).
    expect(report.steps[0].errors.network ?? 0).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    // The mock and the strategy it started are gone.
    await expect(fetch(`${mockUrl}/health`)).rejects.toThrow();
    await expect(fetch(`${strategyUrl}/metrics`)).rejects.toThrow();
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
