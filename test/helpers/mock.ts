import { loadConfig } from '../../mock-server/src/config/load.js';
import { type Cluster, startCluster } from '../../mock-server/src/server.js';

export const KEY = 'sk-busybench';

export interface TestMock {
  readonly url: string;
  readonly cluster: Cluster;
  close(): Promise<void>;
}

/** A real mock on a free loopback port, with the given config layered over the defaults. */
export async function startMock(...overrides: unknown[]): Promise<TestMock> {
  const config = loadConfig({ overrides: [{ server: { port: 0, logLevel: 'silent' } }, ...overrides] });
  const cluster = await startCluster(config);
  return { url: cluster.nodes[0]?.url as string, cluster, close: () => cluster.close() };
}

export interface ChatOptions {
  key?: string | null;
  headers?: Record<string, string>;
  path?: string;
  rawBody?: string;
}

export const HELLO = { model: 'deepseek-v4-flash', messages: [{ role: 'user', content: 'Hello there' }] };

/** POSTs a chat completion and reads the whole answer as text. */
export async function chat(url: string, body: object = HELLO, opts: ChatOptions = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  const key = opts.key === undefined ? KEY : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const t0 = performance.now();
  const res = await fetch(`${url}${opts.path ?? '/chat/completions'}`, {
    method: 'POST',
    headers,
    body: opts.rawBody ?? JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    ms: performance.now() - t0,
    json: () => JSON.parse(text),
  };
}

/** The data frames of an SSE body, parsed (except [DONE], kept as the string). */
export function sseFrames(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((f) => f.startsWith('data: '))
    .map((f) => f.slice(6))
    .map((d) => (d === '[DONE]' ? d : JSON.parse(d)));
}

/** One series' value from a Prometheus text exposition, matching every given label. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}

export async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

export async function admin(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

/** Polls until the node reports `inFlight` requests generating (so a test's setup has landed). */
export async function untilInFlight(url: string, inFlight: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await admin(url, 'GET', '/admin/state')).json.inFlight >= inFlight) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the mock never reached ${inFlight} in flight`);
}
