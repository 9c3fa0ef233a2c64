import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { median } from './pinned.js';

/** A stall a sentinel said: its core, when it ended (epoch ms) and how long it lasted. */
export interface SaidStall {
  readonly core: number;
  readonly endMs: number;
  readonly ms: number;
}

/** The longest stall seen on any watched core during a span, and the core. */
export type Stall = Pick<SaidStall, 'core' | 'ms'>;

/** A second a sentinel said: when it ended (epoch ms), and its work's median time (µs). */
export interface SaidSecond {
  readonly atMs: number;
  readonly us: number;
}

/** The longest of `seen` that overlapped [fromMs, toMs], or null. */
export function longestOf(seen: readonly SaidStall[], fromMs: number, toMs: number): Stall | null {
  let worst: Stall | null = null;
  for (const s of seen)
    if (s.endMs >= fromMs && s.endMs - s.ms <= toMs && (worst === null || s.ms > worst.ms))
      worst = { ms: s.ms, core: s.core };
  return worst;
}

/**
 * A core's speed over [fromMs, toMs] from its seconds: its fastest second over the median of the
 * seconds wholly inside the span; null when none is.
 */
export function speedOf(seconds: readonly SaidSecond[], fromMs: number, toMs: number): number | null {
  const inSpan = seconds.filter((s) => s.atMs - 1000 >= fromMs && s.atMs <= toMs).map((s) => s.us);
  return inSpan.length === 0 ? null : Math.min(...seconds.map((s) => s.us)) / median(inSpan);
}

/** A stall-sentinel.js on each core, and what they said: stalls (ends and lengths), speeds. */
export interface StallWatch {
  /** The sentinels' processes, a core each, in the cores' order. */
  readonly pids: readonly number[];
  /**
   * The longest stall that overlapped [fromMs, toMs] (epoch ms), or null if none did. Throws once
   * a sentinel has ended before stop(): a watch that stopped watching would say "no stall".
   */
  longestBetween(fromMs: number, toMs: number): Stall | null;
  /**
   * Each core's speed over [fromMs, toMs] (speedOf, against the fastest second seen on it so far;
   * 1: as fast as the core has been, 0.7: the same work took 1.4 x as long), in the cores' order.
   */
  speedBetween(fromMs: number, toMs: number): (number | null)[];
  stop(): void;
}

/**
 * Start one sentinel per core; stalls of `thresholdMs` and more are kept. Resolved once every
 * sentinel runs.
 */
export async function startStallWatch(cores: readonly number[], thresholdMs: number): Promise<StallWatch> {
  const seen: SaidStall[] = [];
  const seconds = cores.map(() => [] as SaidSecond[]);
  // The compiled sentinel (the bench runs from dist/; a test of this module from its source).
  const script = join(packageRoot(), 'dist/bench/stall-sentinel.js');
  const children: ChildProcess[] = [];
  let stopping = false;
  let ended: string | null = null;
  const watching = () => {
    if (ended !== null) throw new Error(ended);
  };
  const started = Promise.all(
    cores.map(
      (core, i) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            'taskset',
            ['-c', String(core), process.execPath, script, String(thresholdMs)],
            {
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
          children[i] = child;
          let rest = '';
          child.stdout?.on('data', (d) => {
            const lines = (rest + d).split('\n');
            rest = lines.pop() ?? '';
            for (const l of lines) {
              if (l === 'ready') resolve();
              const [kind, at, x] = l.split(' ');
              if (kind === 'stall') seen.push({ core, endMs: Number(at), ms: Number(x) });
              if (kind === 'speed') seconds[i]?.push({ atMs: Number(at), us: Number(x) });
            }
          });
          child.once('error', reject); // taskset or node missing
          child.once('exit', (code, signal) => {
            if (!stopping) ended ??= `the stall sentinel on core ${core} ended (${code ?? signal})`;
            reject(new Error(ended ?? 'stopped'));
          });
        }),
    ),
  );
  await started.catch((err: unknown) => {
    // One sentinel that did not start leaves none running.
    stopping = true;
    for (const c of children) c?.kill('SIGTERM');
    throw err;
  });
  return {
    pids: children.map((c) => c.pid as number),
    longestBetween(fromMs, toMs) {
      watching();
      return longestOf(seen, fromMs, toMs);
    },
    speedBetween(fromMs, toMs) {
      watching();
      return seconds.map((all) => speedOf(all, fromMs, toMs));
    },
    stop() {
      stopping = true;
      for (const c of children) c.kill('SIGTERM');
    },
  };
}
