import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, runCli } from './cli-helpers.js';

beforeAll(requireBuild);

const dir = () => mkdtempSync(join(tmpdir(), 'busybench-report-'));
const point = (value: number, step: number, outcome: string) =>
  JSON.stringify({
    metric: 'busybench_latency',
    type: 'Point',
    data: {
      time: `2026-11-22T10:00:0${step}.000Z`,
      value,
      tags: { step: String(step), target_rate: String(100 * (step + 1)), outcome },
    },
  });

describe('busybench report', () => {
  it('rebuilds the per-step report and the SLA verdict from saved results, even cut short', async () => {
    const d = dir();
    const results = join(d, 'results.json');
    const lines = [
      ...Array.from({ length: 50 }, () => point(40, 0, 'ok')),
      ...Array.from({ length: 50 }, (_, i) => point(i < 10 ? 2 : 900, 1, i < 10 ? '503' : 'ok')),
      '{"metric":"busybench_latency","type":"Po', // a run killed mid-write
    ];
    writeFileSync(results, lines.join('\n'));
    const res = await runCli(['report', results, '--json', join(d, 'report.json')]);
    expect(res.code).toBe(99);
    expect(res.stdout).toMatch(/success rate >= 0.9995 broken at step 1 \(200 req\/s\)/);
    expect(res.stdout).toMatch(/latency p99 < 800 ms broken at step 1/);
    expect(res.stdout).toContain('knee: step 0 (100 req/s)');
    expect(res.stdout).toContain('warning: 1 malformed line(s) skipped');
    const report = JSON.parse(readFileSync(join(d, 'report.json'), 'utf8'));
    expect(report.steps[1].errors).toEqual({ '503': 10 });
  });

  it('merges the results of several load generators into one report', async () => {
    const d = dir();
    const a = join(d, 'a.json');
    const b = join(d, 'b.json');
    writeFileSync(a, Array.from({ length: 30 }, () => point(40, 0, 'ok')).join('\n'));
    writeFileSync(b, Array.from({ length: 20 }, () => point(60, 0, '429')).join('\n'));
    const res = await runCli(['report', a, b, '--json', join(d, 'r.json')]);
    expect(res.code).toBe(99);
    const report = JSON.parse(readFileSync(join(d, 'r.json'), 'utf8'));
    expect(report.steps[0]).toMatchObject({ requests: 50, errors: { '429': 20 } });
    expect(report.results).toEqual([a, b]);
  });

  it('says plainly when the file is missing or holds no results', async () => {
    const missing = await runCli(['report', '/nonexistent/results.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no results file at/);
    const empty = join(dir(), 'empty.json');
    writeFileSync(empty, '');
    const none = await runCli(['report', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds no busybench_latency samples/);
  });
});
