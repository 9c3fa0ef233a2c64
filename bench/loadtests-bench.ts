/**
 * Benchmark: the highest constant arrival rate our Go load engine keeps up with (no dropped
 * request, every answer ok, p99 start lateness <= 5 ms), non-streaming and SSE (20-token answers,
 * thinking off), beside bare `vegeta attack` in the same run; the engine's CPU per request at a
 * fixed rate; and its RSS over a soak. The mock runs alone on core 0 (taskset -c 0); the
 * generators take core 1 (taskset -c 1), one at a time, alternating probe by probe (A B A B).
 * Everything on 127.0.0.1. See /work/shared/benchmarking.md for the rules.
 *
 *   npm run bench:loadtests                      full run (~10-15 min)
 *   npm run bench:loadtests -- --quick           short probes, 1 round, 30 s soak (a smoke test)
 *
 * Settings: each as an argument (`--rounds=5`) or in the environment (BENCH_ROUNDS=5); arguments win.
 *   --rounds         rounds after the warm-up (default 3, quick 1)
 *   --seconds        length of a probe in s (default 5, quick 3)
 *   --rates          rates stepped through, comma-separated (default 1000,...,6000,8000,...,16000)
 *   --sse-rates      the same for SSE (default: --rates)
 *   --kinds          json,sse (default both); none: the trace part alone
 *   --cpu-rate       fixed rate of the CPU-per-request probes (default 2000; 0 skips them)
 *   --soak-rate      rate of the engine's soak (default 2000)
 *   --soak-seconds   length of the soak (default 300, quick 30; 0 skips it)
 *   --soak-sample    RSS sample interval in s (default 5, quick 2)
 *   --warmup-seconds length of each uncounted warm-up probe (default --seconds)
 *   --engine-results 1: the engine writes its per-request results file, as vegeta writes its own (default 1)
 *   --trace-rate     the Azure conversation trace replayed at this mean rate (default 5000)
 *   --trace-seconds  length of the looped trace replay whose RSS is watched (default 300, quick 30; 0 skips the trace part)
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MOCK_NODE_FLAGS } from '../common/mock-node-flags.js';
import { packageRoot } from '../common/paths.js';
import { DEFAULT_SLA } from '../common/sla/sla.js';
import { DEFAULT_MIX, type Mix, type Plan, type TraceSpec } from '../loadtests/plan.js';
import { buildProfile } from '../loadtests/profiles.js';
import { type TraceInfo, traceProfile } from '../loadtests/trace-plan.js';
import { engineBinary } from '../runner/src/engine-binary.js';
import { median } from './pinned.js';
import { jsonTargets, VEGETA_MODULE, vegetaBinary, vegetaReport } from './vegeta.js';

const run = promisify(execFile);
const ROOT = packageRoot();

// ---- settings ---------------------------------------------------------------------------------

const ARGS = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i] as string;
  if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}" (settings look like --rounds=3)`);
  const eq = a.indexOf('=');
  if (eq > 0) ARGS.set(a.slice(2, eq), a.slice(eq + 1));
  else if (a === '--quick') ARGS.set('quick', '1');
  else ARGS.set(a.slice(2), process.argv[++i] ?? '');
}
const QUICK = (ARGS.get('quick') ?? process.env.BENCH_QUICK ?? '') === '1';
const setting = (name: string, normal: string, quick = normal): string =>
  ARGS.get(name) ??
  process.env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`] ??
  (QUICK ? quick : normal);
const num = (name: string, normal: number, quick = normal): number => {
  const v = Number(setting(name, String(normal), String(quick)));
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0`);
  return v;
};
const rateList = (name: string, normal: string, quick = normal): number[] => {
  const rates = setting(name, normal, quick)
    .split(',')
    .filter((r) => r.trim() !== '')
    .map(Number);
  if (rates.length === 0 || rates.some((r) => !(r > 0) || !Number.isInteger(r)))
    throw new Error(`--${name} must be whole rates > 0, comma-separated`);
  return [...new Set(rates)].sort((a, b) => a - b);
};

const DEFAULT_RATES = '1000,2000,3000,4000,5000,6000,8000,10000,12000,14000,16000';
const ROUNDS = Math.max(1, Math.floor(num('rounds', 3, 1)));
const SECONDS = Math.max(1, Math.floor(num('seconds', 5, 3)));
const RATES = {
  json: rateList('rates', DEFAULT_RATES, '1000,2000'),
  sse: rateList('sse-rates', setting('rates', DEFAULT_RATES, '1000,2000')),
};
const KINDS_SETTING = setting('kinds', 'json,sse');
const KINDS = KINDS_SETTING.split(',').filter((k): k is Kind => k === 'json' || k === 'sse');
// none: only the trace part (below), without the ceilings, CPU probes and soak beside vegeta.
if (KINDS.length === 0 && KINDS_SETTING !== 'none')
  throw new Error('--kinds must name json, sse, both, or none (the trace part alone)');
const CPU_RATE = Math.floor(num('cpu-rate', 2000));
const SOAK_RATE = Math.floor(num('soak-rate', 2000));
const SOAK_SECONDS = Math.floor(num('soak-seconds', 300, 30));
const SOAK_SAMPLE_S = Math.max(0.5, num('soak-sample', 5, 2));
const WARMUP_SECONDS = Math.max(1, Math.floor(num('warmup-seconds', SECONDS)));
const ENGINE_RESULTS = setting('engine-results', '1') === '1';
const TRACE_RATE = Math.floor(num('trace-rate', 5000));
const TRACE_SECONDS = Math.floor(num('trace-seconds', 300, 30));
/** The public trace replayed (../shared/traces/README.md): 19 366 rows over 58 minutes. */
const AZURE_TRACE = join(ROOT, '..', 'shared', 'traces', 'azure-conv-2023.csv');
/** Requests in flight at most, for both generators (the engine's own default for a plan). */
const maxInFlight = (rate: number) => Math.max(1000, Math.ceil(rate * 2));
const REQUEST_TIMEOUT_S = 10;
const LATE_P99_MS = 5;
/** Other programs using more than this share of a core during a probe disturb it. */
const DISTURBED = 0.1;

type Kind = 'json' | 'sse';
type Generator = 'engine' | 'vegeta';
const GENERATORS: readonly Generator[] = ['engine', 'vegeta'];

// ---- children: every one is killed at the end, also on exceptions and signals -----------------

const children = new Set<ChildProcess>();
/** Temporary directories, removed at the end whatever happens. */
const temporary: string[] = [];

function own(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function killAll(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
function cleanUp(): void {
  killAll();
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    process.stdout.write(`\n${signal}: stopping the generators and the mock\n`);
    process.exit(130); // runs cleanUp
  });

// ---- /proc --------------------------------------------------------------------------------------

const CLOCK_TICKS = 100;

interface ProcSample {
  /** Seconds since the process was started. */
  readonly t: number;
  /** User + system CPU seconds so far. */
  readonly cpu: number;
  readonly rssKb: number;
  /** Open file descriptors: the generator's connections, mostly (each one's buffers and goroutines are RSS). */
  readonly fds: number;
  /**
   * CPU seconds so far of everything else: the whole machine's busy time minus the generator's,
   * the mock's and this process's. Another program running beside the bench shows here.
   */
  readonly othersCpu: number;
  /** The mock's CPU seconds so far. */
  readonly mockCpu: number;
}

/** User + system CPU seconds a process has used so far (NaN once it is gone). */
function processCpu(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of the stat line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores; idle and iowait left out). */
function machineBusy(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/** How many file descriptors a process has open (NaN once it is gone). */
function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** The mock's pid, once it runs: its CPU is not "others". */
let mockPid: number | undefined;

function procSample(pid: number, t: number): ProcSample | null {
  try {
    const cpu = processCpu(pid);
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (!Number.isFinite(cpu) || !rss) return null;
    const self = process.cpuUsage();
    const mock = mockPid === undefined ? 0 : processCpu(mockPid);
    const othersCpu = machineBusy() - cpu - mock - (self.user + self.system) / 1e6;
    return { t, cpu, rssKb: Number(rss[1]), fds: openFds(pid), othersCpu, mockCpu: mock };
  } catch {
    return null; // exited (or a zombie without a status line)
  }
}

/** Cores the rest of the machine (or the mock) used between the first and the last sample. */
function othersOver(samples: readonly ProcSample[], of: 'othersCpu' | 'mockCpu' = 'othersCpu'): number {
  const a = samples.find((x) => x.t > 0.2) ?? samples[0];
  const b = samples.at(-1);
  return a && b && b.t > a.t ? Math.max(0, (b[of] - a[of]) / (b.t - a.t)) : Number.NaN;
}

/**
 * Runs a command pinned to core 1 (`taskset` execs it, so the pid is the generator's own), samples
 * its CPU and RSS every `sampleMs`, and kills it after `limitS`. Resolves with its exit code.
 */
function runPinned(
  bin: string,
  args: readonly string[],
  limitS: number,
  sampleMs: number,
  onSample?: (s: ProcSample) => void,
): Promise<{ code: number | null; samples: ProcSample[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = own(spawn('taskset', ['-c', '1', bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] }));
    const t0 = performance.now();
    const samples: ProcSample[] = [];
    let stderr = '';
    child.stderr?.on('data', (d) => {
      if (stderr.length < 20_000) stderr += d;
    });
    const sample = () => {
      const s = child.pid === undefined ? null : procSample(child.pid, (performance.now() - t0) / 1000);
      if (s) {
        samples.push(s);
        onSample?.(s);
      }
    };
    sample();
    const poll = setInterval(sample, sampleMs);
    const limit = setTimeout(() => {
      stderr += `\n(killed after ${limitS} s)`;
      child.kill('SIGKILL');
    }, limitS * 1000);
    child.once('error', (err) => {
      clearInterval(poll);
      clearTimeout(limit);
      reject(err);
    });
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(limit);
      resolve({ code, samples, stderr });
    });
  });
}

/** CPU seconds per second (cores) and per request over the steady part of a probe: from 1 s in to its end. */
function cpuOver(
  samples: readonly ProcSample[],
  rate: number,
  seconds: number,
): { cores: number; usPerReq: number } {
  const inside = samples.filter((s) => s.t >= Math.min(1, seconds / 4) && s.t <= seconds);
  const [a, b] = inside.length >= 2 ? [inside[0], inside.at(-1)] : [samples[0], samples.at(-1)];
  if (!a || !b || b.t - a.t <= 0) return { cores: Number.NaN, usPerReq: Number.NaN };
  const cores = (b.cpu - a.cpu) / (b.t - a.t);
  return { cores, usPerReq: (cores / rate) * 1e6 };
}

// ---- the mock -----------------------------------------------------------------------------------

/** The mock alone on core 0: answers at once (no TTFT, no gaps), 20 tokens, limits out of the way. */
async function startMock(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const config = join(dir, 'mock.json');
  writeFileSync(
    config,
    JSON.stringify({
      server: { logLevel: 'error' },
      // A balance no run spends: 300 s of the trace at 3 000 req/s bills about 150 USD of prompts.
      accounts: [{ id: 'default', keys: ['sk-busybench'], balance: 1_000_000, concurrencyLimit: 1_000_000 }],
      behaviour: {
        latency: {
          ttft: { type: 'fixed', ms: 0 },
          interToken: { type: 'fixed', ms: 0 },
          prefill: { msPerToken: 0 },
        },
        capacity: { maxInFlight: 1_000_000 },
        output: { minTokens: 20, maxTokens: 20, reasoningTokens: 0 },
      },
      metrics: { enabled: false },
    }),
  );
  const child = own(
    spawn(
      'taskset',
      [
        '-c',
        '0',
        process.execPath,
        ...MOCK_NODE_FLAGS,
        join(ROOT, 'bin/busybench.js'),
        'mock',
        '-c',
        config,
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const limit = setTimeout(() => reject(new Error(`the mock did not start in 30 s: ${out}`)), 30_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(limit);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(limit);
      reject(new Error(`the mock exited with ${code}: ${out}`));
    });
  });
  child.stdout?.resume();
  return { child, port };
}

// ---- probes -------------------------------------------------------------------------------------

interface Probe {
  readonly generator: Generator;
  readonly kind: Kind;
  readonly rate: number;
  readonly keepsUp: boolean;
  /** Why not, when it did not. */
  readonly why: string;
  readonly requests: number;
  readonly achieved: number;
  readonly dropped: number | null;
  readonly lateP99Ms: number | null;
  readonly success: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly cores: number;
  readonly usPerReq: number;
  readonly maxRssMb: number;
  /** Cores used by other programs during the probe (> 0.1: the probe was disturbed). */
  readonly othersCores: number;
  /** Cores the mock used during the probe (near 1: the mock, not the generator, was the limit). */
  readonly mockCores: number;
}

interface Setup {
  readonly dir: string;
  readonly target: string;
  readonly engine: string;
  readonly vegeta: string;
  readonly targets: Record<Kind, string>;
}

const BENCH_MIX = (kind: Kind): Mix => ({
  ...DEFAULT_MIX,
  streamRatio: kind === 'sse' ? 1 : 0,
  models: { 'deepseek-v4-flash': 1 },
  // 5 characters: one five-letter word, each request its own (vegeta sends one word for all).
  promptChars: [5],
  maxTokens: 20,
  keys: ['sk-busybench'],
  // No request thinks, stated rather than left to the default, so token counts stay comparable.
  thinking: 0,
});

/**
 * The body the engine sends for BENCH_MIX (loadtests/engine/internal/attack/requests.go), for
 * vegeta: the same fields and size, one word that is the same in every request (the engine draws
 * each request's word, building its body as it sends it: part of its cost per request).
 */
const vegetaBody = (kind: Kind) => ({
  model: 'deepseek-v4-flash',
  messages: [{ role: 'user', content: 'abcde ' }],
  max_tokens: 20,
  stream: kind === 'sse',
  ...(kind === 'sse' ? { stream_options: { include_usage: true } } : {}),
  thinking: { type: 'disabled' },
});

function enginePlan(target: string, kind: Kind, rate: number, seconds: number, soak = false): Plan {
  return {
    version: 1,
    target,
    allowRemote: false,
    profile: buildProfile({
      name: soak ? 'soak' : 'smoke',
      rates: [rate],
      stepSeconds: seconds,
      rampSeconds: 0,
    }),
    mix: BENCH_MIX(kind),
    // The verdict is the bench's own (below); the SLA only sets the engine's exit code.
    sla: DEFAULT_SLA,
    maxInFlight: maxInFlight(rate),
    timeoutMs: REQUEST_TIMEOUT_S * 1000,
    retries: 0,
    retryBaseMs: 100,
    seed: 1,
  };
}

interface StepFigures {
  scheduled: number;
  requests: number;
  dropped: number;
  late: number;
  cancelled: number;
  lateP99Ms: number;
  achievedRate: number;
  successRate: number | null;
  errors: Record<string, number>;
  p50Ms: number | null;
  p99Ms: number | null;
}

async function engineRun(
  s: Setup,
  kind: Kind,
  rate: number,
  seconds: number,
  sampleMs: number,
  soak = false,
  onSample?: (p: ProcSample) => void,
  plan: Plan = enginePlan(s.target, kind, rate, seconds, soak),
): Promise<{ step: StepFigures | null; steps: StepFigures[]; samples: ProcSample[]; problem: string }> {
  const id = `engine-${kind}-${rate}-${Date.now()}`;
  const planFile = join(s.dir, `${id}.plan.json`);
  const summaryFile = join(s.dir, `${id}.summary.json`);
  const resultsFile = join(s.dir, `${id}.results.jsonl`);
  writeFileSync(planFile, JSON.stringify(plan));
  const args = ['--plan', planFile, '--summary', summaryFile, '--quiet'];
  if (ENGINE_RESULTS) args.push('--results', resultsFile);
  const limit = seconds + REQUEST_TIMEOUT_S + 30;
  const ran = await runPinned(s.engine, args, limit, sampleMs, onSample);
  let step: StepFigures | null = null;
  let steps: StepFigures[] = [];
  let problem = '';
  try {
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { steps: StepFigures[] };
    steps = summary.steps;
    step = summary.steps[0] ?? null;
  } catch {
    problem = `no summary (exit ${ran.code}): ${ran.stderr.trim().slice(-300)}`;
  }
  if (ran.code !== 0 && ran.code !== 99 && !problem)
    problem = `exit ${ran.code}: ${ran.stderr.trim().slice(-300)}`;
  for (const f of [planFile, summaryFile, resultsFile]) rmSync(f, { force: true });
  return { step, steps, samples: ran.samples, problem };
}

async function engineProbe(s: Setup, kind: Kind, rate: number, seconds: number): Promise<Probe> {
  const { step, samples, problem } = await engineRun(s, kind, rate, seconds, 250);
  const cpu = cpuOver(samples, rate, seconds);
  const maxRssMb = Math.max(0, ...samples.map((x) => x.rssKb)) / 1024;
  const f = step;
  const why: string[] = [];
  if (problem) why.push(problem);
  if (f) {
    if (f.dropped > 0) why.push(`${f.dropped} dropped`);
    if (f.cancelled > 0) why.push(`${f.cancelled} cancelled`);
    if (f.requests + f.dropped + f.cancelled < f.scheduled) why.push(`${f.requests}/${f.scheduled} sent`);
    if (f.successRate !== 1) {
      const errs = Object.entries(f.errors).map(([c, n]) => `${c} ${n}`);
      why.push(
        `success ${((f.successRate ?? 0) * 100).toFixed(2)} %${errs.length ? ` (${errs.join(', ')})` : ''}`,
      );
    }
    if (f.lateP99Ms > LATE_P99_MS) why.push(`late p99 ${f.lateP99Ms.toFixed(1)} ms`);
    if (f.achievedRate < rate * 0.99) why.push(`achieved ${f.achievedRate.toFixed(0)}/s`);
  }
  return {
    generator: 'engine',
    kind,
    rate,
    keepsUp: f !== null && why.length === 0,
    why: why.join('; '),
    requests: f?.requests ?? 0,
    achieved: f?.achievedRate ?? 0,
    dropped: f?.dropped ?? null,
    lateP99Ms: f?.lateP99Ms ?? null,
    success: f?.successRate ?? 0,
    p50Ms: f?.p50Ms ?? null,
    p99Ms: f?.p99Ms ?? null,
    ...cpu,
    maxRssMb,
    othersCores: othersOver(samples),
    mockCores: othersOver(samples, 'mockCpu'),
  };
}

async function vegetaProbe(s: Setup, kind: Kind, rate: number, seconds: number): Promise<Probe> {
  const out = join(s.dir, `vegeta-${kind}-${rate}-${Date.now()}.bin`);
  const args = [
    'attack',
    '-format=json',
    `-targets=${s.targets[kind]}`,
    `-rate=${rate}/1s`,
    `-duration=${seconds}s`,
    `-max-workers=${maxInFlight(rate)}`,
    `-timeout=${REQUEST_TIMEOUT_S}s`,
    // Bodies read whole but not kept in the results (the engine keeps none either): otherwise
    // vegeta writes every 20-token SSE body to its results file.
    '-max-body=0',
    `-output=${out}`,
  ];
  const ran = await runPinned(s.vegeta, args, seconds + REQUEST_TIMEOUT_S + 30, 250);
  const cpu = cpuOver(ran.samples, rate, seconds);
  const maxRssMb = Math.max(0, ...ran.samples.map((x) => x.rssKb)) / 1024;
  const why: string[] = [];
  let r: Awaited<ReturnType<typeof vegetaReport>> | null = null;
  if (ran.code !== 0) why.push(`exit ${ran.code}: ${ran.stderr.trim().slice(-300)}`);
  try {
    r = await vegetaReport(s.vegeta, out);
  } catch (err) {
    why.push(`no report: ${(err as Error).message.slice(0, 300)}`);
  }
  rmSync(out, { force: true });
  if (r) {
    // vegeta stops at the duration: the hits it has not sent by then are those it was behind
    // schedule. Up to LATE_P99_MS of arrivals short (and one for the boundary) is on time.
    const short = rate * seconds - r.requests;
    if (short > Math.max(1, Math.floor((rate * LATE_P99_MS) / 1000)))
      why.push(
        `${r.requests}/${rate * seconds} sent (${((short / rate) * 1000).toFixed(1)} ms behind at the end)`,
      );
    if (r.success !== 1) {
      const codes = Object.entries(r.status_codes).map(([c, n]) => `${c}: ${n}`);
      const errs = [...new Set(r.errors ?? [])].slice(0, 2);
      why.push(`success ${(r.success * 100).toFixed(2)} % (${[...codes, ...errs].join(', ')})`);
    }
    if (r.rate < rate * 0.99) why.push(`send rate ${r.rate.toFixed(0)}/s`);
    if (r.throughput < rate * 0.97) why.push(`throughput ${r.throughput.toFixed(0)}/s`);
  }
  return {
    generator: 'vegeta',
    kind,
    rate,
    keepsUp: r !== null && why.length === 0,
    why: why.join('; '),
    requests: r?.requests ?? 0,
    achieved: r?.rate ?? 0,
    dropped: null,
    lateP99Ms: null,
    success: r?.success ?? 0,
    p50Ms: r ? r.latencies['50th'] / 1e6 : null,
    p99Ms: r ? r.latencies['99th'] / 1e6 : null,
    ...cpu,
    maxRssMb,
    othersCores: othersOver(ran.samples),
    mockCores: othersOver(ran.samples, 'mockCpu'),
  };
}

const fmt = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));

function logProbe(label: string, p: Probe): void {
  const late = p.generator === 'engine' ? ` late p99 ${fmt(p.lateP99Ms)} ms,` : '';
  process.stdout.write(
    `${label.padEnd(10)} ${p.generator.padEnd(6)} ${p.kind.padEnd(4)} ${String(p.rate).padStart(6)}/s: ` +
      `${p.keepsUp ? 'keeps up  ' : 'falls back'} sent ${p.requests}, achieved ${p.achieved.toFixed(0)}/s,${late} ` +
      `p50 ${fmt(p.p50Ms)} p99 ${fmt(p.p99Ms)} ms, cpu ${fmt(p.cores * 100, 0)} % ${fmt(p.usPerReq, 0)} us/req, ` +
      `rss ${p.maxRssMb.toFixed(0)} MB, mock cpu ${fmt(p.mockCores * 100, 0)} %, others ${fmt(p.othersCores * 100, 0)} %` +
      `${p.othersCores > DISTURBED ? ' (DISTURBED)' : ''}${p.keepsUp ? '' : ` -- ${p.why}`}\n`,
  );
}

async function probe(s: Setup, g: Generator, kind: Kind, rate: number, seconds: number, label: string) {
  const p =
    g === 'engine' ? await engineProbe(s, kind, rate, seconds) : await vegetaProbe(s, kind, rate, seconds);
  logProbe(label, p);
  // Let the mock finish what is under way and connections close before the next probe.
  await new Promise((r) => setTimeout(r, 500));
  return p;
}

interface Ceiling {
  /** The highest rate kept up with (0: not even the lowest). */
  readonly rate: number;
  /** It kept up with the highest rate tried: the ceiling is at least this. */
  readonly atTop: boolean;
  /** The probe above the ceiling, and why it fell back. */
  readonly stoppedBy: string;
}

/**
 * One round's ceilings for a kind: the generators step up the rates together, alternating probe
 * by probe, each until its first fall-back. Later rounds start one rate below the lower of the
 * medians so far; a generator that falls back at the start steps down instead.
 */
async function ladder(
  s: Setup,
  kind: Kind,
  round: number,
  previous: Record<Generator, number[]>,
  log: Probe[],
): Promise<Record<Generator, Ceiling>> {
  const rates = RATES[kind];
  const indexOf = (rate: number) => Math.max(0, rates.filter((r) => r <= rate).length - 1);
  const start =
    previous.engine.length > 0 && previous.vegeta.length > 0
      ? Math.max(0, Math.min(indexOf(median(previous.engine)), indexOf(median(previous.vegeta))) - 1)
      : 0;
  const ceiling: Record<Generator, number> = { engine: 0, vegeta: 0 };
  const stoppedBy: Record<Generator, string> = { engine: '', vegeta: '' };
  const stop = (p: Probe) => {
    if (p.rate > ceiling[p.generator] && (stoppedBy[p.generator] === '' || goDown.has(p.generator)))
      stoppedBy[p.generator] = `${p.rate}/s: ${p.why} (mock cpu ${fmt(p.mockCores * 100, 0)} %)`;
  };
  const active = new Set<Generator>(GENERATORS);
  const goDown = new Set<Generator>();
  const label = `round ${round}`;
  for (let i = start; i < rates.length && active.size > 0; i++) {
    for (const g of GENERATORS) {
      if (!active.has(g)) continue;
      const p = await probe(s, g, kind, rates[i] as number, SECONDS, label);
      log.push(p);
      if (p.keepsUp) ceiling[g] = p.rate;
      else {
        stop(p);
        active.delete(g);
        if (i === start && start > 0) goDown.add(g);
      }
    }
  }
  for (let i = start - 1; i >= 0 && goDown.size > 0; i--) {
    for (const g of GENERATORS) {
      if (!goDown.has(g)) continue;
      const p = await probe(s, g, kind, rates[i] as number, SECONDS, label);
      log.push(p);
      if (p.keepsUp) {
        ceiling[g] = p.rate;
        goDown.delete(g);
      } else stop(p);
    }
  }
  const top = rates.at(-1) as number;
  return {
    engine: { rate: ceiling.engine, atTop: ceiling.engine === top, stoppedBy: stoppedBy.engine },
    vegeta: { rate: ceiling.vegeta, atTop: ceiling.vegeta === top, stoppedBy: stoppedBy.vegeta },
  };
}

// ---- the soak -----------------------------------------------------------------------------------

interface Soak {
  readonly rssAtRefMb: number;
  readonly refSeconds: number;
  readonly rssEndMb: number;
  readonly endSeconds: number;
  readonly growthPct: number;
  readonly step: StepFigures | null;
  readonly problem: string;
  readonly othersCores: number;
}

async function soak(s: Setup): Promise<Soak> {
  // Minute 1 of a 5-minute soak; a fifth of a shorter one.
  const refSeconds = Math.min(60, SOAK_SECONDS / 5);
  const samples: ProcSample[] = [];
  const every = Math.max(SOAK_SAMPLE_S, Math.min(30, SOAK_SECONDS / 5));
  let next = 0;
  const ran = await engineRun(s, 'json', SOAK_RATE, SOAK_SECONDS, SOAK_SAMPLE_S * 1000, true, (p) => {
    samples.push(p);
    if (p.t >= next) {
      process.stdout.write(`soak ${p.t.toFixed(0).padStart(4)} s: rss ${(p.rssKb / 1024).toFixed(1)} MB\n`);
      next = (Math.floor(p.t / every) + 1) * every;
    }
  });
  // The last sample inside the schedule (after it, the engine drains and writes its summary).
  const during = samples.filter((p) => p.t <= SOAK_SECONDS);
  const ref = during.find((p) => p.t >= refSeconds) ?? during.at(-1);
  const end = during.at(-1);
  const rssAtRefMb = (ref?.rssKb ?? Number.NaN) / 1024;
  const rssEndMb = (end?.rssKb ?? Number.NaN) / 1024;
  return {
    rssAtRefMb,
    refSeconds: ref?.t ?? Number.NaN,
    rssEndMb,
    endSeconds: end?.t ?? Number.NaN,
    growthPct: ((rssEndMb - rssAtRefMb) / rssAtRefMb) * 100,
    step: ran.step,
    problem: ran.problem,
    othersCores: othersOver(during),
  };
}

// ---- the trace ----------------------------------------------------------------------------------

/**
 * The Azure trace at a mean `rate`, replayed `loops` times back to back: the bench mix's
 * non-streaming requests at the trace's arrivals and prompt sizes (1 150 tokens on average,
 * answers at the mock's 20 tokens), each body built as it is sent.
 */
async function tracePlan(s: Setup, rate: number, loops: number): Promise<Plan> {
  const spec: TraceSpec = { file: AZURE_TRACE, meanRate: rate, loops };
  const { stdout } = await run(s.engine, ['--trace-info', JSON.stringify(spec)], { maxBuffer: 16 << 20 });
  const info = JSON.parse(stdout) as TraceInfo;
  const base = enginePlan(s.target, 'json', rate, info.durationMs / 1000);
  return { ...base, profile: traceProfile(info), trace: spec, maxInFlight: maxInFlight(rate) };
}

/** The whole trace once at `rate` lasts 19 366 / rate s: loops to cover `seconds`. */
const loopsFor = (rate: number, seconds: number) => Math.max(1, Math.ceil((seconds * rate) / 19_366));

interface TraceProbe {
  readonly seconds: number;
  readonly requests: number;
  readonly dropped: number;
  readonly lateP99Ms: number;
  /** Each window's late p99, ms: where in the trace the engine fell behind. */
  readonly windowsLate: readonly number[];
  readonly success: number;
  readonly usPerReq: number;
  readonly problem: string;
}

/** Figures of a trace run from its windows: the worst window's late p99, requests and drops summed. */
function traceFigures(ran: Awaited<ReturnType<typeof engineRun>>, rate: number, seconds: number): TraceProbe {
  const requests = ran.steps.reduce((n, f) => n + f.requests, 0);
  const ok = ran.steps.reduce((n, f) => n + (f.successRate ?? 0) * f.requests, 0);
  return {
    seconds,
    requests,
    dropped: ran.steps.reduce((n, f) => n + f.dropped, 0),
    lateP99Ms: Math.max(0, ...ran.steps.map((f) => f.lateP99Ms)),
    windowsLate: ran.steps.map((f) => f.lateP99Ms),
    success: requests > 0 ? ok / requests : 0,
    usPerReq: cpuOver(ran.samples, rate, seconds).usPerReq,
    problem: ran.problem,
  };
}

interface TraceBench {
  /** Per round: the trace's CPU per request, and the profile's (the same rate, evenly spaced, short prompts). */
  readonly rounds: ReadonlyArray<{ trace: TraceProbe; profile: Probe }>;
  readonly soak: {
    readonly probe: TraceProbe;
    readonly rssAt60Mb: number;
    readonly rssEndMb: number;
    /** Open sockets (file descriptors) at the same two samples. */
    readonly fdsAt60: number;
    readonly fdsEnd: number;
    readonly endS: number;
  } | null;
}

async function traceBench(s: Setup): Promise<TraceBench> {
  const rounds: Array<{ trace: TraceProbe; profile: Probe }> = [];
  const loops = loopsFor(TRACE_RATE, SECONDS);
  // One uncounted probe at the trace's rate: the mock's JIT warm for long prompts too.
  await engineRun(
    s,
    'json',
    TRACE_RATE,
    WARMUP_SECONDS,
    250,
    false,
    undefined,
    await tracePlan(s, TRACE_RATE, 1),
  );
  for (let round = 1; round <= ROUNDS; round++) {
    // A B, round after round: the trace, then the profile for as long at the same mean rate.
    const plan = await tracePlan(s, TRACE_RATE, loops);
    const seconds = plan.profile.steps.at(-1)?.endMs ?? 0;
    const ran = await engineRun(s, 'json', TRACE_RATE, seconds / 1000, 250, false, undefined, plan);
    const trace = traceFigures(ran, TRACE_RATE, seconds / 1000);
    const profile = await engineProbe(s, 'json', TRACE_RATE, Math.round(seconds / 1000));
    process.stdout.write(
      `trace round ${round}: trace ${trace.requests} req, ${trace.dropped} dropped, success ${fmt(trace.success * 100, 2)} %, ` +
        `late p99 ${fmt(trace.lateP99Ms)} ms (windows ${trace.windowsLate.map((x) => fmt(x)).join(' ')}), ${fmt(trace.usPerReq, 0)} µs/req; ` +
        `profile ${fmt(profile.usPerReq, 0)} µs/req${trace.problem ? ` (${trace.problem})` : ''}\n`,
    );
    rounds.push({ trace, profile });
  }
  if (TRACE_SECONDS <= 0) return { rounds, soak: null };
  const plan = await tracePlan(s, TRACE_RATE, loopsFor(TRACE_RATE, TRACE_SECONDS));
  const seconds = (plan.profile.steps.at(-1)?.endMs ?? 0) / 1000;
  const samples: ProcSample[] = [];
  let last: ProcSample | undefined;
  const ran = await engineRun(
    s,
    'json',
    TRACE_RATE,
    seconds,
    SOAK_SAMPLE_S * 1000,
    true,
    (p) => {
      samples.push(p);
      // RSS beside the open sockets and the mock's CPU: memory that follows the connections
      // (opened while the mock fell behind) is not a leak.
      const mockCores = last ? (p.mockCpu - last.mockCpu) / (p.t - last.t) : Number.NaN;
      process.stdout.write(
        `trace soak ${p.t.toFixed(0).padStart(4)} s: rss ${(p.rssKb / 1024).toFixed(1)} MB, ${p.fds} fds, mock ${fmt(mockCores * 100, 0)} % cpu\n`,
      );
      last = p;
    },
    plan,
  );
  const during = samples.filter((p) => p.t <= seconds);
  const at60 = during.find((p) => p.t >= Math.min(60, seconds / 5)) ?? during.at(-1);
  const end = during.at(-1);
  return {
    rounds,
    soak: {
      probe: traceFigures(ran, TRACE_RATE, seconds),
      rssAt60Mb: (at60?.rssKb ?? Number.NaN) / 1024,
      rssEndMb: (end?.rssKb ?? Number.NaN) / 1024,
      fdsAt60: at60?.fds ?? Number.NaN,
      fdsEnd: end?.fds ?? Number.NaN,
      endS: end?.t ?? Number.NaN,
    },
  };
}

// ---- the report ---------------------------------------------------------------------------------

async function machine(): Promise<Record<string, string>> {
  const version = async (bin: string, args: string[]) =>
    (await run(bin, args, { timeout: 10_000 }).catch(() => ({ stdout: '?' }))).stdout.trim();
  const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?';
  return {
    nproc: await version('nproc', []),
    cpu: cpuModel.trim(),
    node: process.version,
    go: (await version(existsGo(), ['version'])).replace(/^go version /, ''),
  };
}
const existsGo = () => (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');

const spread = (xs: number[], digits = 0) =>
  xs.length === 0
    ? '-'
    : `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
const atLeast = (cs: readonly Ceiling[]) => (cs.some((c) => c.atTop) ? ' (≥: kept up at the top rate)' : '');
const yes = (ok: boolean) => (ok ? 'met' : '**not met**');

/** Cores other programs use right now, over two seconds (the load average lags by a minute). */
async function othersNow(): Promise<number> {
  const at = () => machineBusy() - (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  const before = at();
  await new Promise((r) => setTimeout(r, 2000));
  return (at() - before) / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'busybench-loadbench-'));
  temporary.push(dir);
  try {
    const engine = engineBinary();
    const vegeta = vegetaBinary(ROOT);
    const info = await machine();
    const idle = await othersNow();
    if (Number(info.nproc) < 2) throw new Error('the bench needs two cores (taskset -c 0 and -c 1)');
    process.stdout.write(
      `busybench load engine vs vegeta: ${ROUNDS} round(s) of ${SECONDS} s probes, kinds ${KINDS.join(',')}, ` +
        `rates json ${RATES.json.join(',')} sse ${RATES.sse.join(',')}; other programs at start ${(idle * 100).toFixed(0)} % of a core\n`,
    );
    if (idle > DISTURBED)
      process.stdout.write('warning: the machine is not idle: these figures are not comparable\n');
    const mock = await startMock(dir);
    mockPid = mock.child.pid;
    const target = `http://127.0.0.1:${mock.port}`;
    const url = `${target}/chat/completions`;
    const setup: Setup = {
      dir,
      target,
      engine,
      vegeta,
      targets: {
        json: jsonTargets(join(dir, 'json.targets'), url, vegetaBody('json')),
        sse: jsonTargets(join(dir, 'sse.targets'), url, vegetaBody('sse')),
      },
    };

    // One uncounted warm-up: the mock's JIT, the page cache, the loopback.
    const warmRate = Math.min(...RATES.json, 2000);
    for (const kind of KINDS)
      for (const g of GENERATORS) await probe(setup, g, kind, warmRate, WARMUP_SECONDS, 'warm-up');

    const ceilings: Record<Kind, Record<Generator, Ceiling[]>> = {
      json: { engine: [], vegeta: [] },
      sse: { engine: [], vegeta: [] },
    };
    const cpu: Record<Kind, Record<Generator, Probe[]>> = {
      json: { engine: [], vegeta: [] },
      sse: { engine: [], vegeta: [] },
    };
    const probes: Probe[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of KINDS) {
        const previous = {
          engine: ceilings[kind].engine.map((c) => c.rate),
          vegeta: ceilings[kind].vegeta.map((c) => c.rate),
        };
        const c = await ladder(setup, kind, round, previous, probes);
        ceilings[kind].engine.push(c.engine);
        ceilings[kind].vegeta.push(c.vegeta);
        const ratio = c.vegeta.rate > 0 ? (c.engine.rate / c.vegeta.rate).toFixed(2) : '-';
        process.stdout.write(
          `round ${round} ${kind}: engine ${c.engine.rate}/s, vegeta ${c.vegeta.rate}/s, engine/vegeta ${ratio}\n`,
        );
      }
      if (CPU_RATE > 0)
        for (const kind of KINDS)
          for (const g of GENERATORS) {
            const p = await probe(setup, g, kind, CPU_RATE, SECONDS, `cpu ${round}`);
            cpu[kind][g].push(p);
            probes.push(p);
          }
    }

    const soaked = SOAK_SECONDS > 0 && KINDS.length > 0 ? await soak(setup) : null;
    const traced = TRACE_RATE > 0 ? await traceBench(setup) : null;

    // ---- the table ----
    const lines: string[] = [];
    const say = (l = '') => lines.push(l);
    const argv = process.argv.slice(2).join(' ');
    say(`## Load engine vs bare vegeta (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
    say();
    say(`- Command: \`npm run bench:loadtests${argv ? ` -- ${argv}` : ''}\``);
    say(
      `- Machine: nproc ${info.nproc}, ${info.cpu}, Node ${info.node}, Go ${info.go}, vegeta ${VEGETA_MODULE}`,
    );
    say(
      `- Placement: the mock (Node, answers at once, 20 tokens, thinking off) alone on core 0 (taskset -c 0); ` +
        `the engine or vegeta on core 1 (taskset -c 1), one at a time; 127.0.0.1 only`,
    );
    say(
      `- Rounds: 1 uncounted warm-up, then ${ROUNDS} round(s); in each, for each kind, the engine and vegeta ` +
        `step the rates alternately (A B A B), ${SECONDS} s constant-rate probes; rates json ${RATES.json.join(', ')}; ` +
        `sse ${RATES.sse.join(', ')}; max(1000, 2 × rate) in flight at most for both`,
    );
    say(
      `- Keeps up: engine — nothing dropped or cancelled, every answer ok, p99 start lateness ≤ ${LATE_P99_MS} ms, ` +
        `achieved ≥ 99 % of the rate${ENGINE_RESULTS ? ' (per-request results written to a file)' : ''}; ` +
        `vegeta (no lateness figure) — rate × duration sent but for at most ${LATE_P99_MS} ms of arrivals (its pacer's lag when the duration ends), success 1, send rate ≥ 99 % and throughput ≥ 97 % of the rate` +
        ` (results written to a file with -max-body=0, reported after)`,
    );
    if (idle > DISTURBED)
      say(`- **Warning:** other programs used ${(idle * 100).toFixed(0)} % of a core at start: not idle`);
    const others = probes.map((p) => p.othersCores).filter(Number.isFinite);
    const disturbed = others.filter((o) => o > DISTURBED).length;
    say(
      `- Other programs during the probes (the machine's busy time minus the generator, the mock and the bench): ` +
        `median ${fmt(median(others) * 100, 0)} %, max ${fmt(Math.max(...others) * 100, 0)} % of a core; ` +
        `${disturbed} of ${others.length} probes above ${DISTURBED * 100} %${disturbed > 0 ? ' (**disturbed: not a figure**)' : ''}` +
        (soaked ? `; soak ${fmt(soaked.othersCores * 100, 0)} %` : ''),
    );
    say();
    say('| figure | engine | vegeta | engine ÷ vegeta: median (min–max) | goal | |');
    say('| --- | --- | --- | --- | --- | --- |');
    for (const kind of KINDS) {
      const e = ceilings[kind].engine;
      const v = ceilings[kind].vegeta;
      const ratios = e.map((c, i) => c.rate / ((v[i] as Ceiling).rate || Number.NaN)).filter(Number.isFinite);
      const floor = kind === 'json' ? 5000 : 3000;
      const topBelow = (RATES[kind].at(-1) as number) < floor;
      const ok = ratios.length > 0 && median(ratios) >= 0.8 && median(e.map((c) => c.rate)) >= floor;
      const unit = kind === 'json' ? 'req/s, non-streaming' : 'streams/s, SSE';
      say(
        `| ceiling, ${unit}: median (min–max) of ${e.length} | ${spread(e.map((c) => c.rate))}${atLeast(e)} | ` +
          `${spread(v.map((c) => c.rate))}${atLeast(v)} | ${spread(ratios, 2)} | ≥ 0.8 × vegeta and ≥ ${floor} | ${topBelow ? `untested (rates stop below ${floor})` : yes(ok)} |`,
      );
    }
    if (CPU_RATE > 0)
      for (const kind of KINDS) {
        const e = cpu[kind].engine.map((p) => p.usPerReq).filter(Number.isFinite);
        const v = cpu[kind].vegeta.map((p) => p.usPerReq).filter(Number.isFinite);
        const ratios = e.map((x, i) => x / (v[i] ?? Number.NaN)).filter(Number.isFinite);
        const cores = (ps: Probe[]) => median(ps.map((p) => p.cores * 100)).toFixed(0);
        say(
          `| CPU per request at ${CPU_RATE}/s ${kind}, µs (share of the core) | ${spread(e)} (${cores(cpu[kind].engine)} %) | ` +
            `${spread(v)} (${cores(cpu[kind].vegeta)} %) | ${spread(ratios, 2)} | — | |`,
        );
      }
    if (soaked) {
      const f = soaked.step;
      const clean = f !== null && f.dropped === 0 && f.lateP99Ms <= LATE_P99_MS && f.successRate === 1;
      say(
        `| engine RSS, soak at ${SOAK_RATE} req/s for ${SOAK_SECONDS} s: at ${fmt(soaked.refSeconds, 0)} s → at ` +
          `${fmt(soaked.endSeconds, 0)} s | ${fmt(soaked.rssAtRefMb)} → ${fmt(soaked.rssEndMb)} MB (${fmt(soaked.growthPct)} %) | — | — | ` +
          `≤ 10 % growth | ${yes(soaked.growthPct <= 10)} |`,
      );
      say(
        `| soak kept up (dropped, late p99, success; answer p99) | ${f ? `${f.dropped}, ${f.lateP99Ms.toFixed(1)} ms, ${((f.successRate ?? 0) * 100).toFixed(2)} %; ${fmt(f.p99Ms)} ms` : soaked.problem} | — | — | keeps up | ${yes(clean)} |`,
      );
    }
    if (traced) {
      const ratios = traced.rounds.map((r) => r.trace.usPerReq / r.profile.usPerReq).filter(Number.isFinite);
      const late = traced.rounds.map((r) => r.trace.lateP99Ms);
      say(
        `| the Azure trace at a mean ${TRACE_RATE} req/s: start lateness p99 (the worst window), ms, per round | ${spread(late, 1)} | — | — | ≤ ${LATE_P99_MS} ms | ${yes(late.every((x) => x <= LATE_P99_MS))} |`,
      );
      say(
        `| CPU per request, the trace ÷ the profile at ${TRACE_RATE}/s (evenly spaced, 5-token prompts), µs | ` +
          `${spread(traced.rounds.map((r) => r.trace.usPerReq))} ÷ ${spread(traced.rounds.map((r) => r.profile.usPerReq))} | — | ${spread(ratios, 2)} | ≤ 1.3 × | ${yes(ratios.length > 0 && median(ratios) <= 1.3)} |`,
      );
      if (traced.soak) {
        const t = traced.soak;
        const growth = ((t.rssEndMb - t.rssAt60Mb) / t.rssAt60Mb) * 100;
        say(
          `| engine RSS, the trace looped for ${fmt(t.probe.seconds, 0)} s at ${TRACE_RATE} req/s: at 60 s → at ${fmt(t.endS, 0)} s | ` +
            `${fmt(t.rssAt60Mb)} → ${fmt(t.rssEndMb)} MB (${fmt(growth)} %); open file descriptors ${t.fdsAt60} → ${t.fdsEnd} | — | — | ≤ 10 % growth | ${yes(growth <= 10)} |`,
        );
        say(
          `| the looped trace kept up (requests, dropped, late p99, success) | ${t.probe.requests}, ${t.probe.dropped}, ${fmt(t.probe.lateP99Ms)} ms, ${fmt(t.probe.success * 100, 2)} %${t.probe.problem ? ` (${t.probe.problem})` : ''} | — | — | keeps up | ${yes(t.probe.dropped === 0 && t.probe.lateP99Ms <= LATE_P99_MS && t.probe.success === 1)} |`,
        );
      }
    }
    say();
    say(
      '| round | kind | engine ceiling | vegeta ceiling | engine ÷ vegeta | engine stopped at | vegeta stopped at |',
    );
    say('| --- | --- | --- | --- | --- | --- | --- |');
    for (let r = 0; r < ROUNDS; r++)
      for (const kind of KINDS) {
        const e = ceilings[kind].engine[r] as Ceiling;
        const v = ceilings[kind].vegeta[r] as Ceiling;
        say(
          `| ${r + 1} | ${kind} | ${e.rate}${e.atTop ? ' (top)' : ''} | ${v.rate}${v.atTop ? ' (top)' : ''} | ` +
            `${v.rate > 0 ? (e.rate / v.rate).toFixed(2) : '-'} | ${e.stoppedBy || '-'} | ${v.stoppedBy || '-'} |`,
        );
      }
    if (SECONDS < 5 || ROUNDS < 3 || (SOAK_SECONDS > 0 && SOAK_SECONDS < 300)) {
      say();
      say('_Short settings (quick or reduced): a smoke test of the bench, not a figure to record._');
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  } finally {
    cleanUp();
  }
}

await main();
