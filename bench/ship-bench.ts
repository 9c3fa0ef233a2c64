/**
 * Benchmark: how a runner ships its results to a collector, at 5 000 req/s per runner. Two
 * encodings of the same second of requests (loadtests/engine/internal/ship/encoding_bench_test.go
 * makes them with the engine's own code):
 *   lines       every request's line, gzip'd: what `busybench load --ship` sends
 *   histograms  per second, HDR histograms (latency by outcome, TTFT, inter-token, lateness) and counts
 * Measured: the engine's CPU to encode one second (go test -bench, 5 counts), the bytes on the
 * wire per second, and the collector's CPU to take one second (unpack, parse, count, merge; one
 * core, `taskset -c 1`, alternating A B for 7 rounds after a warm-up, median and spread).
 *   npm run bench:ship
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LatencyHistogram } from '../collector/src/latency-histogram.js';
import type { LineSource } from '../collector/src/runner-view.js';
import { RunStats } from '../collector/src/step-stats.js';
import { packageRoot } from '../common/paths.js';

const ROUNDS = 7;
const PER_SECOND = 5000;
const root = packageRoot();
const samples = mkdtempSync(join(tmpdir(), 'busybench-ship-bench-'));

// The engine's half: Go's own benchmark, pinned to the other core.
const go = spawnSync(
  'taskset',
  [
    ...['-c', '0', '/usr/local/go/bin/go', 'test', '-run', '^$', '-bench', 'Ship', '-benchtime', '50x'],
    ...['-count', '5', './internal/ship/'],
  ],
  {
    cwd: join(root, 'loadtests', 'engine'),
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local', BUSYBENCH_SHIP_SAMPLES: samples },
  },
);
if (go.status !== 0) throw new Error(`go test -bench failed:\n${go.stdout}${go.stderr}`);
const engine = (name: string) => {
  const rows = [
    ...go.stdout.matchAll(
      new RegExp(`Benchmark${name}\\S*\\s+\\d+\\s+(\\d+) ns/op\\s+(\\d+) wire-bytes/s`, 'g'),
    ),
  ];
  const ns = rows.map((m) => Number(m[1])).sort((a, b) => a - b);
  return {
    cpuMsPerSecond: (ns[Math.floor(ns.length / 2)] as number) / 1e6,
    wireBytesPerSecond: Number(rows[0]?.[2]),
  };
};

const goVersion =
  spawnSync('/usr/local/go/bin/go', ['version'], { encoding: 'utf8' }).stdout.split(' ')[2] ?? 'go';
const linesGz = readFileSync(join(samples, 'lines.ndjson.gz'));
const histogramsJson = readFileSync(join(samples, 'histograms.json'));

/** The collector taking one second of lines: unpack, split, parse, count (as POST /api/results). */
function takeLines(): number {
  const run = new RunStats(800);
  const source: LineSource = { tally: null };
  const text = gunzipSync(linesGz).toString('utf8');
  let n = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    run.ingestLine(line, source);
    n++;
  }
  return n;
}

/** The collector taking one second of histograms: parse, decode each, merge into the step's. */
function takeHistograms(merged: Map<string, LatencyHistogram>): number {
  const iv = JSON.parse(histogramsJson.toString('utf8')) as { histograms: Record<string, string> };
  let n = 0;
  for (const [name, b64] of Object.entries(iv.histograms)) {
    // json.Marshal wrote Go's encoded bytes as base64: those bytes are the compressed base64 text.
    const h = LatencyHistogram.decode(Buffer.from(b64, 'base64').toString('utf8'));
    const into = merged.get(name) ?? new LatencyHistogram();
    merged.set(name, into);
    into.merge(h);
    n += h.count;
  }
  return n;
}

const merged = new Map<string, LatencyHistogram>();
// Both hold the same second: every request once in a latency histogram, every line parsed.
const check = new Map<string, LatencyHistogram>();
takeHistograms(check);
const latencyCount = [...check].reduce((n, [k, h]) => n + (k.startsWith('latency.') ? h.count : 0), 0);
if (latencyCount !== PER_SECOND || takeLines() !== PER_SECOND)
  throw new Error(`the samples do not hold ${PER_SECOND} requests (histograms: ${latencyCount})`);
const timeOne = (f: () => number) => {
  const t0 = performance.now();
  const n = f();
  return { ms: performance.now() - t0, n };
};
// Warm-up (JIT), uncounted; then A B A B …
for (let i = 0; i < 3; i++) {
  takeLines();
  takeHistograms(merged);
}
const a: number[] = [];
const b: number[] = [];
let linesN = 0;
for (let r = 0; r < ROUNDS; r++) {
  const x = timeOne(takeLines);
  const y = timeOne(() => takeHistograms(merged));
  a.push(x.ms);
  b.push(y.ms);
  linesN = x.n;
}
const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)] as number;
const lines = engine('ShipLines');
const histograms = engine('ShipHistograms');
const collectorLinesMs = median(a);
const collectorHistMs = median(b);
const summary = {
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${goVersion}`,
  command: 'npm run bench:ship',
  placement: 'engine half: go test -bench on core 0; collector half: node on core 1 (taskset)',
  perRunner: `${PER_SECOND} req/s (one second = ${linesN} request lines)`,
  lines: {
    engineCpuMsPerSecond: round(lines.cpuMsPerSecond),
    wireKBPerSecond: round(lines.wireBytesPerSecond / 1024),
    collectorCpuMsPerSecond: round(collectorLinesMs),
    collectorSpreadMs: [round(Math.min(...a)), round(Math.max(...a))],
    runnersPerCollectorCore: Math.floor(1000 / collectorLinesMs),
  },
  histograms: {
    engineCpuMsPerSecond: round(histograms.cpuMsPerSecond),
    wireKBPerSecond: round(histograms.wireBytesPerSecond / 1024),
    collectorCpuMsPerSecond: round(collectorHistMs),
    collectorSpreadMs: [round(Math.min(...b)), round(Math.max(...b))],
    runnersPerCollectorCore: Math.floor(1000 / collectorHistMs),
  },
};
function round(x: number): number {
  return Math.round(x * 100) / 100;
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/ship.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
