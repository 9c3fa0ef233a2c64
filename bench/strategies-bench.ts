/**
 * Benchmark: what a strategy in front of the API costs a client. The mock answers like an LLM
 * (50 ms to the first token, 20 tokens 1 ms apart); wrk sends chat completions straight to it,
 * through our passthrough proxy (the frame every reference strategy runs in) and through nginx.
 * Mock and proxies share core 0, wrk has core 1; rounds alternate the three targets and medians
 * are reported, with the ratios to the direct path measured in the same round.
 *   npm run bench:strategies   (BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS to change the run)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../mock-server/src/paths.js';
import { median, startPinned } from './pinned.js';
import { postScript, type WrkResult, wrk } from './wrk.js';

const ROOT = packageRoot();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const MOCK = 18_600;
const PASSTHROUGH = 18_610;
const NGINX = 18_620;

type Target = 'direct' | 'passthrough' | 'nginx';

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  try {
    const upstream = `http://127.0.0.1:${MOCK}`;
    const busybench = (...args: string[]) =>
      startPinned([join(ROOT, 'bin/busybench.js'), ...args], /listening/);
    children.push(
      await busybench('mock', '-c', join(ROOT, 'bench/strategy-bench.yaml'), '--port', String(MOCK)),
    );
    children.push(await busybench('strategy', 'passthrough', '-u', upstream, '-p', String(PASSTHROUGH)));
    children.push(await busybench('strategy', 'nginx', '-u', upstream, '-p', String(NGINX)));
    const ports: Record<Target, number> = { direct: MOCK, passthrough: PASSTHROUGH, nginx: NGINX };
    const script = postScript({
      model: 'deepseek-v4-flash',
      thinking: { type: 'disabled' }, // as in every earlier run, for comparable figures
      messages: [{ role: 'user', content: 'Benchmark me' }],
    });
    // The server process whose CPU wrk reports: the mock for direct, the proxy otherwise
    // (nginx's CPU is in its worker, not measured: reported as 0).
    const pid: Record<Target, number> = {
      direct: children[0]?.pid as number,
      passthrough: children[1]?.pid as number,
      nginx: children[2]?.pid as number,
    };
    const run = (t: Target) =>
      wrk(`http://127.0.0.1:${ports[t]}/chat/completions`, script, {
        core: 1,
        seconds: SECONDS,
        connections: CONNECTIONS,
        serverPid: pid[t],
      });
    for (const t of ['direct', 'passthrough', 'nginx'] as const) await run(t); // warm-up
    const results: Record<Target, WrkResult[]> = { direct: [], passthrough: [], nginx: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of ['direct', 'passthrough', 'nginx'] as const) results[t].push(await run(t));
      const line = (t: Target) => {
        const r = results[t].at(-1) as WrkResult;
        return `${t} ${r.requestsPerSec.toFixed(0)} req/s p50 ${r.p50Ms.toFixed(1)} ms p99 ${r.p99Ms.toFixed(1)} ms`;
      };
      process.stdout.write(
        `round ${round}/${ROUNDS}: ${line('direct')} | ${line('passthrough')} | ${line('nginx')}\n`,
      );
    }
    const bad = Object.entries(results).flatMap(([k, rs]) =>
      rs.filter((r) => r.non2xx + r.errors > 0).map(() => k),
    );
    if (bad.length > 0) throw new Error(`non-2xx answers or socket errors during: ${bad.join(', ')}`);
    const ratio = (t: Target, f: (r: WrkResult) => number) =>
      Number(median(results[t].map((r, i) => f(r) / f(results.direct[i] as WrkResult))).toFixed(3));
    const summary = {
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
      command: 'npm run bench:strategies',
      rounds: ROUNDS,
      secondsPerRun: SECONDS,
      connections: CONNECTIONS,
      upstream: '50 ms to first token, 20 tokens 1 ms apart, non-streaming',
      reqPerSec: Object.fromEntries(
        (['direct', 'passthrough', 'nginx'] as const).map((t) => [
          t,
          Math.round(median(results[t].map((r) => r.requestsPerSec))),
        ]),
      ),
      p50Ms: Object.fromEntries(
        (['direct', 'passthrough', 'nginx'] as const).map((t) => [t, median(results[t].map((r) => r.p50Ms))]),
      ),
      p99Ms: Object.fromEntries(
        (['direct', 'passthrough', 'nginx'] as const).map((t) => [t, median(results[t].map((r) => r.p99Ms))]),
      ),
      throughputVsDirect: {
        passthrough: ratio('passthrough', (r) => r.requestsPerSec),
        nginx: ratio('nginx', (r) => r.requestsPerSec),
      },
      p50VsDirect: {
        passthrough: ratio('passthrough', (r) => r.p50Ms),
        nginx: ratio('nginx', (r) => r.p50Ms),
      },
      proxyCpuPerThousandReq: Number(
        median(results.passthrough.map((r) => (r.serverCpu / r.requestsPerSec) * 1000)).toFixed(3),
      ),
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/strategies.json'), `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`\n${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    for (const child of children.reverse()) child.kill('SIGTERM');
  }
}

await main();
