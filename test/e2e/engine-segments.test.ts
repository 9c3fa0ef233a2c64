import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { exactPercentile, latenciesByStep } from '../helpers/engine-results.js';
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

describe('execution segments: n engines send one schedule together', () => {
  it('three segments send every step exactly once, and their merged report is one run', async () => {
    mock = await startMock({
      behaviour: {
        latency: { ttft: { type: 'uniform', minMs: 5, maxMs: 40 }, interToken: { type: 'fixed', ms: 1 } },
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'busybench-segments-'));
    const rates = [30, 45, 61];
    const files = [0, 1, 2].map((i) => join(dir, `results-${i}.json`));
    const runs = await Promise.all(
      files.map((results, i) =>
        runCli(
          [
            'load',
            '-t',
            (mock as TestMock).url,
            '-p',
            'stepped',
            '-r',
            rates.join(','),
            '-d',
            '2s',
            '--stream-ratio',
            '0.3',
            '--segment',
            `${i}/3`,
            '-q',
            '--results',
            results,
            '--summary',
            join(dir, `summary-${i}.json`),
          ],
          60_000,
        ),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // Per step, the segments' counts add up to the schedule's: rate × 2 s.
    const summaries = [0, 1, 2].map((i) => JSON.parse(readFileSync(join(dir, `summary-${i}.json`), 'utf8')));
    rates.forEach((rate, step) => {
      const sent = summaries.reduce((n, s) => n + s.steps[step].requests, 0);
      expect(sent, `step ${step}`).toBe(rate * 2);
      // Striped, not split in blocks: each segment holds a third, give or take one.
      for (const s of summaries)
        expect(Math.abs(s.steps[step].requests - (rate * 2) / 3)).toBeLessThanOrEqual(1);
    });
    // The merged report equals one built from all the samples together.
    const report = await runCli(['report', ...files, '--json', join(dir, 'report.json')], 30_000);
    expect(report.code, report.stderr).toBe(0);
    const merged = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const samples = latenciesByStep(...files);
    expect(merged.steps).toHaveLength(3);
    for (const s of merged.steps) {
      const values = samples.get(s.step) ?? [];
      expect(s.requests).toBe(values.length);
      // One schedule, split three ways: the target rate is the plan's, not three times it.
      expect(s.targetRate).toBe(rates[s.step]);
      for (const p of [50, 90, 99] as const) {
        const want = exactPercentile(values, p);
        const got = s.latency[`p${p}`] as number;
        // The histograms' 3 significant digits.
        expect(Math.abs(got - want) / want, `step ${s.step} p${p}`).toBeLessThan(0.001);
      }
    }
  }, 90_000);
});
