import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Collector, createCollector } from '../../collector/src/live-server.js';
import { OUTCOMES } from '../../common/outcomes.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';

let collector: Collector;
let url: string;
beforeAll(async () => {
  collector = createCollector({
    receive: mkdtempSync(join(tmpdir(), 'busybench-fuzz-')),
    runId: 'fuzz',
    sla: DEFAULT_SLA,
    upstream: [],
  });
  url = await collector.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => collector.stop());

/** A results line: the contract's shape with any field of it replaced by anything. */
const line = fc.oneof(
  fc
    .record(
      {
        type: fc.constantFrom('req', 'run', 'dropped', 'end', 'batch', 'Metric', 'x'),
        t: fc.oneof(fc.double(), fc.constant(Date.now())),
        step: fc.oneof(fc.integer({ min: -2, max: 20_000 }), fc.string()),
        rate: fc.oneof(fc.double(), fc.integer({ min: 0, max: 1000 })),
        outcome: fc.oneof(fc.constantFrom(...OUTCOMES), fc.string({ maxLength: 40 })),
        ms: fc.oneof(fc.double(), fc.integer({ min: 0, max: 10_000 })),
        itl: fc.array(fc.double(), { maxLength: 5 }),
        user: fc.string({ maxLength: 20 }),
        prio: fc.string({ maxLength: 3 }),
        runner: fc.string({ maxLength: 10 }),
        segment: fc.constantFrom('0/1', '1/2', 'x'),
        steps: fc.array(fc.record({ step: fc.integer({ min: -1, max: 50 }), targetRate: fc.nat() }), {
          maxLength: 5,
        }),
        n: fc.integer(),
      },
      { requiredKeys: ['type'] },
    )
    .map((o) => JSON.stringify(o)),
  fc.json(),
  fc.string({ maxLength: 200 }),
);

const batch = fc.record({
  runner: fc.oneof(fc.constantFrom('r-1', 'r-2', 'gen-0'), fc.string({ maxLength: 20 })),
  seq: fc.oneof(fc.nat().map(String), fc.string({ maxLength: 8 })),
  lines: fc.array(line, { maxLength: 30 }),
  ending: fc.constantFrom('\n', '', '\r\n'),
  gzip: fc.boolean(),
  contentType: fc.constantFrom('application/x-ndjson', 'application/json', 'text/plain'),
});

/**
 * Whatever arrives at POST /api/results, the collector answers with a status and a coded error
 * in its shape, never a crash, and its memory and series stay bounded. The seed is printed, so a
 * failure can be replayed (BUSYBENCH_FUZZ_SEED).
 */
describe('POST /api/results, fuzzed', () => {
  it('answers 1 000 generated batches with a coded status each, and stays bounded', async () => {
    const seed = Number(process.env.BUSYBENCH_FUZZ_SEED ?? Date.now() % 2 ** 31);
    process.stdout.write(`results fuzz seed ${seed} (BUSYBENCH_FUZZ_SEED=${seed} replays it)\n`);
    const before = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        const text = b.lines.join('\n') + b.ending;
        const body = b.gzip ? gzipSync(text) : Buffer.from(text);
        const headers: Record<string, string> = { 'content-type': b.contentType, 'x-busybench-seq': b.seq };
        // fetch refuses a header value it cannot send; such a runner name is sent as none.
        if (/^[\x20-\x7e]*$/.test(b.runner)) headers['x-busybench-runner'] = b.runner;
        if (b.gzip) headers['content-encoding'] = 'gzip';
        const res = await fetch(`${url}/api/results`, { method: 'POST', headers, body });
        const answer = (await res.json()) as { error?: { code?: string } };
        expect([200, 400, 409, 413, 415, 429]).toContain(res.status);
        if (res.status !== 200) expect(answer.error?.code, JSON.stringify(answer)).toBeTypeOf('string');
      }),
      { numRuns: 1000, seed },
    );
    // Still serving, and its series bounded: no value a batch made up became a label.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const l of metrics.split('\n').filter((x) => x.includes('outcome="')))
      expect(
        OUTCOMES.some((o) => l.includes(`outcome="${o}"`)),
        l,
      ).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
  }, 120_000);
});
