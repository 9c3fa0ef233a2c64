/**
 * Benchmark: the collector's ingest on one core. Feeds k6 NDJSON lines as k6 writes them (per
 * request one busybench_latency line the collector parses, plus eight of k6's own lines it
 * skips) into RunStats, 10 M requests in all, and reports requests/s, lines/s and the heap after
 * 1 M, 5 M and 10 M requests (after a forced GC) — flat is the goal, as histograms are bounded.
 *   npm run bench:collector
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { RunStats } from '../collector/src/step-stats.js';
import { packageRoot } from '../common/paths.js';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 10_000_000);
const OTHER = [
  'http_reqs',
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'busybench_success',
];
const tags = (step: number) =>
  `{"expected_response":"true","method":"POST","scenario":"load","status":"200","stream":"false","step":"${step}","target_rate":"${(step + 1) * 500}"}`;

/** A pool of distinct request blocks, cycled: building 90 M lines up front would measure the builder. */
function requestBlocks(): string[][] {
  return Array.from({ length: 1000 }, (_, i) => {
    const step = i % 6;
    const time = new Date(Date.UTC(2026, 10, 22, 10, 0, i % 60, i % 1000)).toISOString();
    const point = (metric: string, value: number, extra = '') =>
      `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags(step).replace('}', `${extra}}`)}}}`;
    const outcome = i % 50 === 0 ? '503' : 'ok';
    return [
      ...OTHER.map((m) => point(m, 1 + (i % 97))),
      point('busybench_latency', 20 + ((i * 7919) % 3000) / 10, `,"outcome":"${outcome}"`),
    ];
  });
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
}

const blocks = requestBlocks();
const run = new RunStats();
const marks: Array<{ requests: number; heapMb: number }> = [{ requests: 0, heapMb: heapMb() }];
const t0 = performance.now();
let lines = 0;
for (let r = 1; r <= TOTAL; r++) {
  for (const line of blocks[r % blocks.length] as string[]) run.ingestLine(line);
  lines += 9;
  if (r === 1_000_000 || r === 5_000_000 || r === TOTAL) marks.push({ requests: r, heapMb: heapMb() });
}
const seconds = (performance.now() - t0) / 1000;
const summary = {
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  command: 'npm run bench:collector',
  requests: TOTAL,
  lines,
  requestsPerSecond: Math.round(TOTAL / seconds),
  linesPerSecond: Math.round(lines / seconds),
  heap: marks,
  malformed: run.malformedLines,
  goal: { requestsPerSecond: 100_000, heap: 'flat' },
};
const root = packageRoot();
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/collector.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
