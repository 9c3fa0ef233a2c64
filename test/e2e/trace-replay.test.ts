import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../cli/cli-helpers.js';
import { metricValue } from '../helpers/mock.js';
import { mockProcess, stopAfter, withEngineAndMocks } from '../helpers/mock-process.js';
import { freePort } from '../helpers/tools.js';

const TRACES = new URL('../../../shared/traces/', import.meta.url).pathname;
const AZURE = join(TRACES, 'azure-conv-2023.csv');
const MOONCAKE = join(TRACES, 'mooncake-conversation.jsonl');

withEngineAndMocks();

/** A mock in its own process, no concurrency cap and no prefill: these tests count tokens, not time. */
async function mock(behaviour: object): Promise<string> {
  const base = {
    limits: { concurrency: { enabled: false } },
    latency: { prefill: { msPerToken: 0, models: {} } },
  };
  return (await mockProcess({ behaviour: { ...base, ...behaviour } })).url;
}

async function tokens(url: string, kind: string): Promise<number> {
  return metricValue(await (await fetch(`${url}/metrics`)).text(), 'busybench_mock_tokens_total', { kind });
}

interface Line {
  type: string;
  step?: number;
  outcome?: string;
  n?: number;
  late?: number;
}

function lines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

describe('trace replay', () => {
  it('sends every row of the Azure conversation trace once, 500 × faster, at its token counts', async () => {
    const url = await mock({ output: { minTokens: 1000, maxTokens: 1000, reasoningTokens: 0 } });
    const dir = mkdtempSync(join(tmpdir(), 'busybench-trace-'));
    const results = join(dir, 'results.ndjson');
    const run = await runCli(
      [
        ...['load', '-t', url, '--trace', AZURE, '--trace-speed', '500', '--thinking', 'off'],
        ...['--stream-ratio', '0', '--results', results, '--summary', join(dir, 's.json'), '-q'],
      ],
      120_000,
    );
    // 0, or 99 if an SLA line broke: the machine answering 1 000-token bodies at 2 800 req/s
    // may miss p99 < 800 ms. What is checked here is what was sent and counted.
    expect([0, 99], run.stderr).toContain(run.code);
    // The sums the mock must have counted, from the file alone (a prompt below the 5-token
    // minimum is sent at 5, as the CLI says).
    const rows = readFileSync(AZURE, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((r) => r.split(',').map(Number));
    expect(rows.length).toBe(19_366);
    const below = rows.filter((r) => (r[1] as number) < 5).length;
    const promptSum = rows.reduce((n, r) => n + Math.max(5, r[1] as number), 0);
    const outputSum = rows.reduce((n, r) => n + (r[2] as number), 0);
    expect(run.stderr).toContain(`${below} rows below 5 prompt tokens sent at 5`);
    const got = lines(results);
    const requests = got.filter((l) => l.type === 'req');
    expect(requests.length).toBe(19_366);
    expect(got.filter((l) => l.type === 'dropped').length).toBe(0);
    const outcomes = new Map<string, number>();
    for (const l of requests) outcomes.set(l.outcome as string, (outcomes.get(l.outcome as string) ?? 0) + 1);
    expect(Object.fromEntries(outcomes)).toEqual({ ok: 19_366 });
    expect((await tokens(url, 'prompt_cache_miss')) + (await tokens(url, 'prompt_cache_hit'))).toBe(
      promptSum,
    );
    expect(await tokens(url, 'completion')).toBe(outputSum);
    // Each request in the window of its scaled offset: the windows hold what the plan said.
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(summary.steps.length).toBe(10);
    for (const s of summary.steps) expect(s.requests).toBe(requests.filter((l) => l.step === s.step).length);
  }, 120_000);

  it('Mooncake, first 1 000 rows: cache hits are the shared prefix blocks the file says, in 64-token units', async () => {
    const url = await mock({ output: { minTokens: 1, maxTokens: 1, reasoningTokens: 0 } });
    const dir = mkdtempSync(join(tmpdir(), 'busybench-trace-'));
    const head = readFileSync(MOONCAKE, 'utf8').split('\n').slice(0, 1000);
    const file = join(dir, 'mooncake-1000.jsonl');
    writeFileSync(file, `${head.join('\n')}\n`);
    const run = await runCli(
      [
        ...[
          'load',
          '-t',
          url,
          '--trace',
          file,
          '--trace-rate',
          '200',
          '--thinking',
          'off',
          '--keys',
          'sk-busybench',
        ],
        ...['--results', join(dir, 'r.ndjson'), '--summary', join(dir, 's.json'), '-q'],
      ],
      120_000,
    );
    expect(run.code, run.stderr).toBe(0);
    // From the file alone: each row's leading blocks already seen (on this one account), as
    // whole 64-token units of at most its prompt.
    const seen = new Set<number>();
    let want = 0;
    for (const line of head) {
      const row = JSON.parse(line) as { input_length: number; hash_ids: number[] };
      let lead = 0;
      while (lead < row.hash_ids.length && seen.has(row.hash_ids[lead] as number)) lead++;
      want += 64 * Math.floor(Math.min(512 * lead, row.input_length) / 64);
      for (const id of row.hash_ids) seen.add(id);
    }
    const hits = await tokens(url, 'prompt_cache_hit');
    expect(want).toBeGreaterThan(1_000_000);
    expect(Math.abs(hits / want - 1), `hits ${hits}, from the file ${want}`).toBeLessThan(0.01);
  }, 120_000);

  it('refuses a trace it cannot read, naming the line, before sending anything (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-trace-'));
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,12,7\n2023-11-16 18:15:47,x,7\n',
    );
    const run = await runCli(['load', '-t', 'http://127.0.0.1:9', '--trace', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('line 3: ContextTokens "x" is not a whole number');
    const mixed = await runCli([
      'load',
      '-t',
      'http://127.0.0.1:9',
      '--trace',
      AZURE,
      '--rates',
      '5',
      '--engine',
      'k6',
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--rates does not go with --trace');
    expect(mixed.stderr).toContain('--trace needs the engine');
  });
});

describe('reused bodies and a cache', () => {
  it("with one key and one user, the cache strategy's hit rate is the reuse share, within binomial bounds", async () => {
    const url = await mock({});
    const port = await freePort();
    const proxy = startCli(['strategy', 'cache', '-u', url, '-p', String(port)], /listening on/);
    stopAfter(async () => {
      process.kill(-(proxy.child.pid as number), 'SIGTERM');
      await proxy.exited;
    });
    await proxy.output;
    const target = `http://127.0.0.1:${port}`;
    const share = 0.3;
    const run = await runCli(
      [
        ...['load', '-t', target, '-p', 'smoke', '-r', '200', '-d', '10s', '--stream-ratio', '0'],
        ...[
          '--keys',
          'sk-busybench',
          '--reuse-share',
          String(share),
          '-q',
          '--summary',
          join(tmpdir(), `s-${port}.json`),
        ],
      ],
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const text = await (await fetch(`${target}/metrics`)).text();
    const hits = metricValue(text, 'busybench_strategy_cache_hits_total');
    const misses = metricValue(text, 'busybench_strategy_cache_misses_total');
    const n = hits + misses;
    expect(n).toBe(2000);
    // The first 32 arrivals cannot repeat one (nothing is far enough back): p of the rest.
    const expected = share * (n - 32);
    expect(Math.abs(hits - expected), `${hits} hits of ${n}`).toBeLessThan(
      4 * Math.sqrt(n * share * (1 - share)),
    );
  }, 90_000);
});
