import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStrategyProcess } from '../../runner/src/strategy-process.js';
import type { StrategyError } from '../../strategies/src/errors.js';
import { haproxyConfig, haproxyOptions, startHaproxy } from '../../strategies/src/haproxy.js';
import { Options } from '../../strategies/src/options.js';
import {
  checkStrategySpec,
  isReferenceStrategy,
  type RunningStrategy,
  startStrategy,
} from '../../strategies/src/start-strategy.js';
import { HELLO, KEY, metricValue } from '../helpers/mock.js';
import { freePort, requireTool } from '../helpers/tools.js';
import { expectQuickStop } from './quick-stop.js';
import { type Answer, attempts, closeAll, fire, nodesOf, share, testMock } from './strategy-helpers.js';

let haproxy: RunningStrategy | undefined;
let bin = '';
beforeAll(() => {
  bin = requireTool('haproxy', 'haproxy');
});
afterEach(async () => {
  await haproxy?.stop();
  haproxy = undefined;
  await closeAll();
});

const tmp = () => mkdtempSync(join(tmpdir(), 'busybench-haproxy-'));
const start = (urls: readonly string[], options: Record<string, string> = {}) =>
  startStrategy({ name: 'haproxy', options }, urls, { dir: tmp() });

const scrapeText = async (url: string) => (await fetch(url)).text();

/** A server's state in HAProxy's own exporter, as its `state` label says (UP, DOWN...). */
const serverState = (text: string, proxy: string, server: string) =>
  text
    .split('\n')
    .find(
      (l) => l.startsWith(`haproxy_server_status{proxy="${proxy}",server="${server}",`) && l.endsWith(' 1'),
    )
    ?.match(/state="(\w+)"/)?.[1];

interface Sent extends Answer {
  priority: string;
}

/**
 * An open-model burst: a request every `1000 / rps` ms for `seconds`, each with the priority
 * `pick(i)` gives it, sent whether or not the earlier ones were answered; resolves with every
 * answer (bounded: the last one starts at `seconds`, and each ends within the queue timeout).
 */
async function burst(url: string, rps: number, seconds: number, pick: (i: number) => string) {
  const sends: Array<Promise<Sent>> = [];
  const t0 = performance.now();
  const n = Math.round(rps * seconds);
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / rps - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const priority = pick(i);
    const sent = performance.now();
    sends.push(
      fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${KEY}`,
          'x-priority': priority,
        },
        body: JSON.stringify({ ...HELLO, thinking: { type: 'disabled' } }),
      }).then(async (res) => ({
        priority,
        status: res.status,
        headers: res.headers,
        body: await res.text(),
        ms: performance.now() - sent,
      })),
    );
  }
  return Promise.all(sends);
}

describe("HAProxy with the guides' upstream and priority queue (Debian's HAProxy 2.6)", () => {
  it('writes a config haproxy -c accepts, and refuses bad options all at once', () => {
    const o = new Options('haproxy', {});
    const options = haproxyOptions(o);
    o.done();
    expect(options).toMatchObject({ maxconn: 12, urgentSlots: 2, interactiveSlots: 1, sharedSlots: 9 });
    const written = join(tmp(), 'haproxy.cfg');
    writeFileSync(
      written,
      haproxyConfig({
        ...options,
        upstreams: ['http://127.0.0.1:8000', 'http://127.0.0.1:8001'],
        listen: '127.0.0.1:8100',
        statsListen: '127.0.0.1:8101',
      }),
    );
    expect(spawnSync(bin, ['-c', '-q', '-f', written], { encoding: 'utf8' }).status).toBe(0);
    const bad = { maxconn: '3', reserve: '0.5', retries: '1.5', check: 'tcp', colour: 'red' };
    const problems = (() => {
      try {
        checkStrategySpec({ name: 'haproxy', options: bad });
      } catch (err) {
        expect((err as StrategyError).code).toBe('STRATEGY_ERR_BAD_OPTIONS');
        return (err as StrategyError).problems;
      }
      return [];
    })();
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/retries="1.5" must be a whole number/);
    expect(problems.join('\n')).toMatch(/check="tcp" must be one of health, models, off/);
    expect(problems.join('\n')).toMatch(/leaves no shared slot/);
    expect(problems.join('\n')).toMatch(/unknown option "colour"/);
    // And the 2.6 this runs on indeed has no 429 among the statuses retry-on accepts.
    const conf = join(tmp(), 'retry-429.cfg');
    writeFileSync(conf, 'defaults\n  mode http\nbackend b\n  retry-on 429\n');
    const check = spawnSync(bin, ['-c', '-f', conf], { encoding: 'utf8' });
    expect(check.status).not.toBe(0);
    expect(check.stderr).toMatch(/'retry-on': unknown keyword '429'/);
  });

  it('runs as a run starts it (a child of its own, not our proxy frame) and exports its metrics', async () => {
    expect(isReferenceStrategy({ name: 'haproxy', options: {} })).toBe(false);
    const mock = await testMock({ server: { nodes: 3 } });
    // The config it runs passed haproxy -c before it started (startHaproxy refuses otherwise).
    haproxy = await startStrategyProcess({ name: 'haproxy', options: {} }, nodesOf(mock), tmp());
    expect(haproxy.name).toBe('haproxy');
    const answers = await fire(haproxy.url, 60, 6);
    expect(share(answers, 200)).toBe(1);
    for (const n of nodesOf(mock)) expect(await attempts(n)).toBeGreaterThan(5);
    const metrics = await scrapeText(haproxy.metricsUrl as string);
    // Unlabelled requests are P2: all through the shared backend.
    expect(
      metricValue(metrics, 'haproxy_backend_http_responses_total', { proxy: 'shared', code: '2xx' }),
    ).toBe(60);
  });

  it('sends fewer requests to a slow node (leastconn)', async () => {
    const mock = await testMock({
      server: { nodes: 3 },
      nodeOverrides: [{}, { latency: { ttft: { type: 'fixed', ms: 400 } } }, {}],
    });
    haproxy = await start(nodesOf(mock));
    const answers = await fire(haproxy.url, 60, 6);
    expect(share(answers, 200)).toBe(1);
    // Round robin would send it a third (20); leastconn sees its requests pile up.
    expect(await attempts(nodesOf(mock)[1] as string)).toBeLessThan(12);
  });

  it('streams SSE frames as they come (option http-no-delay)', async () => {
    const mock = await testMock({
      behaviour: {
        latency: { interToken: { type: 'fixed', ms: 30 } },
        output: { minTokens: 30, maxTokens: 30 },
      },
    });
    haproxy = await start(nodesOf(mock));
    const res = await fetch(`${haproxy.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ ...HELLO, stream: true, thinking: { type: 'disabled' } }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    let reads = 0;
    let body = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      reads++;
      body += decoder.decode(chunk, { stream: true });
    }
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    // 30 frames 30 ms apart arrive one by one; held back for fuller packets (HAProxy's default,
    // ~200 ms each time) they came in about 5 reads.
    expect(reads).toBeGreaterThan(12);
  });

  it('hides a node that answers only 503: retry-on 503 + redispatch replays the POST elsewhere', async () => {
    const mock = await testMock({
      server: { nodes: 3 },
      nodeOverrides: [{ faults: { errors: { '503': 1 } } }, {}, {}],
    });
    haproxy = await start(nodesOf(mock));
    const answers = await fire(haproxy.url, 60, 3);
    // nginx as the guides write it lets these 503s through (nginx.test.ts); HAProxy replays them.
    expect(share(answers, 200)).toBe(1);
    expect(await attempts(nodesOf(mock)[0] as string, '503')).toBeGreaterThan(5);
  });

  it('in a full outage tries each request 1 + retries times, then passes the last 503 on', async () => {
    const mock = await testMock({ server: { nodes: 2 }, behaviour: { faults: { errors: { '503': 1 } } } });
    haproxy = await start(nodesOf(mock), { retries: '2' });
    const answers = await fire(haproxy.url, 10, 2);
    expect(share(answers, 503)).toBe(1);
    // The node's own answer, not HAProxy's: no retry budget, so the outage meets 3x the load.
    for (const a of answers) expect(a.headers.get('x-busybench-strategy-error')).toBeNull();
    const [a, b] = nodesOf(mock) as [string, string];
    expect((await attempts(a, '503')) + (await attempts(b, '503'))).toBe(30);
  });

  it('fails over when a node is down (connection refused: nothing was sent)', async () => {
    const mock = await testMock({ server: { nodes: 2 } });
    const urls = [...nodesOf(mock), `http://127.0.0.1:${await freePort()}`];
    // Checks off: this is the retry on conn-failure alone, not the health check.
    haproxy = await start(urls, { check: 'off' });
    const answers = await fire(haproxy.url, 60, 3);
    expect(share(answers, 200)).toBe(1);
  });

  it('takes a node that dies out of rotation by its health checks', async () => {
    const mock = await testMock({ server: { nodes: 3 } });
    haproxy = await start(nodesOf(mock), { checkIntervalMs: '200' });
    const metricsUrl = haproxy.metricsUrl as string;
    expect(serverState(await scrapeText(metricsUrl), 'shared', 'node2')).toBe('UP');
    await mock.cluster.nodes[2]?.app.close();
    // fall 3 at 200 ms: DOWN within a second; the loop gives it ten.
    const until = Date.now() + 10_000;
    while (serverState(await scrapeText(metricsUrl), 'shared', 'node2') !== 'DOWN' && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    const before = await scrapeText(metricsUrl);
    expect(serverState(before, 'shared', 'node2')).toBe('DOWN');
    expect(serverState(before, 'urgent', 'node2')).toBe('DOWN'); // tracks shared/node2
    const answers = await fire(haproxy.url, 30, 3);
    expect(share(answers, 200)).toBe(1);
    const after = await scrapeText(metricsUrl);
    // Not even tried any more: no new connection attempt failed against it.
    const errors = (t: string) =>
      metricValue(t, 'haproxy_server_connection_errors_total', { proxy: 'shared', server: 'node2' });
    expect(errors(after)).toBe(errors(before));
  });

  it("passes a node's 429 through once, unretried (2.6 has no retry-on 429)", async () => {
    const mock = await testMock({
      server: { nodes: 2 },
      nodeOverrides: [{ faults: { errors: { '429': 1 } } }, {}],
    });
    haproxy = await start(nodesOf(mock));
    const answers = await fire(haproxy.url, 40, 2);
    const [busy, calm] = nodesOf(mock) as [string, string];
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(5);
    // The mock's own 429, not an answer of the proxy's.
    for (const a of refused) expect(a.headers.get('x-busybench-strategy-error')).toBeNull();
    expect(await attempts(busy, '429')).toBe(refused.length);
    expect((await attempts(busy)) + (await attempts(calm))).toBe(40);
  });

  it('under overload keeps P0 served and sheds P3 first; P1 waits 500 ms at most', async () => {
    // Two nodes of 5 slots each through the proxy: 3 shared, 1 reserved for P0, 1 for P1; every
    // answer takes ~300 ms, so the proxy serves ~33 req/s at most, and the burst brings 80.
    const mock = await testMock({
      server: { nodes: 2 },
      behaviour: { latency: { ttft: { type: 'fixed', ms: 300 } } },
    });
    haproxy = await start(nodesOf(mock), { maxconn: '5' });
    // 10 % P0, 10 % P1, 45 % P2, 35 % P3, interleaved.
    const mix = 'P2 P3 P2 P0 P3 P2 P1 P3 P2 P2 P3 P2 P1 P3 P2 P2 P3 P0 P3 P2'.split(' ');
    const answers = await burst(haproxy.url, 80, 4, (i) => mix[i % mix.length] as string);
    const of = (p: string) => answers.filter((a) => a.priority === p);
    const ok = (p: string) => share(of(p), 200);
    const refused = answers.filter((a) => a.status !== 200);

    // P0: everything served, none waits long (its reserve, then the head of the shared queue).
    expect(ok('P0')).toBeGreaterThanOrEqual(0.99);
    expect(Math.max(...of('P0').map((a) => a.ms))).toBeLessThan(2_500);
    // P2: queued, not refused (the burst's backlog drains well within the 30 s queue timeout).
    expect(ok('P2')).toBeGreaterThanOrEqual(0.99);
    // P3: shed at once, and most of all refusals are P3's.
    expect(ok('P3')).toBeLessThan(0.5);
    expect(refused.filter((a) => a.priority === 'P3').length / refused.length).toBeGreaterThan(0.5);
    for (const a of of('P3').filter((a) => a.status !== 200)) {
      expect(a.status).toBe(429);
      expect(a.headers.get('x-busybench-strategy-error')).toBe('priority_shed');
      expect(JSON.parse(a.body)).toMatchObject({ error: { code: 'priority_shed', param: null } });
    }
    // P1: served, or refused once its 500 ms in the queue are over: never held for the backlog.
    for (const a of of('P1').filter((a) => a.status !== 200)) {
      expect(a.status).toBe(503);
      expect(a.headers.get('x-busybench-strategy-error')).toBe('interactive_wait_exceeded');
      expect(a.ms).toBeGreaterThan(450);
      expect(a.ms).toBeLessThan(2_500);
    }
    expect(Math.max(...of('P1').map((a) => a.ms))).toBeLessThan(3_000);
    // The backlog was real: P2 waited behind it while P0 and P1 went past.
    expect(Math.max(...of('P2').map((a) => a.ms))).toBeGreaterThan(1_000);
  });

  it('stops within 5 s with idle keep-alive connections open and a request in flight', async () => {
    const mock = await testMock({ server: { nodes: 1 } });
    const o = new Options('haproxy', {});
    const h = await startHaproxy(haproxyOptions(o), nodesOf(mock), { port: await freePort(), dir: tmp() });
    await expectQuickStop(h.url, mock, h.child.pid as number, h.stop);
  });
});
