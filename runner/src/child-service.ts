import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnOwned } from '../../common/owned-child.js';
import { packageRoot } from '../../common/paths.js';

/**
 * A busybench command (`busybench mock`, `busybench strategy`) in a process of its own, with
 * its own event loop: what it serves is not delayed by the collector's ingest in the run's
 * process, nor the other way round. Started when it has printed every "listening on" line it
 * should; its stderr goes to a log whose last lines explain an early exit.
 */
export interface ChildService {
  /** The matches of `listening`, one per line that announced an address. */
  readonly announced: RegExpExecArray[];
  /** Its process id (tests freeze a mock with SIGSTOP). */
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startChildService(o: {
  /** What it is, for messages: "the mock", "the strategy". */
  readonly what: string;
  readonly args: readonly string[];
  /** Node's own flags, before the script (the mock's: `MOCK_NODE_FLAGS`). */
  readonly nodeFlags?: readonly string[];
  readonly log: string;
  /** A line announcing an address; it must capture the URL. */
  readonly listening: RegExp;
  /** How many such lines to wait for. */
  readonly count: number;
}): Promise<ChildService> {
  const bin = join(packageRoot(), 'bin', 'busybench.js');
  const log = openSync(o.log, 'a');
  const child: ChildProcess = spawnOwned(process.execPath, [...(o.nodeFlags ?? []), bin, ...o.args], {
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log); // the child has its own copy
  const pattern = new RegExp(o.listening.source, 'g');
  const announced = await new Promise<RegExpExecArray[]>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${o.what} did not start within 20 s; see ${o.log}`));
    }, 20_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const found = [...out.matchAll(pattern)];
      if (found.length === o.count) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${o.what} exited (${code}) before listening: ${lastLines(o.log)}`));
    });
  });
  // Stdout is not needed past the announcement, but a full pipe would block the child.
  child.stdout?.resume();
  return {
    announced,
    pid: child.pid as number,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The end of a log on one line: a busybench error and its list of problems. */
function lastLines(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-4);
    return lines.map((l) => l.trim()).join(' ') || `nothing in ${file}`;
  } catch {
    return `see ${file}`;
  }
}
