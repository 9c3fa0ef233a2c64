import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../collector/src/ingest-file.js';
import { RunStats } from '../../collector/src/step-stats.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { startMockProcess } from '../../runner/src/mock-process.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { exactPercentile, latenciesByStep } from '../helpers/engine-results.js';

interface TestMock {
  readonly url: string;
  close(): Promise<void>;
}
let mock: TestMock | undefined;
/** The mock's default prefill off: these tests read back a first-token time they set. */
const NO_PREFILL = { msPerToken: 0 };

/**
 * The mock as `busybench run` starts it, in a process of its own: inside the test worker its
 * timers shared an event loop with vitest, which put up to 20 ms into the tail it served.
 */
async function startMock(config: object): Promise<TestMock> {
  const dir = mkdtempSync(join(tmpdir(), 'busybench-truth-mock-'));
  writeFileSync(join(dir, 'mock.json'), JSON.stringify(config));
  const started = await startMockProcess({
    nodes: 1,
    config: join(dir, 'mock.json'),
    log: join(dir, 'mock.log'),
  });
  return { url: started.urls[0] as string, close: () => started.stop() };
}
beforeAll(() => {
  requireBuild();
  engineBinary();
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** A run of the engine through the CLI, its results ingested by the collector's own code. */
async function measured(args: string[]): Promise<{ stats: RunStats; raw: Map<number, number[]> }> {
  const results = join(mkdtempSync(join(tmpdir(), 'busybench-truth-')), 'results.json.gz');
  const run = await runCli(
    ['load', '-t', (mock as TestMock).url, '-q', '--thinking', 'off', '--results', results, ...args],
    120_000,
  );
  expect([0, 99]).toContain(run.code);
  const stats = new RunStats();
  await ingestFile(results, stats);
  expect(stats.malformedLines).toBe(0);
  // The same requests read independently, kept whole, for exact percentiles to compare with.
  return { stats, raw: latenciesByStep(results) };
}

/**
 * A few requests before measuring: the mock's first answers run code V8 has not compiled yet
 * (the very first one read 115 ms for a configured 100). A warm server is the one to measure.
 */
async function warmUp(url: string, stream: boolean): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-busybench' },
      body: JSON.stringify({
        model: 'deepseek-v4-flash',
        thinking: { type: 'disabled' },
        stream,
        messages: [{ role: 'user', content: 'warm' }],
      }),
    });
    // A warm-up that the mock refused would warm nothing of what the test measures.
    if (res.status !== 200) throw new Error(`warm-up answered ${res.status}: ${await res.text()}`);
    await res.text();
  }
}

describe('the collector tells the truth about a known mock', () => {
  it('reports exact percentiles of what the engine saw, and a fixed 100 ms latency as 100 ms', async () => {
    const stepped = ['-p', 'stepped', '-r', '20,30', '-d', '4s', '--stream-ratio', '0'];
    // The baseline, in the same test: the same requests through the same engine, loopback and mock
    // with no latency configured. Its median (about 1 ms) is the path's own cost, which is
    // not the latency model's doing and drifts with this VM's speed from run to run.
    mock = await startMock({
      behaviour: {
        latency: {
          ttft: { type: 'fixed', ms: 0 },
          interToken: { type: 'fixed', ms: 0 },
          prefill: NO_PREFILL,
        },
      },
    });
    await warmUp(mock.url, false);
    const baseline = (await measured(stepped)).stats.summaries().map((s) => s.latency.p50);
    await mock.close();
    mock = await startMock({
      behaviour: {
        latency: {
          ttft: { type: 'fixed', ms: 100 },
          interToken: { type: 'fixed', ms: 0 },
          prefill: NO_PREFILL,
        },
      },
    });
    await warmUp(mock.url, false);
    const { stats, raw } = await measured(stepped);
    for (const step of stats.summaries()) {
      const values = raw.get(step.step) ?? [];
      expect(step.requests).toBe(values.length);
      expect(step.requests).toBeGreaterThan(40);
      // The histogram's 3 significant digits: within 0.1 % of the exact percentiles.
      expect(
        Math.abs(step.latency.p50 - exactPercentile(values, 50)) / exactPercentile(values, 50),
      ).toBeLessThan(0.001);
      expect(
        Math.abs(step.latency.p99 - exactPercentile(values, 99)) / exactPercentile(values, 99),
      ).toBeLessThan(0.001);
      // The median, less the path's own cost, within 2 % of the configured 100 ms; as read, with
      // that cost in, within the cost plus 1 %. The path's own cost is this VM's, not ours: about
      // 1 ms when these lines were set, 2-6 ms on the same machine on 2026-11-29 (also at the
      // commit before; an as-read line of 3 % was then crossed by 0.2 %).
      const own = baseline[step.step] as number;
      expect(own).toBeLessThan(10);
      const p50 = step.latency.p50;
      expect(Math.abs((p50 - own) / 100 - 1), `p50 ${p50}, path ${own}`).toBeLessThan(0.02);
      expect(p50).toBeGreaterThanOrEqual(99);
      expect(p50 - 100, `p50 ${p50}, path ${own}`).toBeLessThan(own + 1);
      // The tail also takes this VM's scheduling jitter (a plain 100 ms sleep is 3 ms late at its
      // p99 here). p90 holds within 10 %. p99 of 80-120 requests is the slowest one or two, so a
      // single stall of a shared machine is its whole value (CI read 116.6 ms once): it is held
      // to 50 % (a request served twice, or a latency model applied twice, still breaks it).
      expect(step.latency.p99).toBeGreaterThanOrEqual(step.latency.p90);
      expect(step.latency.p90 / 100 - 1, `p90 ${step.latency.p90}`).toBeLessThan(0.1);
      expect(step.latency.p99 / 100 - 1, `p99 ${step.latency.p99}`).toBeLessThan(0.5);
    }
  }, 120_000);

  it('reads streams as served: time to first token and inter-token latency within 2 %', async () => {
    const smoke = ['-p', 'smoke', '-r', '20', '-d', '5s', '--stream-ratio', '1'];
    // The path's own time to first byte, as in the test above: the same streams, no latency.
    mock = await startMock({
      behaviour: {
        latency: {
          ttft: { type: 'fixed', ms: 0 },
          interToken: { type: 'fixed', ms: 0 },
          prefill: NO_PREFILL,
        },
      },
    });
    await warmUp(mock.url, true);
    const own = (await measured(smoke)).stats.summaries()[0]?.ttft.p50 as number;
    // This VM's path, not ours (see the test above).
    expect(own).toBeLessThan(10);
    await mock.close();
    mock = await startMock({
      behaviour: {
        latency: {
          ttft: { type: 'fixed', ms: 100 },
          interToken: { type: 'fixed', ms: 10 },
          prefill: NO_PREFILL,
        },
      },
    });
    await warmUp(mock.url, true);
    const [step] = (await measured(smoke)).stats.summaries();
    expect(step?.requests).toBeGreaterThan(80);
    const { ttft, interToken } = step as NonNullable<typeof step>;
    // 100.7-101.4 ms as read, with a path of about 1 ms.
    expect(Math.abs((ttft.p50 - own) / 100 - 1), `ttft p50 ${ttft.p50}, path ${own}`).toBeLessThan(0.02);
    expect(ttft.p50 - 100, `ttft p50 ${ttft.p50}, path ${own}`).toBeLessThan(own + 1);
    // One schedule per stream: a late timer shortens the next gap, so lateness does not add up.
    // The engine reads every gap as the frame arrives (k6 gave one mean per stream): the median
    // gap read 10.207 ms once in a full suite run (2.07 %), so the line is 2.5 %, not 2 %.
    expect(Math.abs(interToken.p50 / 10 - 1), `inter-token p50 ${interToken.p50}`).toBeLessThan(0.025);
  }, 120_000);

  it('reads a known lognormal latency back as its distribution, percentiles within 3 %', async () => {
    // Median 400 ms, sigma 0.25: the quantiles are 400·exp(0.25·z).
    const medianMs = 400;
    const sigma = 0.25;
    mock = await startMock({
      behaviour: {
        latency: {
          ttft: { type: 'lognormal', medianMs, sigma },
          interToken: { type: 'fixed', ms: 0 },
          prefill: NO_PREFILL,
        },
      },
    });
    // 300 req/s × 0.4 s ≈ 120 in flight, well under the engine's cap: nothing is dropped.
    const { stats } = await measured(['-p', 'smoke', '-r', '300', '-d', '15s', '--stream-ratio', '0']);
    const [step] = stats.summaries();
    // ~4 500 samples put the sampling error of p99 near 1.5 %; of p50 and p90 under 1 %.
    expect(step?.requests).toBeGreaterThan(3500);
    const z = { p50: 0, p90: 1.2816, p99: 2.3263 } as const;
    for (const [p, zp] of Object.entries(z)) {
      const configured = medianMs * Math.exp(sigma * zp);
      const reported = step?.latency[p as keyof typeof z] as number;
      expect(Math.abs(reported / configured - 1), `${p}: ${reported} vs ${configured}`).toBeLessThan(0.03);
    }
  }, 120_000);

  it('sees 10 % injected 503s as a 10 % client error rate, within binomial bounds', async () => {
    mock = await startMock({ behaviour: { faults: { errors: { '503': 0.1 } } } });
    const { stats } = await measured(['-p', 'smoke', '-r', '200', '-d', '5s']);
    const [step] = stats.summaries();
    const n = step?.requests ?? 0;
    const k = step?.errors['503'] ?? 0;
    expect(n).toBeGreaterThan(800);
    // 4 standard deviations of a binomial(n, 0.1).
    expect(Math.abs(k - n * 0.1)).toBeLessThan(4 * Math.sqrt(n * 0.1 * 0.9));
  }, 120_000);
});
