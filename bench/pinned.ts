import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A Node process pinned to `core` (by default 0, the server side of a benchmark; the load takes
 * core 1), resolved once its output matches `ready`, with the match (a URL it printed, say).
 */
export function startPinned(
  nodeArgs: string[],
  ready: RegExp,
  core = 0,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    });
    child.on('exit', (code) => reject(new Error(`${nodeArgs.join(' ')} exited with ${code}: ${out}`)));
  });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
