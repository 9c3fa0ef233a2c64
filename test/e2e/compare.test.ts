import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunWindow } from '../../collector/src/run-windows.js';
import { schedule } from '../../runner/src/compare.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { pointFigures } from '../../runner/src/run-figures.js';
import type { Scoreboard } from '../../runner/src/scoreboard.js';
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
  it('baseline vs retry vs nginx under 30 % 503: places that follow from the figures and their intervals', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-compare-')), 'cmp');
    const res = await runCli(
      [
        ...['compare', '--experiment', 'faults', '--strategies', 'passthrough,retry,nginx'],
        ...['--scenario', 'flaky-503', '--fault-rate', '60', '--fault-duration', '10s'],
        ...['--no-stack', '--out', out],
      ],
      240_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const board = JSON.parse(readFileSync(join(out, 'scoreboard.json'), 'utf8')) as Scoreboard;
    expect(board.capacity).toBeUndefined();
    expect(board.intervals).toBe('windows');
    const ranking = board.faults?.ranking ?? [];
    expect(ranking.map((r) => r.strategy).sort()).toEqual(['nginx', 'passthrough', 'retry']);
    // The places follow from the deciding figure and its intervals: better value first, and two
    // strategies share a place exactly where a chain of overlapping intervals joins them.
    const g = (i: number) => ranking[i]?.figures.goodput as { value: number; lo: number; hi: number };
    for (let i = 1; i < ranking.length; i++) {
      expect(g(i).value).toBeLessThanOrEqual(g(i - 1).value);
      const joined = ranking
        .slice(0, i)
        .some((r, j) => r.rank === ranking[i - 1]?.rank && g(j).lo <= g(i).hi && g(i).lo <= g(j).hi);
      expect(ranking[i]?.rank === ranking[i - 1]?.rank, ranking[i]?.strategy).toBe(joined);
    }
    const by = Object.fromEntries(ranking.map((r) => [r.strategy, r.figures]));
    // Retry hides most of the 503s the mock injects, at the price of extra attempts.
    expect(by.retry?.successRate.value).toBeGreaterThan(0.97);
    expect(by.passthrough?.successRate.value).toBeLessThan(0.8);
    expect(by.retry?.amplification.value).toBeGreaterThan(1.2);
    expect(by.passthrough?.amplification.value).toBeLessThan(1.1);
    // nginx as the guides write it does not fail a POST over: its clients see the 503s.
    expect(by.nginx?.rate503.value).toBeGreaterThan(0.2);
    // Every figure a window holds has its interval, around its value.
    for (const r of ranking)
      for (const name of ['successRate', 'goodput', 'p99Ms', 'meanMs', 'amplification'] as const) {
        const f = r.figures[name];
        expect(f.method, `${r.strategy} ${name}`).toBe('windows');
        expect(f.lo as number).toBeLessThanOrEqual(f.value as number);
        expect(f.hi as number).toBeGreaterThanOrEqual(f.value as number);
      }
    // retry is far ahead of passthrough on goodput: no tie can join them.
    expect(by.retry?.goodput.lo as number).toBeGreaterThan(by.passthrough?.goodput.hi as number);
    expect(res.stdout).toContain('## Faults: what does each strategy do while the API is busy?');
    expect(readFileSync(join(out, 'scoreboard.md'), 'utf8')).toContain(
      'Before / after (before: passthrough)',
    );
    // Each run left its own report; the scoreboard draws offline.
    expect(readFileSync(join(out, 'faults', 'r1-2-retry', 'report.html'), 'utf8')).toContain(
      'busybench report',
    );
    const page = await render(browser, `file://${join(out, 'scoreboard.html')}`);
    expect(page.errors).toEqual([]);
    expect(Object.keys(page.canvases)).toContain('flt-p99-time');
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
        ...['compare', '--experiment', 'capacity', '--strategies', 'haproxy,priority:limit=20'],
        ...['--capacity-config', join(dir, 'mock.yaml'), '--sla', join(dir, 'sla.yaml')],
        ...['--priority', 'P0=0.2,P1=0.2,P2=0.3,P3=0.3', '--stream-ratio', '0', '--thinking', 'off'],
        ...['-r', '60', '-d', '8s', '--warmup', '0s', '--no-stack', '--out', out],
      ],
      240_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const board = JSON.parse(readFileSync(join(out, 'scoreboard.json'), 'utf8')) as Scoreboard;
    expect(board.capacity?.ranking.map((r) => r.strategy).sort()).toEqual(['haproxy', 'priority']);
    for (const run of ['r1-1-haproxy', 'r1-2-priority']) {
      const report = JSON.parse(readFileSync(join(out, 'capacity', run, 'report.json'), 'utf8')) as {
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

describe('busybench compare --repeat 3 --order shuffled', () => {
  it('runs every strategy once a round, rounds in turn, each round in its seeded order; figures and intervals over all runs', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-compare-repeat-')), 'cmp');
    const specs = ['none', 'passthrough'];
    const res = await runCli(
      [
        ...['compare', '--experiment', 'capacity', '--strategies', specs.join(','), '--repeat', '3'],
        ...['--order', 'shuffled', '--seed', '1', '--rates', '30', '-d', '2s', '--warmup', '0s'],
        ...['--no-stack', '--out', out],
      ],
      180_000,
    );
    expect(res.code, res.stderr).toBe(0);
    // The order it ran in, as it said it: round by round, every strategy once a round.
    const ran = [...res.stdout.matchAll(/== (\d+)\/6 capacity: (\S+) \(round (\d)\/3\)/g)].map((m) => ({
      n: Number(m[1]),
      strategy: m[2] as string,
      round: Number(m[3]) - 1,
    }));
    expect(ran.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6]);
    const expected = schedule(
      specs.map((name) => ({ name, options: {} })),
      ['capacity'],
      3,
      'shuffled',
      1,
    ).map((r) => ({ strategy: r.spec.name, round: r.round }));
    expect(ran.map(({ strategy, round }) => ({ strategy, round }))).toEqual(expected);
    for (const round of [0, 1, 2])
      expect(
        ran
          .filter((r) => r.round === round)
          .map((r) => r.strategy)
          .sort(),
      ).toEqual([...specs].sort());
    // Shuffled, not as listed: seed 1 puts passthrough first in one round at least.
    expect(ran.some((r, i) => r.strategy !== specs[i % 2])).toBe(true);
    const board = JSON.parse(readFileSync(join(out, 'scoreboard.json'), 'utf8')) as Scoreboard;
    expect(board).toMatchObject({ repeats: 3, order: 'shuffled', intervals: 'windows' });
    for (const [i, strategy] of specs.entries()) {
      // Every run there, with its report and its windows.
      const windows = [1, 2, 3].map(
        (round) =>
          JSON.parse(
            readFileSync(join(out, 'capacity', `r${round}-${i + 1}-${strategy}`, 'windows.json'), 'utf8'),
          ) as RunWindow[],
      );
      const row = board.capacity?.ranking.find((r) => r.strategy === strategy);
      expect(row?.runs, strategy).toBe(3);
      // Fewer than 5 runs: each figure is of the three runs' windows pooled, its interval from
      // resampling them within each run's steps; not one run's.
      const pooled = pointFigures(windows.flat());
      for (const name of ['successRate', 'meanMs', 'goodput', 'amplification'] as const) {
        const f = row?.figures[name];
        expect(f?.value, `${strategy} ${name}`).toBeCloseTo(pooled[name] as number, 9);
        expect(f?.method, `${strategy} ${name}`).toBe('windows');
        expect(f?.lo as number).toBeLessThanOrEqual(f?.value as number);
        expect(f?.hi as number).toBeGreaterThanOrEqual(f?.value as number);
      }
      expect(windows.map((w) => pointFigures(w).meanMs)).not.toContain(row?.figures.meanMs.value);
      // 60 requests a run, each answered once by the mock (the windows' shares, summed, to 1e-9).
      expect(row?.figures.amplification.value).toBeCloseTo(1, 9);
    }
  }, 200_000);
});
