import { describe, expect, it } from 'vitest';
import { RunStats } from '../../collector/src/step-stats.js';

const point = (metric: string, value: number, tags: Record<string, string>, t = '2026-11-22T10:00:00.000Z') =>
  JSON.stringify({ metric, type: 'Point', data: { time: t, value, tags } });

describe('RunStats, fed with k6 NDJSON', () => {
  it('splits latency per step and outcome, and counts errors by class', () => {
    const run = new RunStats();
    const lines = [
      JSON.stringify({ type: 'Metric', data: { name: 'busybench_latency' }, metric: 'busybench_latency' }),
      point(
        'busybench_latency',
        100,
        { step: '0', target_rate: '20', outcome: 'ok' },
        '2026-11-22T10:00:00.000Z',
      ),
      point(
        'busybench_latency',
        120,
        { step: '0', target_rate: '20', outcome: 'ok' },
        '2026-11-22T10:00:01.000Z',
      ),
      point(
        'busybench_latency',
        2,
        { step: '0', target_rate: '20', outcome: '503' },
        '2026-11-22T10:00:02.000Z',
      ),
      point('busybench_latency', 90, { step: '1', target_rate: '40', outcome: 'ok' }),
      point('busybench_ttft', 80, { step: '1', target_rate: '40' }),
      point('http_req_duration', 99, { step: '1' }),
      point('dropped_iterations', 3, {}),
    ];
    for (const line of lines) run.ingestLine(line);
    const [s0, s1] = run.summaries();
    expect(s0).toMatchObject({ step: 0, targetRate: 20, requests: 3, errors: { '503': 1 } });
    expect(s0?.successRate).toBeCloseTo(2 / 3);
    expect(s0?.achievedRate).toBeCloseTo(1.5);
    // No SLA bound given: every success counts as goodput (2 over 2 s).
    expect(s0?.goodput).toBeCloseTo(1);
    expect(s0?.latencyOk.p50).toBeCloseTo(100, 0);
    expect(s1?.ttft.count).toBe(1);
    expect(s1?.requests).toBe(1);
    expect(run.droppedIterations).toBe(3);
    expect(run.malformedLines).toBe(0);
  });

  it('splits a step by the priority tag of the k6 scripts (P0..P3 only)', () => {
    const run = new RunStats();
    for (const line of [
      point('busybench_latency', 100, { step: '0', target_rate: '20', outcome: 'ok', priority: 'P1' }),
      point('busybench_latency', 5, { step: '0', target_rate: '20', outcome: '429', priority: 'P1' }),
      point('busybench_ttft', 40, { step: '0', target_rate: '20', priority: 'P1' }),
      point('busybench_latency', 50, { step: '0', target_rate: '20', outcome: 'ok', priority: 'P2' }),
      // Not a class of ours: counted overall, in no class.
      point('busybench_latency', 60, { step: '0', target_rate: '20', outcome: 'ok', priority: 'high' }),
    ])
      run.ingestLine(line);
    const [s0] = run.summaries();
    expect(s0?.requests).toBe(4);
    expect(s0?.ttft.count).toBe(1);
    expect(Object.keys(s0?.classes ?? {})).toEqual(['P1', 'P2']);
    expect(s0?.classes?.P1).toMatchObject({ requests: 2, successRate: 0.5, errors: { '429': 1 } });
    expect(s0?.classes?.P1?.ttft.count).toBe(1);
    expect(s0?.classes?.P2).toMatchObject({ requests: 1, successRate: 1 });
  });

  it('counts as goodput only the successes within the SLA latency bound', () => {
    const run = new RunStats(110);
    const at = (ms: number, sec: number, outcome = 'ok') =>
      run.ingestLine(point('busybench_latency', ms, { step: '0', outcome }, `2026-11-22T10:00:0${sec}.000Z`));
    at(100, 0);
    at(120, 1); // too slow
    at(5, 2, '503'); // not a success
    at(90, 4);
    expect(run.summaries()[0]?.goodput).toBeCloseTo(2 / 4);
  });

  it('counts malformed and truncated lines and goes on', () => {
    const run = new RunStats();
    const good = point('busybench_latency', 50, { step: '0', outcome: 'ok' });
    for (const line of [
      good,
      good.slice(0, 40),
      '{"metric":"busybench_latency","type":"Point","data":{"value":"x"}}',
      good,
    ]) {
      run.ingestLine(line);
    }
    expect(run.malformedLines).toBe(2);
    expect(run.summaries()[0]?.requests).toBe(2);
  });
});

describe('ingesting a saved file', () => {
  it('keeps everything before the cut of a gzip file from a killed run', async () => {
    const { gzipSync } = await import('node:zlib');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ingestFile } = await import('../../collector/src/ingest-file.js');
    const lines = Array.from({ length: 2000 }, (_, i) =>
      point('busybench_latency', 10 + (i % 50), { step: '0', outcome: 'ok' }),
    );
    const gz = gzipSync(lines.join('\n'));
    const path = join(mkdtempSync(join(tmpdir(), 'busybench-cut-')), 'results.json.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const run = new RunStats();
    const { complete } = await ingestFile(path, run);
    expect(complete).toBe(false);
    const got = run.summaries()[0]?.requests ?? 0;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(2000);
  });
});
