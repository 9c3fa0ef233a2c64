import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../collector/src/latency-histogram.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';

beforeAll(() => {
  requireBuild();
  engineBinary();
});

interface Line {
  type: string;
  step: number;
  ms: number;
  late?: number;
  segment?: string;
  steps?: Array<{ step: number; scheduled: number; sent: number; dropped: number }>;
}

describe('busybench run --runners N', () => {
  it('three engines, segments 0/3..2/3, shipping to one collector: counts add up to the schedule, histograms equal one of all samples', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-runners-')), 'run');
    const res = await runCli(
      [
        ...['run', '-s', 'none', '--runners', '3', '--scenario', 'none', '-r', '60,120', '-d', '3s'],
        ...['--warmup', '0s', '--no-stack', '--out', out],
      ],
      120_000,
    );
    expect([0, 99], res.stderr).toContain(res.code);
    const files = ['results.json', 'results.runner-1.json', 'results.runner-2.json'];
    const lines = files.map((f) =>
      readFileSync(join(out, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line),
    );
    // Each file is one runner's share, and says which.
    expect(lines.map((ls) => ls.find((l) => l.type === 'run')?.segment)).toEqual(['0/3', '1/3', '2/3']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      steps: Array<{ step: number; targetRate: number; requests: number; latency: Record<string, number> }>;
      runners: Array<{
        runner: string;
        segment: string;
        steps: Array<{ step: number; sent: number; achievedRate: number; late: number; lateP99Ms: number }>;
      }>;
    };
    // Each runner on its own, so a slow one would show: its share sent at a third of the rate.
    expect(report.runners.map((r) => r.segment).sort()).toEqual(['0/3', '1/3', '2/3']);
    // They shipped their lines to the collector over HTTP, as on a cluster: one file each there.
    expect(report.runners.map((r) => r.runner).sort()).toEqual(['runner-0', 'runner-1', 'runner-2']);
    expect(readdirSync(join(out, 'received')).sort()).toEqual([
      '_events.ndjson',
      'runner-0.ndjson',
      'runner-1.ndjson',
      'runner-2.ndjson',
    ]);
    for (const r of report.runners)
      for (const [k, rate] of [60, 120].entries()) {
        const s = r.steps.find((x) => x.step === k);
        expect(s?.achievedRate, `${r.segment} step ${k}`).toBeCloseTo(rate / 3, 0);
        // Lateness as the runner's own lines say it: every start's, the p99 over all of them,
        // and the starts more than 5 ms behind (shared/benchmarking.md's "late").
        const own = lines[['0/3', '1/3', '2/3'].indexOf(r.segment)] ?? [];
        const late = own.filter((l) => l.type === 'req' && l.step === k).map((l) => l.late as number);
        expect(late.length, `${r.segment} step ${k}`).toBe(s?.sent);
        const truth = new LatencyHistogram();
        for (const ms of late) truth.recordMs(ms);
        expect(s?.lateP99Ms, `${r.segment} step ${k} late p99`).toBe(truth.summary().p99);
        expect(s?.late, `${r.segment} step ${k} late starts`).toBe(late.filter((ms) => ms > 5).length);
      }
    expect(res.stdout).toMatch(
      /runner\s+segment\s+step\s+scheduled\s+received\s+sent\s+missing\s+achieved\s+late\s+late p99 ms/,
    );
    for (const [k, rate] of [60, 120].entries()) {
      // The schedule: rate × 3 s arrivals, split over the runners, each sent once.
      const ends = lines.map((ls) => ls.find((l) => l.type === 'end')?.steps?.find((s) => s.step === k));
      expect(ends.reduce((n, s) => n + (s?.scheduled ?? 0), 0)).toBe(rate * 3);
      const sent = ends.reduce((n, s) => n + (s?.sent ?? 0), 0);
      const step = report.steps.find((s) => s.step === k);
      // The target rate counted once, not once a runner; every request sent is in the step.
      expect(step?.targetRate).toBe(rate);
      expect(step?.requests).toBe(sent);
      expect(report.runners.reduce((n, r) => n + (r.steps.find((x) => x.step === k)?.sent ?? 0), 0)).toBe(
        sent,
      );
      expect(sent).toBe(rate * 3);
      // The collector's merged histogram is the one of all the samples, exactly.
      const all = new LatencyHistogram();
      for (const ls of lines) for (const l of ls) if (l.type === 'req' && l.step === k) all.recordMs(l.ms);
      const summary = all.summary();
      for (const p of ['count', 'p50', 'p90', 'p99', 'max'] as const)
        expect(step?.latency[p], `step ${k} ${p}`).toBe(summary[p]);
    }
  }, 150_000);
});
