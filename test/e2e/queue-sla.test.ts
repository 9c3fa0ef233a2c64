import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LineVerdict } from '../../common/sla/verdict.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { proxyServer } from '../../strategies/src/proxy-server.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
import { startMock } from '../helpers/mock.js';

beforeAll(() => {
  requireBuild();
  engineBinary();
});

/** One node answering in 200 ms, room for 100 at once: the strategy's limit is the bottleneck. */
const MOCK = `server: { logLevel: error }
behaviour:
  latency:
    ttft: { type: fixed, ms: 200 }
    interToken: { type: fixed, ms: 0 }
    prefill: { msPerToken: 0, models: {} }
    slowdown: { threshold: 1, maxMultiplier: 1 }
  capacity: { maxInFlight: 100, queueSize: 0, overflow: "503" }
  output: { minTokens: 1, maxTokens: 1, reasoningTokens: 0 }
metrics: { enabled: true }
`;
/** The queue line alone decides (the guides' "队列堆积量 < 500", scaled down). */
const SLA = `name: queue
successRate: 0
latency: { p99: 60s }
maxDroppedIterations: 0
queueLength: 10
`;

const queueLines = (out: string): LineVerdict[] =>
  (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).verdict.lines as LineVerdict[]).filter(
    (l) => l.rule.kind === 'queue',
  );

/**
 * The SLA's queue line (issue 27): the collector scrapes the strategy's common queue gauge and
 * judges it per step; the engine carries the line and says it is not its own.
 */
describe('the SLA queue line, judged by the collector on the strategy it scrapes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'busybench-queue-sla-'));
  writeFileSync(join(dir, 'mock.yaml'), MOCK);
  writeFileSync(join(dir, 'sla.yaml'), SLA);
  const run = (strategy: string, out: string) =>
    runCli(
      [
        ...['run', '-s', strategy, '--mock-config', join(dir, 'mock.yaml'), '--nodes', '1'],
        ...['--sla', join(dir, 'sla.yaml'), '-r', '30', '-d', '4s', '--warmup', '0s'],
        ...['--stream-ratio', '0', '--no-stack', '--out', out],
      ],
      90_000,
    );

  it('breaks where a bulkhead queues past the line, holds where nothing queues; a report from the files judges it again', async () => {
    // 30 req/s into 2 at a time of 200 ms (10 req/s served): the queue fills to its 30.
    const bulkhead = join(dir, 'bulkhead');
    const broke = await run('bulkhead:limit=2,queue=30', bulkhead);
    expect(broke.code, broke.stderr).toBe(99);
    expect(broke.stdout).toMatch(/queue length < 10 broken at step 0 \(30 req\/s\): measured (2\d|30)$/m);
    const [line] = queueLines(bulkhead);
    expect(line).toMatchObject({ step: 0, ok: false, line: 'queue length < 10' });
    expect(line?.measured).toBeGreaterThanOrEqual(10);
    // The engine's own summary: the line is carried, not judged there.
    const summary = JSON.parse(readFileSync(join(bulkhead, 'summary.json'), 'utf8'));
    expect(summary.judgedByCollector).toEqual(['queue length < 10']);
    expect(summary.breaches).toEqual([]);
    expect(readFileSync(join(bulkhead, 'load.log'), 'utf8')).toContain(
      'the SLA line "queue length < 10" is the collector\'s',
    );
    // The scrapes are in the events file: `busybench report` judges the line again from it.
    const report = await runCli(
      ['report', join(bulkhead, 'results.json'), '--sla', join(dir, 'sla.yaml')],
      30_000,
    );
    expect(report.code).toBe(99);
    expect(report.stdout).toContain('queue length < 10 broken at step 0');

    const passthrough = join(dir, 'passthrough');
    const held = await run('passthrough', passthrough);
    expect(held.code, held.stdout + held.stderr).toBe(0);
    expect(queueLines(passthrough)).toEqual([expect.objectContaining({ step: 0, ok: true, measured: 0 })]);
  }, 150_000);

  it('busybench collect --strategy-metrics: a collector watching a run judges the line live', async () => {
    const mock = await startMock({ behaviour: { latency: { ttft: { type: 'fixed', ms: 200 } } } });
    const { app } = proxyServer(makeStrategy('bulkhead', { limit: '2', queue: '30' }), [mock.url]);
    const proxy = await app.listen({ host: '127.0.0.1', port: 0 });
    const results = join(dir, 'watched.json');
    writeFileSync(results, '');
    const collect = startCli(
      [
        ...['collect', '-r', results, '-p', '0', '--strategy-metrics', proxy],
        ...['--sla', join(dir, 'sla.yaml')],
      ],
      /live page (http:\/\/127\.0\.0\.1:\d+)\//,
    );
    try {
      const page = /live page (http:\/\/127\.0\.0\.1:\d+)\//.exec(await collect.output)?.[1];
      const load = await runCli(
        [
          ...['load', '-t', proxy, '-r', '30', '-d', '4s', '--stream-ratio', '0', '-q'],
          ...['--sla', join(dir, 'sla.yaml'), '--results', results],
        ],
        60_000,
      );
      // The engine judges none of the lines that broke: its run passes; the collector's does not.
      expect(load.code, load.stderr).toBe(0);
      const view = (await (await fetch(`${page}/api/live`)).json()) as { verdict: { lines: LineVerdict[] } };
      const line = view.verdict.lines.find((l) => l.rule.kind === 'queue');
      expect(line).toMatchObject({ step: 0, ok: false });
      expect(line?.measured).toBeGreaterThanOrEqual(10);
      const metrics = await (await fetch(`${page}/metrics`)).text();
      expect(metrics).toMatch(/busybench_client_queue_length_peak\{[^}]*step="0"[^}]*\} ([1-9]\d)/);
      expect(metrics).toMatch(/busybench_client_sla_threshold\{[^}]*kind="queue"[^}]*\} 10/);
    } finally {
      collect.child.kill('SIGTERM');
      await collect.exited;
    }
    try {
      // No upstream was scraped, yet the readings went down: a report from the files judges
      // the line as the live collector did.
      const report = await runCli(['report', results, '--sla', join(dir, 'sla.yaml')], 60_000);
      expect(report.code, report.stderr).toBe(99);
      expect(report.stdout).toContain('queue length < 10 broken at step 0');
    } finally {
      await app.close();
      await mock.close();
    }
  }, 90_000);
});
