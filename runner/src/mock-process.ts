import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../mock-server/src/paths.js';

/**
 * The mock in a process of its own (`busybench mock`), so that it has its own event loop and
 * core, as the real API would not share a process with the load generator; a fresh one per run,
 * so no strategy inherits another's rate-limit buckets or balance.
 */
export interface MockProcess {
  readonly urls: string[];
  stop(): Promise<void>;
}

export async function startMockProcess(o: {
  nodes: number;
  port?: number;
  config?: string;
  log: string;
}): Promise<MockProcess> {
  const bin = join(packageRoot(), 'bin', 'busybench.js');
  const args = [
    'mock',
    '--port',
    String(o.port ?? 0),
    '--nodes',
    String(o.nodes),
    ...(o.config ? ['--config', o.config] : []),
  ];
  const log = openSync(o.log, 'a');
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', log] });
  const urls = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`the mock did not start within 20 s; see ${o.log}`)),
      20_000,
    );
    child.stdout?.on('data', (d) => {
      out += d;
      const found = [...out.matchAll(/listening on (http:\/\/[\d.:]+)/g)].map((m) => m[1] as string);
      if (found.length === o.nodes) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`the mock exited (${code}) before listening; see ${o.log}`)),
    );
  });
  return {
    urls,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a scenario on every node at once (the moment the load begins, not when the mock did). */
export async function startScenario(urls: readonly string[], name: string, speed: number): Promise<void> {
  await Promise.all(
    urls.map(async (u) => {
      const res = await fetch(`${u}/admin/scenario`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, speed }),
      });
      if (!res.ok) throw new Error(`scenario ${name} refused by ${u}: ${await res.text()}`);
    }),
  );
}
