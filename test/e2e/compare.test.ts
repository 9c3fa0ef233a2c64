import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../cli/engine-binary.js';
import type { Overall } from '../../runner/src/overall.js';
import { compareOveralls } from '../../runner/src/scoreboard.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { launch, render } from '../helpers/browser.js';
import { requireTool } from '../helpers/tools.js';

let browser: Browser;
beforeAll(async () => {
  requireBuild();
  engineBinary();
  requireTool('nginx', 'nginx');
  browser = await launch();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

describe('busybench compare, end to end', () => {
  it('baseline vs retry vs nginx under 30 % 503: a scoreboard whose ranking follows from its numbers', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-compare-')), 'cmp');
    const res = await runCli(
      [
        'compare',
        '--strategies',
        'passthrough,retry,nginx',
        '--scenario',
        'flaky-503',
        '-r',
        '30,60',
        '-d',
        '5s',
        '--ramp',
        '1s',
        '--no-stack',
        '--out',
        out,
      ],
      240_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const board = JSON.parse(readFileSync(join(out, 'scoreboard.json'), 'utf8')) as {
      ranking: Array<Overall & { rank: number }>;
    };
    expect(board.ranking.map((r) => r.strategy).sort()).toEqual(['nginx', 'passthrough', 'retry']);
    // The order is the sort of the measured figures, nothing else.
    for (let i = 1; i < board.ranking.length; i++)
      expect(
        compareOveralls(board.ranking[i - 1] as Overall, board.ranking[i] as Overall),
      ).toBeLessThanOrEqual(0);
    const by = Object.fromEntries(board.ranking.map((r) => [r.strategy, r]));
    // Retry hides most of the 503s the mock injects, at the price of extra attempts.
    expect(by.retry?.successRate).toBeGreaterThan(0.97);
    expect(by.passthrough?.successRate).toBeLessThan(0.8);
    expect(by.retry?.amplification).toBeGreaterThan(1.2);
    expect(by.passthrough?.amplification).toBeLessThan(1.1);
    // nginx as the guides write it does not fail a POST over: its clients see the 503s.
    expect(by.nginx?.rate503).toBeGreaterThan(0.2);
    expect(res.stdout).toMatch(/\| rank \| strategy \| knee/);
    expect(readFileSync(join(out, 'scoreboard.md'), 'utf8')).toContain(
      '## Before / after (before: passthrough)',
    );
    // Each run left its own report; the scoreboard draws offline.
    expect(readFileSync(join(out, '2-retry', 'report.html'), 'utf8')).toContain('busybench report');
    const page = await render(browser, `file://${join(out, 'scoreboard.html')}`);
    expect(page.errors).toEqual([]);
    expect(Object.keys(page.canvases)).toHaveLength(6);
    for (const [id, drawn] of Object.entries(page.canvases)) expect(drawn, id).toBeGreaterThan(1000);
  }, 300_000);
});

describe('busybench compare with priority classes', () => {
  it('runs haproxy and priority like any strategy; under overload P0 keeps its SLA line while P3 is shed', async () => {
    requireTool('haproxy', 'haproxy');
    const dir = mkdtempSync(join(tmpdir(), 'busybench-compare-prio-'));
    // Answers of 1 s: 60 req/s need ~60 upstream slots, and each strategy offers fewer (HAProxy
    // 12 a node, 3 nodes, a fifth kept for P0; priority 20).
    writeFileSync(
      join(dir, 'mock.yaml'),
      'behaviour:\n  latency:\n    ttft: { type: fixed, ms: 1000 }\n    interToken: { type: fixed, ms: 0 }\n',
    );
    writeFileSync(
      join(dir, 'sla.yaml'),
      'name: classes\nsuccessRate: 0\nlatency: { p99: 60s }\nttft: {}\nerrorRates: {}\nmaxDroppedIterations: 0\nclasses:\n  P0: { successRate: 0.99 }\n',
    );
    const out = join(dir, 'cmp');
    const res = await runCli(
      [
        ...['compare', '--strategies', 'haproxy,priority:limit=20', '--scenario', 'none'],
        ...['--mock-config', join(dir, 'mock.yaml'), '--sla', join(dir, 'sla.yaml')],
        ...['--priority', 'P0=0.2,P1=0.2,P2=0.3,P3=0.3', '--stream-ratio', '0', '--thinking', 'off'],
        ...['-r', '60', '-d', '8s', '--warmup', '0s', '--no-stack', '--out', out],
      ],
      240_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const board = JSON.parse(readFileSync(join(out, 'scoreboard.json'), 'utf8')) as {
      ranking: Array<Overall & { rank: number }>;
    };
    expect(board.ranking.map((r) => r.strategy).sort()).toEqual(['haproxy', 'priority']);
    for (const run of ['1-haproxy', '2-priority']) {
      const report = JSON.parse(readFileSync(join(out, run, 'report.json'), 'utf8')) as {
        steps: Array<{ classes: Record<string, { requests: number; successRate: number }> }>;
      };
      const classes = report.steps[0]?.classes ?? {};
      expect(Object.keys(classes).sort(), run).toEqual(['P0', 'P1', 'P2', 'P3']);
      expect(classes.P0?.successRate, run).toBeGreaterThanOrEqual(0.99);
      // The overload fell on the batch class.
      expect(classes.P3?.successRate, run).toBeLessThan(0.7);
    }
  }, 300_000);
});
