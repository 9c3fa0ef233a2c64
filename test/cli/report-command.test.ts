import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '../../collector/src/live-server.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { requireBuild, runCli } from './cli-helpers.js';

beforeAll(requireBuild);

const dir = () => mkdtempSync(join(tmpdir(), 'busybench-report-'));
const point = (value: number, step: number, outcome: string, targetRate = 100 * (step + 1)) =>
  JSON.stringify({
    metric: 'busybench_latency',
    type: 'Point',
    data: {
      time: `2026-11-22T10:00:0${step}.000Z`,
      value,
      tags: { step: String(step), target_rate: String(targetRate), outcome },
    },
  });
/** `n` requests of a step as k6 writes them, the first `failed` of them 503. */
const k6Step = (step: number, targetRate: number, n: number, failed = 0) =>
  Array.from({ length: n }, (_, i) => point(40, step, i < failed ? '503' : 'ok', targetRate));

/** `n` requests of a step as the Go engine writes them, sent just now, the first `failed` 503. */
const engineStep = (step: number, rate: number, n: number, failed = 0) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      type: 'req',
      t: Date.now() - 5,
      step,
      rate,
      stream: false,
      status: i < failed ? 503 : 200,
      outcome: i < failed ? '503' : 'ok',
      ms: 5,
      attempts: 1,
    }),
  );
const engineRun = (rates: number[]) =>
  JSON.stringify({
    type: 'run',
    version: 1,
    engine: 'busybench-engine',
    runner: 'host-1',
    segment: '0/1',
    target: 'http://127.0.0.1:8000',
    profile: 'stepped',
    startedAt: Date.now(),
    steps: rates.map((targetRate, step) => ({ step, targetRate, startMs: 0, endMs: 1, scheduled: 1 })),
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

  it("adds the generators' target rates per step and finds the knee in the merged steps", async () => {
    const d = dir();
    const a = join(d, 'a.json');
    const b = join(d, 'b.json');
    // Generator a: 10 then 20 req/s, both fine; b: 15 then 30 req/s, its second step failing.
    writeFileSync(a, [...k6Step(0, 10, 100), ...k6Step(1, 20, 100)].join('\n'));
    writeFileSync(b, [...k6Step(0, 15, 100), ...k6Step(1, 30, 100, 20)].join('\n'));
    const res = await runCli(['report', a, b, '--json', join(d, 'r.json')]);
    expect(res.code).toBe(99);
    const report = JSON.parse(readFileSync(join(d, 'r.json'), 'utf8'));
    expect(report.steps.map((s: { targetRate: number }) => s.targetRate)).toEqual([25, 50]);
    expect(report.steps.map((s: { requests: number }) => s.requests)).toEqual([200, 200]);
    expect(report.verdict.knee).toBe(0);
    expect(res.stdout).toContain('knee: step 0 (25 req/s)');
    expect(res.stdout).toMatch(/success rate >= 0.9995 broken at step 1 \(50 req\/s\)/);
  });

  it('puts the knee before the first broken step, even when a later step holds', async () => {
    const d = dir();
    const results = join(d, 'results.json');
    writeFileSync(results, [...k6Step(0, 10, 50), ...k6Step(1, 20, 50, 10), ...k6Step(2, 30, 50)].join('\n'));
    const res = await runCli(['report', results]);
    expect(res.code).toBe(99);
    expect(res.stdout).toContain('knee: step 0 (10 req/s)');
    writeFileSync(results, [...k6Step(0, 10, 50, 10), ...k6Step(1, 20, 50)].join('\n'));
    expect((await runCli(['report', results])).stdout).toContain('knee: none (the first step broke the SLA)');
  });

  it("reads the engine's results, a last line cut by a kill counted and skipped", async () => {
    const d = dir();
    const results = join(d, 'engine.ndjson');
    writeFileSync(
      results,
      [
        engineRun([20, 40]),
        ...engineStep(0, 20, 30),
        ...engineStep(1, 40, 30, 3),
        '{"type":"req","t":17',
      ].join('\n'),
    );
    const res = await runCli(['report', results, '--json', join(d, 'r.json')]);
    expect(res.code).toBe(99);
    expect(res.stdout).toContain('warning: 1 malformed line(s) skipped');
    expect(res.stdout).toContain('knee: step 0 (20 req/s)');
    const report = JSON.parse(readFileSync(join(d, 'r.json'), 'utf8'));
    expect(report.steps[1]).toMatchObject({ targetRate: 40, requests: 30, errors: { '503': 3 } });
  });

  it('rebuilds amplification and error masking from the events file after the collector was killed', async () => {
    const d = dir();
    const results = join(d, 'results.ndjson');
    // A mock node's /metrics: completions answered 200 and 503 so far.
    const upstream = { ok: 0, failed: 0 };
    const mock = createServer((_req, res) =>
      res.end(
        [
          `busybench_mock_requests_total{endpoint="/chat/completions",model="m",status="200",account="a",node="n"} ${upstream.ok}`,
          `busybench_mock_requests_total{endpoint="/chat/completions",model="m",status="503",account="a",node="n"} ${upstream.failed}`,
          '',
        ].join('\n'),
      ),
    );
    await new Promise<void>((resolve) => mock.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(mock.address() as AddressInfo).port}`;
    const collector = createCollector({
      results,
      runId: 'r',
      sla: DEFAULT_SLA,
      upstream: [url],
      scrapeEveryMs: 50,
    });
    try {
      const write = (lines: string[]) => appendFileSync(results, `${lines.join('\n')}\n`);
      // Waits for a scrape that began after now (on a busy machine, timers run late).
      const scraped = async () => {
        const now = Date.now();
        for (let i = 0; i < 500; i++) {
          await sleep(20);
          const events = `${results}.events.ndjson`;
          const last = existsSync(events)
            ? readFileSync(events, 'utf8').trim().split('\n').at(-1)
            : undefined;
          if (((JSON.parse(last ?? '{}') as { time?: number }).time ?? 0) > now) return;
        }
        throw new Error('the collector did not scrape');
      };
      write([engineRun([10, 20])]);
      await sleep(100);
      // Step 0: 10 requests, 1 failed; the upstream saw 15 attempts, 3 of them failed.
      upstream.ok = 12;
      upstream.failed = 3;
      await scraped();
      write(engineStep(0, 10, 10, 1));
      await scraped();
      // Step 1: 20 requests, 2 failed; the upstream saw 40 more attempts, 4 of them failed.
      upstream.ok += 36;
      upstream.failed += 4;
      await scraped();
      write(engineStep(1, 20, 20, 2));
      await scraped();
      for (let i = 0; i < 100 && (collector.run.steps.get(1)?.requests ?? 0) < 20; i++) await sleep(50);
      const live = collector.view(false);
      expect(live.steps.map((s) => s.requests)).toEqual([10, 20]);
      expect(live.steps[0]?.amplification).toBeCloseTo(1.5);
      expect(live.steps[0]?.errorMasking).toBeCloseTo(0.5);
      expect(live.steps[1]?.amplification).toBeCloseTo(2);
      expect(live.steps[1]?.errorMasking).toBeCloseTo(0);
      const { overall } = collector.view(false);
      // kill -9: nothing more is written; the report has only the files.
      const res = await runCli(['report', results, '--json', join(d, 'r.json')]);
      const report = JSON.parse(readFileSync(join(d, 'r.json'), 'utf8'));
      for (const [i, s] of live.steps.entries()) {
        expect(report.steps[i].amplification).toBeCloseTo(s.amplification as number, 9);
        expect(report.steps[i].errorMasking).toBeCloseTo(s.errorMasking as number, 9);
      }
      expect(report.upstream.amplification).toBeCloseTo(overall.amplification as number, 9);
      expect(report.upstream.amplification).toBeCloseTo(55 / 30);
      expect(res.stdout).toContain('upstream over the run: amplification 1.833');
    } finally {
      await collector.stop();
      mock.close();
    }
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
