/**
 * Benchmark: what `--fsync` costs (issue 26, item 8), on both sides of a shipped run.
 *   collector  `busybench collect --receive DIR [--fsync]` on core 1; 8 runners on core 0 post
 *              80 batches each (a quarter second at 1 000 req/s: 250 lines, gzip'd), one batch at a
 *              time per runner as the engine does; measured: batches acknowledged per second and
 *              each batch's acknowledgement time (p50, p99)
 *   engine     one spool Put of such a batch (go test -bench SpoolPut, core 0): what the results
 *              writer's flush waits, four times a second
 * A fresh collector and directory each round; one warm-up round, then off/on alternating, 5 rounds
 * each; per-round ratios (on / off), their median and spread.
 *   npm run bench:durability
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../common/paths.js';

const ROUNDS = 5;
const RUNNERS = 8;
const BATCHES = 80;
const LINES = 250;
const root = packageRoot();
// On the disk the runs use (not a tmpfs): bench/results is under the repository.
const work = mkdtempSync(join(root, 'bench', 'results', 'durability-'));

function batch(runner: string, i: number): Buffer {
  const t0 = 1_764_400_000_000 + i * 250;
  const lines: string[] = [];
  if (i === 0)
    lines.push(
      JSON.stringify({
        type: 'run',
        version: 1,
        engine: 'busybench-engine',
        runner,
        segment: '0/1',
        target: 'http://127.0.0.1:8000',
        profile: 'stepped',
        startedAt: t0,
        steps: [{ step: 0, targetRate: 1000, startMs: 0, endMs: 60_000, scheduled: 60_000 }],
      }),
    );
  for (let k = lines.length; k < LINES; k++)
    lines.push(
      JSON.stringify({
        type: 'req',
        t: t0 + k,
        step: 0,
        rate: 1000,
        outcome: 'ok',
        ms: 200 + ((k * 37) % 300),
        late: 0.3,
      }),
    );
  return gzipSync(`${lines.join('\n')}\n`);
}

const bodies = Array.from({ length: RUNNERS }, (_, r) =>
  Array.from({ length: BATCHES }, (_, i) => batch(`runner-${r}`, i)),
);

async function collector(dir: string, fsync: boolean): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(
    'taskset',
    [
      ...['-c', '1', process.execPath, join(root, 'bin', 'busybench.js'), 'collect'],
      ...['--receive', dir, '-p', '0', ...(fsync ? ['--fsync'] : [])],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on('close', () => reject(new Error(`collector exited: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.on('close', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

interface Round {
  batchesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function round(fsync: boolean, n: number): Promise<Round> {
  const dir = join(work, `r${n}-${fsync ? 'on' : 'off'}`);
  const c = await collector(dir, fsync);
  const acks: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (batches, r) => {
      for (const [i, body] of batches.entries()) {
        const s = performance.now();
        const res = await fetch(`${c.url}/api/results`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-ndjson',
            'content-encoding': 'gzip',
            'x-busybench-runner': `runner-${r}`,
            'x-busybench-seq': String(i),
          },
          body,
        });
        if (res.status !== 200) throw new Error(`batch ${r}/${i}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        acks.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
  acks.sort((a, b) => a - b);
  const at = (q: number) => acks[Math.min(acks.length - 1, Math.floor(q * acks.length))] as number;
  return { batchesPerSecond: (RUNNERS * BATCHES) / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** One Put, with or without the flushes: the engine's own benchmark, one run on core 0. */
function enginePut(fsync: boolean): number {
  const go = spawnSync(
    'taskset',
    [
      ...['-c', '0', '/usr/local/go/bin/go', 'test', '-run', '^$'],
      ...['-bench', fsync ? '^BenchmarkSpoolPutFsync$' : '^BenchmarkSpoolPut$', '-benchtime', '200x'],
      './internal/ship/',
    ],
    {
      cwd: join(root, 'loadtests', 'engine'),
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    },
  );
  const m = /BenchmarkSpoolPut\S*\s+\d+\s+(\d+) ns\/op/.exec(go.stdout);
  if (go.status !== 0 || !m) throw new Error(`go test -bench failed:\n${go.stdout}${go.stderr}`);
  return Number(m[1]) / 1e6;
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)] as number;
const r2 = (x: number) => Math.round(x * 100) / 100;
const spread = (v: number[]) => [r2(Math.min(...v)), r2(Math.max(...v))];

await round(false, 0); // warm-up, uncounted
enginePut(false);
const off: Round[] = [];
const on: Round[] = [];
const putOff: number[] = [];
const putOn: number[] = [];
for (let n = 1; n <= ROUNDS; n++) {
  off.push(await round(false, n));
  on.push(await round(true, n));
  putOff.push(enginePut(false));
  putOn.push(enginePut(true));
  process.stderr.write(`round ${n}/${ROUNDS} done\n`);
}
rmSync(work, { recursive: true, force: true });
const ratios = (f: (r: Round) => number) => on.map((r, i) => f(r) / f(off[i] as Round));
const goVersion =
  spawnSync('/usr/local/go/bin/go', ['version'], { encoding: 'utf8' }).stdout.split(' ')[2] ?? 'go';
const summary = {
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${goVersion}`,
  command: 'npm run bench:durability',
  placement: 'collector on core 1, the 8 posting runners (this process) and go test -bench on core 0',
  workload: `${RUNNERS} runners x ${BATCHES} batches of ${LINES} lines (gzip'd), one batch at a time per runner`,
  collector: {
    withoutFsync: {
      batchesPerSecond: r2(median(off.map((r) => r.batchesPerSecond))),
      ackP50Ms: r2(median(off.map((r) => r.p50Ms))),
      ackP99Ms: r2(median(off.map((r) => r.p99Ms))),
    },
    withFsync: {
      batchesPerSecond: r2(median(on.map((r) => r.batchesPerSecond))),
      ackP50Ms: r2(median(on.map((r) => r.p50Ms))),
      ackP99Ms: r2(median(on.map((r) => r.p99Ms))),
    },
    throughputRatio: {
      median: r2(median(ratios((r) => r.batchesPerSecond))),
      spread: spread(ratios((r) => r.batchesPerSecond)),
    },
    ackP99Ratio: { median: r2(median(ratios((r) => r.p99Ms))), spread: spread(ratios((r) => r.p99Ms)) },
  },
  engine: {
    putMsWithoutFsync: r2(median(putOff)),
    putMsWithFsync: r2(median(putOn)),
    ratio: {
      median: r2(median(putOn.map((x, i) => x / (putOff[i] as number)))),
      spread: spread(putOn.map((x, i) => x / (putOff[i] as number))),
    },
  },
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/durability.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
