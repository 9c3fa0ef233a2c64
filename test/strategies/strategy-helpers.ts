import { startGoFrame } from '../../strategies/src/go-frame.js';
import { type ProxyApp, type ProxyOptions, proxyServer } from '../../strategies/src/proxy-server.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import { HELLO, KEY, metricValue, scrape, startMock, type TestMock } from '../helpers/mock.js';

/** What a test started, closed after it (each test file: `afterEach(closeAll)`). */
const started: Array<{ close(): Promise<unknown> }> = [];
export async function closeAll(): Promise<void> {
  for (const s of started.splice(0).reverse()) await s.close();
}

/** A mock closed after the test. */
export async function testMock(...overrides: unknown[]): Promise<TestMock> {
  const mock = await startMock(...overrides);
  started.push(mock);
  return mock;
}

export const nodesOf = (m: TestMock) => m.cluster.nodes.map((n) => n.url);

/**
 * The frames a strategy's contract tests run in: the Node frame, and the Go frame for the
 * strategies it runs (strategies/frame): the same test, the same assertions, for both.
 */
export const FRAMES = ['node', 'go'] as const;
export type Frame = (typeof FRAMES)[number];

/**
 * A reference strategy in front of the given nodes, listening on a free port, in the Node frame
 * or (`frame: 'go'`) the Go frame; its options are checked the Node way first in both, as
 * `busybench strategy` checks them.
 */
export async function startProxy(
  name: string,
  options: Record<string, string>,
  upstreams: readonly string[],
  o: ProxyOptions & { frame?: Frame } = {},
): Promise<{ url: string; close(): Promise<unknown> }> {
  const strategy = makeStrategy(name, options);
  if (o.frame === 'go') {
    const frame = await startGoFrame(name, options, upstreams, { testControls: o.testControls ?? false });
    const proxy = { url: frame.url, close: () => frame.stop() };
    started.push(proxy);
    return proxy;
  }
  const { app } = proxyServer(strategy, upstreams, o);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const proxy = { url, close: () => app.close() };
  started.push(proxy);
  return proxy;
}

/** startProxy in the Node frame, with its app (for the tests of the Node frame itself). */
export async function startNodeProxy(
  name: string,
  options: Record<string, string>,
  upstreams: readonly string[],
  o: ProxyOptions = {},
) {
  const { app } = proxyServer(makeStrategy(name, options), upstreams, o);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const proxy = { url, app: app as ProxyApp, close: () => app.close() };
  started.push(proxy);
  return proxy;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  ms: number;
}

/** `n` chat completions through `url`, `concurrency` at a time; every answer read whole. */
export async function fire(
  url: string,
  n: number,
  concurrency: number,
  o: { body?: object; key?: string } = {},
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      const res = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.key ?? KEY}` },
        body: JSON.stringify(o.body ?? HELLO),
      });
      const body = await res.text();
      answers.push({ status: res.status, headers: res.headers, body, ms: performance.now() - t0 });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

/** Completion attempts a mock node answered (its ground truth). */
export async function attempts(nodeUrl: string, status?: string): Promise<number> {
  return metricValue(await scrape(nodeUrl), 'busybench_mock_requests_total', {
    endpoint: '/chat/completions',
    ...(status ? { status } : {}),
  });
}

export const share = (answers: Answer[], status: number) =>
  answers.filter((a) => a.status === status).length / answers.length;
