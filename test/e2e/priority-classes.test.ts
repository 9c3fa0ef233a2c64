import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drawPriority } from '../../loadtests/priority.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
beforeAll(() => {
  requireBuild();
  engineBinary();
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const SHARES = { P0: 0.1, P1: 0.3, P2: 0.4, P3: 0.2 };

describe('priority classes end to end (real engine, real mock)', () => {
  it('sends the mix’s classes, writes prio on every line, and breaks a class’s SLA line by name', async () => {
    // Half of all answers are 503: P3's ~80 requests cannot all succeed (0.5^80), so its line
    // breaks; the overall lines and P0's ask for nothing, so they hold.
    mock = await startMock({ behaviour: { faults: { errors: { '503': 0.5 } } } });
    const dir = mkdtempSync(join(tmpdir(), 'busybench-priority-'));
    const sla = join(dir, 'sla.yaml');
    writeFileSync(
      sla,
      [
        'name: classes',
        'successRate: 0',
        'latency: { p99: 60s }',
        'maxDroppedIterations: 0',
        'classes:',
        '  P0: { successRate: 0 }',
        '  P3: { successRate: 1 }',
        '',
      ].join('\n'),
    );
    const results = join(dir, 'results.json');
    const summary = join(dir, 'summary.json');
    const run = await runCli(
      [
        'load',
        '-t',
        mock.url,
        '-p',
        'stepped',
        '-r',
        '100,100',
        '-d',
        '2s',
        '-q',
        '--stream-ratio',
        '0.3',
        '--priority',
        'P0=0.1,P1=0.3,P2=0.4,P3=0.2',
        '--sla',
        sla,
        '--results',
        results,
        '--summary',
        summary,
      ],
      90_000,
    );
    expect(run.code, run.stderr).toBe(99);
    expect(run.stdout).toMatch(/P3 success rate >= 1 broken at step [01] \(100 req\/s\): measured 0\.\d+/);
    expect(run.stdout).not.toMatch(/- (P0|P1|P2) |- success rate/);

    const requests = readFileSync(results, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"type":"req"'))
      .map((l) => JSON.parse(l) as { prio?: string; step: number });
    expect(requests).toHaveLength(400);
    // Every line has its class, and the classes are exactly the draws of arrivals 0..399 under
    // seed 1 (loadtests/priority.ts computes the engine's draw): the mix's shares, give or take.
    const counts = (classes: Array<string | null | undefined>) => {
      const n: Record<string, number> = {};
      for (const c of classes) n[String(c)] = (n[String(c)] ?? 0) + 1;
      return n;
    };
    const sent = counts(requests.map((r) => r.prio));
    expect(sent).toEqual(counts(Array.from({ length: 400 }, (_, k) => drawPriority(SHARES, 1, k))));
    for (const [c, share] of Object.entries(SHARES))
      expect(Math.abs((sent[c] ?? 0) / 400 - share), c).toBeLessThan(
        4 * Math.sqrt((share * (1 - share)) / 400),
      );

    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.passed).toBe(false);
    expect(s.breaches.every((b: string) => b.startsWith('P3 success rate >= 1 broken at step'))).toBe(true);
    expect(Object.keys(s.steps[0].classes).sort()).toEqual(['P0', 'P1', 'P2', 'P3']);
    const perClass = s.steps.reduce(
      (n: number, st: { classes: Record<string, { requests: number }> }) =>
        n + Object.values(st.classes).reduce((m, c) => m + c.requests, 0),
      0,
    );
    expect(perClass).toBe(400);

    // The collector, from the saved file: the same verdict, a row per class, classes in the JSON.
    const json = join(dir, 'report.json');
    const report = await runCli(['report', results, '--sla', sla, '--json', json], 30_000);
    expect(report.code).toBe(99);
    expect(report.stdout).toMatch(
      /- P3 success rate >= 1 broken at step [01] \(100 req\/s\): measured 0\.\d+/,
    );
    expect(report.stdout).toMatch(/^\s+P3\s+\d+\s+\d+\.\d\d%/m);
    const view = JSON.parse(readFileSync(json, 'utf8'));
    expect(view.steps[1].classes.P1.requests).toBe(s.steps[1].classes.P1.requests);
    expect(
      view.verdict.lines.filter((l: { ok: boolean }) => !l.ok).map((l: { priority: string }) => l.priority),
    ).toEqual(expect.arrayContaining(['P3']));
  }, 120_000);
});
