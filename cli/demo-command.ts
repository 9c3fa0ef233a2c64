import { Command } from 'commander';
import { loadConfig } from '../mock-server/src/config/load.js';
import { startCluster } from '../mock-server/src/server.js';
import { fail } from './fail.js';

const KEY = 'sk-busybench';
const SMALL_ACCOUNT_KEY = 'sk-demo-small';

interface Outcome {
  status: number;
  ms: number;
  body: string;
}

/**
 * A short, self-contained tour: starts a mock on a free port and shows, with plain HTTP, each
 * way it can be busy. Every step is bounded; the whole demo takes a few seconds.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('start a mock on a free port and show what it does: healthy, 503s, 429s, holds, streams')
    .action(async () => {
      try {
        await runDemo();
      } catch (err) {
        fail(err);
      }
    });
}

async function runDemo(): Promise<void> {
  const config = loadConfig({
    overrides: [
      {
        server: { port: 0 },
        accounts: [
          { id: 'default', keys: [KEY], balance: 100 },
          { id: 'small', keys: [SMALL_ACCOUNT_KEY], balance: 100, concurrencyLimit: 5 },
        ],
        behaviour: {
          latency: {
            ttft: { type: 'lognormal', medianMs: 60, sigma: 0.3 },
            interToken: { type: 'fixed', ms: 4 },
          },
          capacity: { holdKeepAliveInterval: '200ms', holdTimeout: '1s' },
        },
      },
    ],
  });
  const cluster = await startCluster(config);
  const url = cluster.nodes[0]?.url as string;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`mock listening on ${url}\n`);
  try {
    const healthy = await burst(url, 40, KEY);
    say(row('healthy, 40 requests', healthy));

    const stream = await send(url, KEY, { stream: true, stream_options: { include_usage: true } });
    const frames = stream.body.split('\n\n').filter((f) => f.startsWith('data: '));
    say(`  streaming: ${frames.length} SSE frames, ends with ${frames.at(-1)}, ${stream.ms.toFixed(0)} ms`);

    await admin(url, 'PATCH', '/admin/config', { behaviour: { faults: { errors: { '503': 0.3 } } } });
    say(row('30 % 503 injected, 200 requests', await burst(url, 200, KEY)));
    await admin(url, 'PATCH', '/admin/config', { behaviour: { faults: { errors: { '503': 0 } } } });

    const limited = await burst(url, 20, SMALL_ACCOUNT_KEY);
    say(row('account limited to 5 in flight, 20 at once', limited));
    const tooMany = limited.find((o) => o.status === 429);
    if (tooMany) say(`  429 body: ${tooMany.body}`);

    const held = await send(url, KEY, {}, { 'x-busybench-fault': 'hold' });
    say(
      `  held (forced): status ${held.status}, ${held.ms.toFixed(0)} ms, body ${JSON.stringify(held.body)}`,
    );

    const metrics = await (await fetch(`${url}/metrics`)).text();
    const truth = metrics
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('busybench_mock_requests_total') ||
          l.startsWith('busybench_mock_injected_faults_total'),
      );
    say('\nground truth from /metrics:');
    for (const line of truth) say(`  ${line}`);
  } finally {
    await cluster.close();
  }
}

async function send(
  url: string,
  key: string,
  extra: object,
  headers: Record<string, string> = {},
): Promise<Outcome> {
  const t0 = performance.now();
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({
      model: 'deepseek-v4-flash',
      messages: [{ role: 'user', content: 'Hello busy world' }],
      ...extra,
    }),
  });
  const body = await res.text();
  return { status: res.status, ms: performance.now() - t0, body };
}

function burst(url: string, count: number, key: string): Promise<Outcome[]> {
  return Promise.all(Array.from({ length: count }, () => send(url, key, {})));
}

async function admin(url: string, method: string, path: string, body: object): Promise<void> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${method} ${path} answered ${res.status}: ${await res.text()}`);
}

function row(title: string, outcomes: Outcome[]): string {
  const byStatus = new Map<number, number>();
  for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const p50 = ms[Math.floor(ms.length / 2)] ?? 0;
  const statuses = [...byStatus].map(([s, n]) => `${s}×${n}`).join(' ');
  return `${title.padEnd(44)} ${statuses.padEnd(20)} p50 ${p50.toFixed(0)} ms`;
}
