import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileFollower } from '../../collector/src/file-follower.js';
import { ingestFile } from '../../collector/src/ingest-file.js';
import { RunStats } from '../../collector/src/step-stats.js';

const T0 = 1_764_400_000_000;

const runLine = (segment = '0/1', rates = [20, 40]) =>
  JSON.stringify({
    type: 'run',
    version: 1,
    engine: 'busybench-engine',
    runner: 'host-1234',
    segment,
    target: 'http://127.0.0.1:8000',
    profile: 'stepped',
    startedAt: T0,
    steps: rates.map((targetRate, step) => ({
      step,
      targetRate,
      startMs: step * 2000,
      endMs: (step + 1) * 2000,
      scheduled: targetRate * 2,
    })),
  });

interface Req {
  t: number;
  step: number;
  rate: number;
  ms: number;
  outcome?: string;
  stream?: boolean;
  ttft?: number;
  itl?: number[];
  prio?: string;
}

const req = (r: Req) =>
  JSON.stringify({
    type: 'req',
    t: r.t,
    step: r.step,
    rate: r.rate,
    stream: r.stream ?? false,
    status: r.outcome === undefined || r.outcome === 'ok' ? 200 : 503,
    outcome: r.outcome ?? 'ok',
    ms: r.ms,
    ttfb: r.ms - 1,
    ...(r.ttft === undefined ? {} : { ttft: r.ttft, itl: r.itl ?? [] }),
    tokens: 20,
    late: 0.08,
    attempts: 1,
    ...(r.prio === undefined ? {} : { prio: r.prio }),
  });

const endLine = JSON.stringify({
  type: 'end',
  t: T0 + 4000,
  segment: '0/1',
  steps: [{ step: 0, targetRate: 20, scheduled: 40, sent: 40, dropped: 0, late: 0, lateP99Ms: 0.3 }],
  exitCode: 0,
  breaches: [],
  interrupted: false,
});

describe("the engine's results", () => {
  it('feeds per-step latency, outcomes, TTFT, inter-token gaps and drops; run and end lines are no requests', () => {
    const run = new RunStats();
    const lines = [
      runLine(),
      req({ t: T0 + 123.456, step: 0, rate: 20, ms: 101.234, stream: true, ttft: 100.5, itl: [10.01, 9.98] }),
      req({ t: T0 + 500, step: 0, rate: 20, ms: 50 }),
      req({ t: T0 + 900, step: 0, rate: 20, ms: 2, outcome: '503' }),
      req({ t: T0 + 1000, step: 0, rate: 20, ms: 30, outcome: 'degraded' }),
      JSON.stringify({ type: 'dropped', t: T0 + 1500, step: 0, rate: 20, n: 3 }),
      req({ t: T0 + 2100, step: 1, rate: 40, ms: 80, stream: true, ttft: 70, itl: [5, 6, 7] }),
      endLine,
    ];
    for (const line of lines) run.ingestLine(line);
    expect(run.malformedLines).toBe(0);
    expect(run.droppedIterations).toBe(3);
    const [s0, s1] = run.summaries();
    expect(s0).toMatchObject({ step: 0, targetRate: 20, requests: 4, errors: { '503': 1, degraded: 1 } });
    expect(s0?.successRate).toBeCloseTo(0.5);
    expect(s0?.ttft.count).toBe(1);
    expect(s0?.ttft.p50).toBeCloseTo(100.5, 0);
    expect(s0?.interToken.count).toBe(2);
    expect(s0?.interToken.p50).toBeCloseTo(10, 0);
    expect(s1).toMatchObject({ step: 1, targetRate: 40, requests: 1 });
    expect(s1?.interToken.count).toBe(3);
    // Stamped when the answer ended (t + ms), as k6 stamps its samples.
    const step0 = run.steps.get(0);
    expect(step0?.firstMs).toBeCloseTo(T0 + 123.456 + 101.234, 3);
    expect(step0?.lastMs).toBe(T0 + 1030);
    expect(run.runners).toHaveLength(1);
    const points = run.series.points();
    expect(points.reduce((n, p) => n + p.dropped, 0)).toBe(3);
    expect(points.reduce((n, p) => n + (p.errors['503'] ?? 0), 0)).toBe(1);
  });

  it('splits a step by priority class: requests, success, latency, TTFT and errors per class', () => {
    const run = new RunStats();
    for (const line of [
      runLine(),
      req({ t: T0, step: 0, rate: 20, ms: 10, prio: 'P0', stream: true, ttft: 4 }),
      req({ t: T0 + 10, step: 0, rate: 20, ms: 20, prio: 'P0' }),
      req({ t: T0 + 20, step: 0, rate: 20, ms: 900, prio: 'P3', outcome: '503' }),
      req({ t: T0 + 30, step: 0, rate: 20, ms: 100, prio: 'P3' }),
      req({ t: T0 + 2100, step: 1, rate: 40, ms: 5, prio: 'P3' }),
    ])
      run.ingestLine(line);
    expect(run.malformedLines).toBe(0);
    const [s0, s1] = run.summaries();
    expect(s0?.requests).toBe(4);
    expect(Object.keys(s0?.classes ?? {})).toEqual(['P0', 'P3']);
    expect(s0?.classes?.P0).toMatchObject({ requests: 2, successRate: 1, errors: {} });
    expect(s0?.classes?.P0?.latency.p50).toBeCloseTo(10, 1);
    expect(s0?.classes?.P0?.ttft).toMatchObject({ count: 1 });
    expect(s0?.classes?.P0?.ttft.p50).toBeCloseTo(4, 1);
    expect(s0?.classes?.P3).toMatchObject({ requests: 2, successRate: 0.5, errors: { '503': 1 } });
    expect(s0?.classes?.P3?.latency.p99).toBeCloseTo(900, 0);
    expect(s0?.classes?.P3?.ttft.count).toBe(0);
    expect(Object.keys(s1?.classes ?? {})).toEqual(['P3']);
    // A run without classes has none in its steps.
    const plain = new RunStats();
    plain.ingestLine(req({ t: T0, step: 0, rate: 20, ms: 10 }));
    expect(plain.summaries()[0]).not.toHaveProperty('classes');
  });

  it('takes P0 to P3 only as a class: another prio makes the line malformed', () => {
    const run = new RunStats();
    for (const prio of ['P4', 'urgent', 'p0', ''])
      run.ingestLine(req({ t: T0, step: 0, rate: 20, ms: 10, prio }));
    run.ingestLine(JSON.stringify({ type: 'req', t: T0, step: 0, rate: 20, ms: 4, outcome: 'ok', prio: 0 }));
    expect(run.malformedLines).toBe(5);
    expect(run.steps.size).toBe(0);
  });

  it('counts a line cut by a kill mid-write, and lines that are not well-formed, and goes on', () => {
    const run = new RunStats();
    const good = req({ t: T0, step: 0, rate: 20, ms: 40 });
    for (const line of [
      runLine(),
      good,
      JSON.stringify({ type: 'req', t: T0, step: 0, rate: 20, outcome: 'ok' }), // no latency
      JSON.stringify({ type: 'req', t: T0, step: -1, rate: 20, ms: 4, outcome: 'ok' }),
      JSON.stringify({ type: 'req', t: T0, step: 0, rate: 20, ms: 4, outcome: 'ok', itl: [1, 'x'] }),
      JSON.stringify({ type: 'dropped', t: T0 }),
      '{"type":"run"}',
      good,
      good.slice(0, 50), // the last line, cut by kill -9
    ])
      run.ingestLine(line);
    expect(run.malformedLines).toBe(6);
    expect(run.summaries()[0]?.requests).toBe(2);
  });

  it("reads k6's lines and the engine's in one file, k6's Metric descriptions skipped", () => {
    const run = new RunStats();
    run.ingestLine(
      JSON.stringify({ type: 'Metric', data: { name: 'busybench_latency' }, metric: 'busybench_latency' }),
    );
    run.ingestLine(
      JSON.stringify({
        metric: 'busybench_latency',
        type: 'Point',
        data: {
          time: new Date(T0).toISOString(),
          value: 10,
          tags: { step: '0', target_rate: '20', outcome: 'ok' },
        },
      }),
    );
    // k6 with its keys in another order still reads as k6.
    run.ingestLine(
      JSON.stringify({
        type: 'Point',
        metric: 'busybench_latency',
        data: {
          time: new Date(T0).toISOString(),
          value: 12,
          tags: { step: '0', target_rate: '20', outcome: 'ok' },
        },
      }),
    );
    run.ingestLine(req({ t: T0, step: 0, rate: 20, ms: 30 }));
    expect(run.malformedLines).toBe(0);
    expect(run.summaries()[0]).toMatchObject({ targetRate: 20, requests: 3 });
  });

  it('reads a whole file (gzip too) and follows one being written, a half-written line kept until its end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-engine-'));
    const lines = [
      runLine(),
      ...Array.from({ length: 100 }, (_, i) => req({ t: T0 + i, step: 0, rate: 20, ms: 10 })),
    ];
    const gz = join(dir, 'results.ndjson.gz');
    writeFileSync(gz, gzipSync(`${lines.join('\n')}\n${endLine}\n`));
    const whole = new RunStats();
    expect(await ingestFile(gz, whole)).toEqual({ complete: true });
    expect(whole.summaries()[0]?.requests).toBe(100);

    const path = join(dir, 'live.ndjson');
    const live = new RunStats();
    const follower = new FileFollower(path, (line) => live.ingestLine(line));
    const last = req({ t: T0 + 200, step: 1, rate: 40, ms: 10 });
    writeFileSync(path, `${lines.join('\n')}\n${last.slice(0, 30)}`);
    follower.poll();
    expect(live.summaries().map((s) => s.requests)).toEqual([100]);
    expect(live.malformedLines).toBe(0);
    appendFileSync(path, `${last.slice(30)}\n`);
    follower.poll();
    expect(live.summaries().map((s) => s.requests)).toEqual([100, 1]);
    expect(live.malformedLines).toBe(0);
  });

  it("adds generators' target rates per step, but counts segments of one plan once", () => {
    const separate = new RunStats();
    for (const [rate, n] of [
      [10, 30],
      [15, 20],
    ] as const) {
      separate.beginSource();
      separate.ingestLine(runLine('0/1', [rate]));
      for (let i = 0; i < n; i++) separate.ingestLine(req({ t: T0 + i, step: 0, rate, ms: 10 }));
    }
    expect(separate.summaries()[0]).toMatchObject({ targetRate: 25, requests: 50 });

    const segments = new RunStats();
    for (const segment of ['0/2', '1/2']) {
      segments.beginSource();
      segments.ingestLine(runLine(segment, [20]));
      for (let i = 0; i < 20; i++) segments.ingestLine(req({ t: T0 + i, step: 0, rate: 20, ms: 10 }));
    }
    expect(segments.summaries()[0]).toMatchObject({ targetRate: 20, requests: 40 });
  });
});
