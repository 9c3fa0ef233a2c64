import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';

/** The longest stall seen on any watched core during a span, and the core. */
export interface Stall {
  readonly ms: number;
  readonly core: number;
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
   * Each core's speed over [fromMs, toMs]: the fastest second seen on it so far over the span's
   * median second (1: as fast as the core has been; 0.7: the same work took 1.4 x as long), in
   * the cores' order; null for a core with no second in the span.
   */
  speedBetween(fromMs: number, toMs: number): (number | null)[];
  stop(): void;
}

/**
 * Start one sentinel per core; stalls of `thresholdMs` and more are kept. Resolved once every
 * sentinel runs.
 */
export async function startStallWatch(cores: readonly number[], thresholdMs: number): Promise<StallWatch> {
  const seen: { core: number; endMs: number; ms: number }[] = [];
  // Each core's seconds: when each ended, its median work time (µs).
  const seconds = cores.map(() => [] as { atMs: number; us: number }[]);
  // The compiled sentinel (the bench runs from dist/; a test of this module from its source).
  const script = join(packageRoot(), 'dist/bench/stall-sentinel.js');
  const children: ChildProcess[] = [];
  let stopping = false;
  let ended: string | null = null;
  const watching = () => {
    if (ended !== null) throw new Error(ended);
  };
  await Promise.all(
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
          child.once('exit', (code, signal) => {
            if (!stopping) ended ??= `the stall sentinel on core ${core} ended (${code ?? signal})`;
            reject(new Error(ended ?? 'stopped'));
          });
        }),
    ),
  );
  return {
    pids: children.map((c) => c.pid as number),
    longestBetween(fromMs, toMs) {
      watching();
      let worst: Stall | null = null;
      for (const s of seen)
        if (s.endMs >= fromMs && s.endMs - s.ms <= toMs && (worst === null || s.ms > worst.ms))
          worst = { ms: s.ms, core: s.core };
      return worst;
    },
    speedBetween(fromMs, toMs) {
      watching();
      return seconds.map((all) => {
        const inSpan = all.filter((s) => s.atMs > fromMs && s.atMs <= toMs).map((s) => s.us);
        if (inSpan.length === 0) return null;
        inSpan.sort((a, b) => a - b);
        return Math.min(...all.map((s) => s.us)) / (inSpan[inSpan.length >> 1] as number);
      });
    },
    stop() {
      stopping = true;
      for (const c of children) c.kill('SIGTERM');
    },
  };
}
