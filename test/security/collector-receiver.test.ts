import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type Collector, createCollector } from '../../collector/src/live-server.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';

const T0 = Date.now();
const runLine = (runner: string, steps = [0, 1]) =>
  JSON.stringify({
    type: 'run',
    version: 1,
    engine: 'busybench-engine',
    runner,
    segment: '0/1',
    target: 'http://127.0.0.1:8000',
    profile: 'stepped',
    startedAt: T0,
    steps: steps.map((step) => ({ step, targetRate: 10, startMs: 0, endMs: 2000, scheduled: 10 })),
  });
const req = (i: number, o: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'req', t: T0 + i, step: 0, rate: 10, outcome: 'ok', ms: 50, late: 0.1, ...o });
const lines = (...l: string[]) => `${l.join('\n')}\n`;

let collector: Collector | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

async function receiving(dir = mkdtempSync(join(tmpdir(), 'busybench-recv-')), limits = {}) {
  collector = createCollector({ receive: dir, runId: 'sec', sla: DEFAULT_SLA, upstream: [], limits });
  const url = await collector.app.listen({ host: '127.0.0.1', port: 0 });
  let seq = 0;
  const post = async (runner: string, body: Buffer | string, gzip = false) => {
    const res = await fetch(`${url}/api/results`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'x-busybench-runner': runner,
        'x-busybench-seq': String(seq++),
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body,
    });
    return {
      status: res.status,
      json: (await res.json()) as { error?: { code: string; message: string; problems?: string[] } },
    };
  };
  return { url, dir, post, c: collector };
}

/**
 * The receiver as a stranger on the network meets it (issue 26, tried at 94b6d0d): every value
 * a batch carries is checked against the contract before any is counted, and every size has a
 * limit with a coded refusal; through it all, a legitimate runner's batches still count.
 */
describe('POST /api/results from a stranger', () => {
  it('20 000 lines each with a new outcome: refused whole, no new label (was 1.56 GB and 20 195 /metrics lines)', async () => {
    const { url, post, c } = await receiving();
    const junk = Array.from({ length: 20_000 }, (_, i) => req(i, { outcome: `made-up-${i}` }));
    const res = await post('stranger', lines(runLine('stranger'), ...junk));
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe('COLLECTOR_ERR_BAD_BATCH');
    expect(res.json.error?.problems?.[0]).toBe('line 2: outcome "made-up-0" is not one of outcomes.json');
    expect(res.json.error?.problems).toHaveLength(5);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).not.toContain('made-up');
    expect(metrics.split('\n').length).toBeLessThan(500);
    expect(c.run.steps.size).toBe(0);
  });

  it('a gzip bomb (200 MB of newlines in 200 KB) stops inflating at the limit: 413, the collector lives on', async () => {
    const { url, post } = await receiving();
    // 200 gzip members of 1 MB of newlines each, back to back: gunzip reads them as one body.
    const member = gzipSync(Buffer.alloc(1024 * 1024, 0x0a), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 200 }, () => member));
    expect(bomb.length).toBeLessThan(300 * 1024);
    const before = process.memoryUsage().rss;
    const res = await post('stranger', bomb, true);
    expect(res.status).toBe(413);
    expect(res.json.error?.code).toBe('COLLECTOR_ERR_TOO_LARGE');
    expect(res.json.error?.message).toContain('--max-inflated-bytes');
    expect((await fetch(`${url}/api/steps`)).status).toBe(200);
    // At most the inflated limit (64 MB) was ever held, not the 200 MB.
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  }, 30_000);

  it('refuses too many lines, too large a body, too many runners: each with its code and flag', async () => {
    const { post } = await receiving(undefined, {
      maxBatchLines: 1000,
      maxBatchBytes: 64 * 1024,
      maxRunners: 2,
    });
    const many = await post('r-1', '{}\n'.repeat(1001));
    expect([many.status, many.json.error?.code]).toEqual([413, 'COLLECTOR_ERR_TOO_LARGE']);
    expect(many.json.error?.message).toContain('--max-batch-lines');
    const big = await post('r-1', `${'x'.repeat(70 * 1024)}\n`);
    expect([big.status, big.json.error?.code]).toEqual([413, 'COLLECTOR_ERR_TOO_LARGE']);
    expect(big.json.error?.message).toContain('--max-batch-bytes');
    expect((await post('r-1', lines(runLine('r-1'), req(0)))).status).toBe(200);
    expect((await post('r-2', lines(runLine('r-2'), req(1)))).status).toBe(200);
    const third = await post('r-3', lines(runLine('r-3'), req(2)));
    expect([third.status, third.json.error?.code]).toEqual([429, 'COLLECTOR_ERR_TOO_MANY_RUNNERS']);
  });

  it('checks every line against the plan and the contract: steps, bounds, one run line, its own name', async () => {
    const { post, c } = await receiving();
    const bad: Array<[string, string]> = [
      [lines(runLine('r-1'), req(0, { step: 7 })), "line 2: step 7 is not a step of the runner's plan"],
      [
        lines(
          runLine(
            'r-1',
            Array.from({ length: 20_000 }, (_, i) => i),
          ),
        ),
        'line 1: a plan of more than 10000 steps (--max-steps), or steps that are not indices',
      ],
      [
        lines(runLine('r-1'), req(0, { ms: 1e12 })),
        'line 2: a latency or rate out of bounds (0 to a day, 0 to 10 million req/s)',
      ],
      [lines(runLine('r-1'), req(0, { itl: [1, -5] })), 'line 2: inter-token gaps out of bounds'],
      [lines(runLine('r-1'), runLine('r-1')), 'line 2: a second run line: a runner sends one'],
      [lines(runLine('someone-else')), 'line 1: the run line names another runner than x-busybench-runner'],
      [
        lines(runLine('r-1'), '{"metric":"busybench_latency","type":"Point"}'),
        "line 2: not a line of the engine's results (type run, req, dropped or end)",
      ],
      [lines(runLine('r-1'), 'not json'), 'line 2: not a JSON object'],
    ];
    for (const [body, problem] of bad) {
      const res = await post('r-1', body);
      expect(res.status, problem).toBe(400);
      expect(res.json.error?.problems?.[0]).toBe(problem);
    }
    expect(c.run.steps.size).toBe(0);
    // The runner's own batches, as the engine ships them, count.
    expect((await post('r-1', lines(runLine('r-1'), req(0), req(1, { step: 1 })))).status).toBe(200);
    expect((await post('r-1', lines(req(2)))).status).toBe(200);
    expect((await post('r-1', lines(req(3, { step: 2 })))).json.error?.problems?.[0]).toBe(
      "line 1: step 2 is not a step of the runner's plan",
    );
    expect(c.run.steps.get(0)?.requests).toBe(2);
    expect(c.run.steps.get(1)?.requests).toBe(1);
  });

  it('leaves a file it did not write alone (it emptied DIR/mine.ndjson at 94b6d0d) and refuses its runner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-recv-'));
    writeFileSync(join(dir, 'mine.ndjson'), 'my data');
    const { post, c } = await receiving(dir);
    expect(c.restored?.foreign).toEqual(['mine.ndjson']);
    expect(readFileSync(join(dir, 'mine.ndjson'), 'utf8')).toBe('my data');
    const res = await post('mine', lines(runLine('mine'), req(0)));
    expect([res.status, res.json.error?.code]).toEqual([409, 'COLLECTOR_ERR_FOREIGN_FILE']);
    expect(readFileSync(join(dir, 'mine.ndjson'), 'utf8')).toBe('my data');
  });
});
