import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { StrategyError } from '../../strategies/src/errors.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import { HELLO, KEY, metricValue, scrape } from '../helpers/mock.js';
import { attempts, closeAll, FRAMES, fire, share, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

const slow = (ms: number) => ({ behaviour: { latency: { ttft: { type: 'fixed', ms } } } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Asked {
  cls: string;
  status: number;
  code: string | null;
  message: string;
  ms: number;
  /** performance.now() when the whole answer was read: tells the order answers ended in. */
  end: number;
}

/** One chat completion with the given class header (none: the default class). */
async function ask(url: string, cls?: string): Promise<Asked> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${KEY}`,
  };
  if (cls !== undefined) headers['x-priority'] = cls;
  const t0 = performance.now();
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify(HELLO),
    // Bounds every request of a test, whatever goes wrong.
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.text();
  const end = performance.now();
  const error = res.status === 200 ? null : (JSON.parse(body).error as { message: string; code: string });
  return {
    cls: cls ?? 'none',
    status: res.status,
    code: error?.code ?? null,
    message: error?.message ?? '',
    ms: end - t0,
    end,
  };
}

/** One of the strategy's gauges, read from the proxy's /metrics. */
const gauge = async (url: string, name: string) =>
  metricValue(await scrape(url), `busybench_strategy_priority_${name}`);

/** Polls a gauge until it shows `value`; fails the test after `ms`. */
async function until(url: string, name: string, value: number, ms = 5_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if ((await gauge(url, name)) === value) return;
    await sleep(10);
  }
  throw new Error(`gauge ${name} never reached ${value} within ${ms} ms`);
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};

describe.each(FRAMES)('priority strategy (%s frame)', (frame) => {
  it('gives a free slot to the highest class first: P1, then P2, then P3, whatever their arrival order', async () => {
    // Each answer holds the slot 1 s: the three queue before the first ends, even when the
    // gauges are slow to read beside the rest of the suite (at 300 ms, P1 once came after it).
    const mock = await testMock(slow(1000));
    const proxy = await startProxy('priority', { limit: '1', p1WaitMs: '10000', p3Free: '0' }, [mock.url], {
      frame,
    });
    const ended: string[] = [];
    const track = async (p: Promise<Asked>) => {
      const a = await p;
      ended.push(a.cls);
      return a;
    };
    const busy = track(ask(proxy.url, 'P2'));
    await until(proxy.url, 'free_slots', 0);
    // Each one queued before the next is sent: the arrival order is P3, P2, P1.
    const p3 = track(ask(proxy.url, 'P3'));
    await until(proxy.url, 'queued_p3', 1);
    const p2 = track(ask(proxy.url, 'P2'));
    await until(proxy.url, 'queued_p2', 1);
    const p1 = track(ask(proxy.url, 'P1'));
    await until(proxy.url, 'queued_p1', 1);
    const answers = await Promise.all([busy, p3, p2, p1]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(ended).toEqual(['P2', 'P1', 'P2', 'P3']);
  });

  it('serves a P0 at once from its reserve while a P2 waits for a shared slot', async () => {
    const mock = await testMock(slow(1000));
    // limit 5, reserve 0.2: one slot is P0's alone, four are shared.
    const proxy = await startProxy('priority', { limit: '5', reserve: '0.2' }, [mock.url], { frame });
    const busy = Array.from({ length: 4 }, () => ask(proxy.url, 'P2'));
    await until(proxy.url, 'free_slots', 1);
    const waiting = ask(proxy.url); // no header: P2
    await until(proxy.url, 'queued_p2', 1);
    const urgent = await ask(proxy.url, 'P0');
    expect(urgent.status).toBe(200);
    expect(urgent.ms).toBeLessThan(1800); // one upstream answer (1 s), no wait for a slot
    const p2 = await waiting;
    expect(p2.status).toBe(200);
    // It waited for one of the four to end, then took its own second.
    expect(p2.end).toBeGreaterThan(urgent.end + 400);
    expect((await Promise.all(busy)).every((a) => a.status === 200)).toBe(true);
  });

  it('refuses a P1 with 429 after about 500 ms in the queue', async () => {
    const mock = await testMock(slow(2500));
    const proxy = await startProxy('priority', { limit: '1' }, [mock.url], { frame });
    const busy = ask(proxy.url, 'P2');
    await until(proxy.url, 'free_slots', 0);
    const p1 = await ask(proxy.url, 'P1');
    expect(p1.status).toBe(429);
    expect(p1.code).toBe('priority_wait_exceeded');
    expect(p1.message).toContain('P1');
    expect(p1.ms).toBeGreaterThanOrEqual(450);
    expect(p1.ms).toBeLessThan(2000);
    expect((await busy).status).toBe(200);
    expect(await attempts(mock.url)).toBe(1);
  });

  it('under overload keeps P0 within its SLA and sheds P3 first', async () => {
    const mock = await testMock(slow(200));
    // 10 slots of 200 ms: ~50 answers a second. Offered: 120 a second for 3 s.
    const proxy = await startProxy(
      'priority',
      { limit: '10', reserve: '0.2', maxWaitMs: '2000', queue: '40' },
      [mock.url],
      { frame },
    );
    // Per 20 requests: 2 P0, 3 P1, 5 P2, 10 P3, interleaved.
    const mix = 'P3 P2 P3 P1 P3 P0 P2 P3 P2 P1 P3 P3 P0 P2 P3 P1 P3 P2 P3 P3'.split(' ');
    const rate = 120;
    const total = rate * 3;
    const t0 = performance.now();
    const pending: Promise<Asked>[] = [];
    // Open model: each request leaves at its time, whether earlier ones were answered or not.
    for (let i = 0; i < total; i++) {
      const lag = t0 + (i * 1000) / rate - performance.now();
      if (lag > 0) await sleep(lag);
      pending.push(ask(proxy.url, mix[i % mix.length]));
    }
    const answers = await Promise.all(pending);
    const of = (cls: string) => answers.filter((a) => a.cls === cls);
    const ok = (cls: string) => of(cls).filter((a) => a.status === 200).length / of(cls).length;
    const refused = answers.filter((a) => a.status === 429);

    // It was overload: a large share refused, all by the strategy, none by the upstream.
    expect(refused.length).toBeGreaterThan(total * 0.3);
    expect(refused.every((a) => a.code?.startsWith('priority_'))).toBe(true);
    expect(await attempts(mock.url)).toBe(answers.length - refused.length);

    expect(ok('P0')).toBeGreaterThanOrEqual(0.99);
    expect(
      quantile(
        of('P0').map((a) => a.ms),
        0.99,
      ),
    ).toBeLessThan(2000); // 10 × the upstream's 200 ms: room for a starved CPU
    // P1 gives up after 500 ms in the queue, but it goes before P2 and P3: most are served.
    expect(ok('P1')).toBeGreaterThanOrEqual(0.5);
    // P3 takes the shedding: most refusals are P3, and it is served far less than P0.
    expect(refused.filter((a) => a.cls === 'P3').length).toBeGreaterThan(refused.length * 0.5);
    expect(ok('P3')).toBeLessThan(ok('P0') - 0.5);
    expect(ok('P3')).toBeLessThan(ok('P2'));
  }, 30_000);

  it('forwards the class header upstream untouched', async () => {
    const seen: Array<string | undefined> = [];
    const upstream = createServer((req, res) => {
      seen.push(req.headers['x-priority'] as string | undefined);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const { port } = upstream.address() as AddressInfo;
      const proxy = await startProxy('priority', {}, [`http://127.0.0.1:${port}`], { frame });
      expect((await ask(proxy.url, 'P1')).status).toBe(200);
      expect((await ask(proxy.url)).status).toBe(200);
      expect(seen).toEqual(['P1', undefined]);
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it('composes: priority+retry holds one slot while the retries run inside it', async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 0.3 } } } });
    const proxy = await startProxy(
      'priority+retry',
      {
        'priority.limit': '2',
        'retry.retries': '8',
        'retry.baseMs': '1',
        'retry.maxMs': '5',
        'retry.budget': '10',
      },
      [mock.url],
      { frame },
    );
    const answers = await fire(proxy.url, 40, 6);
    expect(share(answers, 200)).toBe(1);
    expect(await attempts(mock.url)).toBeGreaterThan(40);
  });

  it('reports every bad option at once', () => {
    try {
      makeStrategy('priority', { limit: '1.5', reserve: '2', p1WaitMs: '-1', header: 'x y', nope: '1' });
      expect.unreachable();
    } catch (err) {
      expect((err as StrategyError).code).toBe('STRATEGY_ERR_BAD_OPTIONS');
      expect((err as StrategyError).problems).toHaveLength(5);
    }
    expect(() => makeStrategy('priority', { limit: '4', reserve: '1' })).toThrow(/bad options/);
  });
});
