import { resolve } from 'node:path';
import { MOCK_NODE_FLAGS } from '../../common/mock-node-flags.js';
import { readStructuredFile } from '../../common/structured-file.js';
import { startChildService } from './child-service.js';

/**
 * The mock in a process of its own (`busybench mock`), so that it has its own event loop and
 * core, as the real API would not share a process with the load generator; a fresh one per run,
 * so no strategy inherits another's rate-limit buckets or balance.
 */
export interface MockProcess {
  readonly urls: string[];
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startMockProcess(o: {
  nodes: number;
  port?: number;
  config?: string;
  log: string;
}): Promise<MockProcess> {
  const child = await startChildService({
    what: 'the mock',
    nodeFlags: MOCK_NODE_FLAGS,
    args: [
      'mock',
      '--port',
      String(o.port ?? 0),
      '--nodes',
      String(o.nodes),
      ...(o.config ? ['--config', o.config] : []),
    ],
    log: o.log,
    listening: /listening on (http:\/\/[\d.:]+)/,
    count: o.nodes,
  });
  return { urls: child.announced.map((m) => m[1] as string), pid: child.pid, stop: child.stop };
}

/**
 * Starts a scenario on every node at once (the moment the load begins, not when the mock did):
 * a built-in by name, a file of one's own read here and sent inline (the mock's admin API opens
 * no path it is sent).
 */
export async function startScenario(urls: readonly string[], name: string, speed: number): Promise<void> {
  const what = /\.(ya?ml|json)$/.test(name) ? { scenario: readStructuredFile(resolve(name)) } : { name };
  await Promise.all(
    urls.map(async (u) => {
      const res = await fetch(`${u}/admin/scenario`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...what, speed }),
      });
      if (!res.ok) throw new Error(`scenario ${name} refused by ${u}: ${await res.text()}`);
    }),
  );
}
