import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/busybench.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));

/** The CLI tests run the real bin, which runs the build: without one they must fail, loudly. */
export function requireBuild(): void {
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `make test` (or `npm run build`) first');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin to its end (bounded by `timeoutMs`, after which it is killed), in `env` if given. */
export function runCli(args: string[], timeoutMs = 20_000, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts the bin, waits for a line matching `ready`, and hands back the child. It leads a
 * process group of its own, so a test can signal the whole group as a terminal's Ctrl-C does.
 */
export function startCli(args: string[], ready: RegExp, timeoutMs = 10_000) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  const output = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${ready} within ${timeoutMs} ms: ${stdout}`)),
      timeoutMs,
    );
    child.stdout.on('data', (d) => {
      stdout += d;
      if (ready.test(stdout)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
    child.on('close', () => reject(new Error(`exited before ready: ${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output, exited };
}
