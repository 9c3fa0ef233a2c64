import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A Node process pinned to core 0 (the server side of a benchmark; wrk takes core 1), resolved
 * once its output matches `ready`.
 */
export function startPinned(nodeArgs: string[], ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, ...nodeArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (ready.test(out)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`${nodeArgs.join(' ')} exited with ${code}: ${out}`)));
  });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
