/**
 * Benchmark: the highest constant arrival rate one k6 (our scripts) sustains against the mock
 * with no dropped iterations, non-streaming and streaming, and the CPU k6 takes; beside it the
 * same for a bare k6 script (one http.post, nothing else) as the baseline; and what writing
 * every sample with `--out json` costs k6. The mock runs alone on core 0, k6 on core 1.
 *   npm run bench:loadtests   (BENCH_SECONDS per probe, default 8)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { k6Binary } from '../cli/k6-binary.js';
import { packageRoot } from '../mock-server/src/paths.js';

const run = promisify(execFile);
const ROOT = packageRoot();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PORT = 18_900;
const TARGET = `http://127.0.0.1:${PORT}`;
const RATES = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000];

interface Probe {
  rate: number;
  achieved: number;
  dropped: number;
  k6Cpu: number;
  maxRssMb: number;
}

const BARE = `import http from 'k6/http';
export const options = { scenarios: { a: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s',
  duration: '${SECONDS}s', preAllocatedVUs: 300, maxVUs: 600 } }, systemTags: ['status'] };
const body = JSON.stringify({ model: 'deepseek-flash', messages: [{ role: 'user', content: 'hi' }] });
export default function () { http.post('${TARGET}/chat/completions', body,
  { headers: { 'content-type': 'application/json', authorization: 'Bearer sk-busybench' } }); }
export function handleSummary(d) { return { stdout: JSON.stringify({ reqs: d.metrics.http_reqs.values.count,
  dropped: d.metrics.dropped_iterations ? d.metrics.dropped_iterations.values.count : 0 }) }; }
`;

async function probe(
  k6: string,
  script: string,
  rate: number,
  env: Record<string, string>,
  extra: string[] = [],
): Promise<Probe> {
  const summary = join(mkdtempSync(join(tmpdir(), 'busybench-k6b-')), 'summary.json');
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    ['-f', 'TIME %e %U %S %M', 'taskset', '-c', '1', k6, 'run', '--quiet', ...extra, script],
    {
      env: {
        ...process.env,
        ...env,
        RATE: String(rate),
        BUSYBENCH_RATES: String(rate),
        BUSYBENCH_SUMMARY: summary,
      },
      timeout: (SECONDS + 60) * 1000,
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((err: { stdout: string; stderr: string }) => err);
  const time = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  const [elapsed, user, sys, rss] = time ? time.slice(1).map(Number) : [1, 0, 0, 0];
  let reqs = 0;
  let dropped = 0;
  try {
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    reqs = s.requests;
    dropped = s.droppedIterations;
  } catch {
    const s = JSON.parse(/\{"reqs".*\}/.exec(stdout)?.[0] ?? '{"reqs":0,"dropped":0}');
    reqs = s.reqs;
    dropped = s.dropped;
  }
  return {
    rate,
    achieved: Math.round(reqs / SECONDS),
    dropped,
    k6Cpu: Number((((user as number) + (sys as number)) / (elapsed as number)).toFixed(2)),
    maxRssMb: Math.round((rss as number) / 1024),
  };
}

/** Ascending rates until iterations drop; the highest rate with none is the figure. */
async function ceiling(
  label: string,
  k6: string,
  script: string,
  env: Record<string, string>,
): Promise<{ best: Probe | null; probes: Probe[] }> {
  const probes: Probe[] = [];
  let best: Probe | null = null;
  for (const rate of RATES) {
    const p = await probe(k6, script, rate, env);
    probes.push(p);
    process.stdout.write(
      `${label.padEnd(14)} ${String(rate).padStart(5)} req/s: achieved ${p.achieved}, dropped ${p.dropped}, k6 cpu ${(p.k6Cpu * 100).toFixed(0)} %, rss ${p.maxRssMb} MB\n`,
    );
    if (p.dropped > 0) break;
    best = p;
  }
  return { best, probes };
}

async function main(): Promise<void> {
  const k6 = k6Binary();
  const mock = spawn(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      join(ROOT, 'bin/busybench.js'),
      'mock',
      '--port',
      String(PORT),
      '--log-level',
      'silent',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve) =>
    mock.stdout?.on('data', (d) => String(d).includes('listening') && resolve()),
  );
  try {
    const bareScript = join(mkdtempSync(join(tmpdir(), 'busybench-bare-')), 'bare.js');
    writeFileSync(bareScript, BARE);
    const main = join(ROOT, 'loadtests/main.ts');
    const common = {
      BUSYBENCH_TARGET: TARGET,
      BUSYBENCH_PROFILE: 'smoke',
      BUSYBENCH_STEP_SECONDS: String(SECONDS),
      BUSYBENCH_VUS: '300',
      BUSYBENCH_MAX_VUS: '600',
    };
    const bare = await ceiling('bare k6', k6, bareScript, {});
    const plain = await ceiling('busybench', k6, main, { ...common, BUSYBENCH_MIX: '{"streamRatio":0}' });
    const stream = await ceiling('busybench SSE', k6, main, {
      ...common,
      BUSYBENCH_MIX: '{"streamRatio":1}',
    });
    // The cost of writing every sample to a file, at a rate k6 sustains either way.
    const fixed = Math.max(500, Math.floor(((plain.best?.rate ?? 1000) * 0.6) / 100) * 100);
    const env = { ...common, BUSYBENCH_MIX: '{"streamRatio":0}' };
    const without = await probe(k6, main, fixed, env);
    const jsonOut = await probe(k6, main, fixed, env, [
      '--out',
      `json=${join(tmpdir(), 'busybench-k6-out.json.gz')}`,
    ]);
    const summary = {
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
      command: 'npm run bench:loadtests',
      secondsPerProbe: SECONDS,
      bareK6MaxRate: bare.best?.rate ?? 0,
      busybenchMaxRate: plain.best?.rate ?? 0,
      busybenchMaxRateStreaming: stream.best?.rate ?? 0,
      k6CpuAtMax: plain.best?.k6Cpu ?? null,
      jsonOutput: {
        rate: fixed,
        k6CpuWithout: without.k6Cpu,
        k6CpuWithJsonGz: jsonOut.k6Cpu,
        droppedWith: jsonOut.dropped,
      },
      probes: { bare: bare.probes, busybench: plain.probes, streaming: stream.probes },
      goal: { steppedRate: 5000 },
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/loadtests.json'), `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`\n${JSON.stringify({ ...summary, probes: undefined }, null, 2)}\n`);
  } finally {
    mock.kill('SIGTERM');
  }
}

await main();
