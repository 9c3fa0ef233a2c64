import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StrategyError } from '../../strategies/src/errors.js';
import { proxyServer } from '../../strategies/src/proxy-server.js';
import { type RedisServer, startRedisServer } from '../../strategies/src/redis-server.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import { StrategyContext } from '../../strategies/src/strategy.js';
import { HELLO, metricValue, scrape } from '../helpers/mock.js';
import { freePort, requireTool } from '../helpers/tools.js';
import { attempts, closeAll, FRAMES, type Frame, fire, startProxy, testMock } from './strategy-helpers.js';

/** What a test started here (cache proxies with their start/close, Redis servers and clients). */
const mine: Array<() => Promise<unknown>> = [];
beforeAll(() => {
  requireTool('redis-server', 'redis-server');
});
afterEach(async () => {
  for (const close of mine.splice(0).reverse()) await close();
  await closeAll();
});

/**
 * The cache strategy in one of our frames. In the Node frame its start/close hooks are called
 * here as well as by the frame (both are idempotent): the tests hold whether or not the frame
 * calls them. The Go frame starts and closes its own (and a redis-server of ours when the
 * options name no Redis, as `busybench strategy` does).
 */
async function startCache(options: Record<string, string>, upstreams: readonly string[], frame: Frame) {
  if (frame === 'go') {
    const proxy = await startProxy('cache', options, upstreams, { frame });
    mine.push(() => proxy.close());
    return proxy;
  }
  const strategy = makeStrategy('cache', options);
  const { app, ctx } = proxyServer(strategy, upstreams);
  await strategy.start?.(ctx);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const close = async () => {
    await app.close();
    await strategy.close?.();
  };
  mine.push(close);
  return { url, close };
}

async function redisServer(port?: number): Promise<RedisServer> {
  const server = await startRedisServer(port === undefined ? {} : { port });
  mine.push(() => server.stop());
  return server;
}

function redisClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  mine.push(async () => client.disconnect());
  return client;
}

const counter = async (url: string, name: string, labels: Record<string, string> = {}) =>
  metricValue(await scrape(url), `busybench_strategy_${name}`, labels);

const killed = (s: RedisServer, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill(signal);
  });

/** Fires the same request until the cache answers it (bounded): true when it did. */
async function untilHit(url: string, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const [a] = await fire(url, 1, 1);
    expect(a?.status).toBe(200);
    if (a?.headers.get('x-busybench-cache') === 'hit') return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const STREAM = { model: 'deepseek-v4-flash', stream: true, messages: [{ role: 'user', content: 'x' }] };
// Where a test counts exactly, a generous Redis timeout: a test process stalled past 50 ms (GC,
// the other test file on the second core) must not turn a hit into a counted error. The 50 ms
// default is tested on its own, with a Redis that stops answering.
const PATIENT = { redisTimeoutMs: '2000' };

describe.each(
  FRAMES.flatMap((frame) => [
    [frame, 'memory', async () => ({ store: 'memory' })] as const,
    [
      frame,
      'redis',
      async () => ({ store: 'redis', redisUrl: (await redisServer()).url, ...PATIENT }),
    ] as const,
  ]),
)('cache strategy (%s frame), store=%s', (frame, _name, options) => {
  it('answers a repeat from the store without an upstream attempt, and counts the hit ratio', async () => {
    const mock = await testMock();
    const proxy = await startCache(await options(), [mock.url], frame);
    const [first] = await fire(proxy.url, 1, 1);
    const [second, third] = await fire(proxy.url, 2, 1);
    expect(first?.headers.get('x-busybench-cache')).toBeNull();
    expect(second?.headers.get('x-busybench-cache')).toBe('hit');
    expect(second?.body).toBe(first?.body);
    expect(third?.body).toBe(first?.body);
    expect(await attempts(mock.url)).toBe(1);
    expect(await counter(proxy.url, 'upstream_attempts_total')).toBe(1);
    expect(await counter(proxy.url, 'cache_hits_total')).toBe(2);
    expect(await counter(proxy.url, 'cache_misses_total')).toBe(1);
    expect(await counter(proxy.url, 'cache_errors_total')).toBe(0);
    expect(await counter(proxy.url, 'local_answers_total', { reason: 'cache_hit' })).toBe(2);
  });

  it('forgets an answer after ttlMs', async () => {
    const mock = await testMock();
    const proxy = await startCache({ ...(await options()), ttlMs: '300' }, [mock.url], frame);
    await fire(proxy.url, 2, 1);
    expect(await attempts(mock.url)).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    const [after] = await fire(proxy.url, 1, 1);
    expect(after?.headers.get('x-busybench-cache')).toBeNull();
    expect(await attempts(mock.url)).toBe(2);
  });

  it('stores only whole non-streaming 200s: streams and errors always go upstream', async () => {
    const mock = await testMock();
    const proxy = await startCache(await options(), [mock.url], frame);
    await fire(proxy.url, 2, 1, { body: STREAM });
    expect(await attempts(mock.url)).toBe(2);
    const failing = await testMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const proxy503 = await startCache(await options(), [failing.url], frame);
    const answers = await fire(proxy503.url, 2, 1);
    expect(answers.map((a) => a.status)).toEqual([503, 503]);
    expect(await attempts(failing.url)).toBe(2);
    // Streams are not cacheable at all: neither hits nor misses.
    expect(await counter(proxy.url, 'cache_misses_total')).toBe(0);
    expect(await counter(proxy503.url, 'cache_misses_total')).toBe(2);
  });
});

describe.each(FRAMES)('cache strategy (%s frame), store=memory', (frame) => {
  it('keeps at most maxEntries, evicting the oldest', async () => {
    const mock = await testMock();
    const proxy = await startCache({ maxEntries: '1' }, [mock.url], frame);
    const other = { ...HELLO, messages: [{ role: 'user', content: 'something else' }] };
    await fire(proxy.url, 1, 1);
    await fire(proxy.url, 1, 1, { body: other });
    await fire(proxy.url, 1, 1);
    expect(await attempts(mock.url)).toBe(3);
  });
});

describe.each(FRAMES)('cache strategy (%s frame), store=redis', (frame) => {
  it('stores the answer in Redis with a PX ttl, and a second proxy on the same Redis gets the hit', async () => {
    const mock = await testMock();
    const redis = await redisServer();
    const options = { store: 'redis', redisUrl: redis.url, ttlMs: '20000', ...PATIENT };
    const a = await startCache(options, [mock.url], frame);
    const b = await startCache(options, [mock.url], frame);
    await fire(a.url, 1, 1);
    // A's set is not awaited by its client: wait (bounded) until Redis has it.
    const client = redisClient(redis.url);
    const until = Date.now() + 5_000;
    let keys: string[] = [];
    while (keys.length === 0 && Date.now() < until) keys = await client.keys('busybench:cache:*');
    expect(keys).toHaveLength(1);
    const pttl = await client.pttl(keys[0] as string);
    expect(pttl).toBeGreaterThan(15_000);
    expect(pttl).toBeLessThanOrEqual(20_000);
    const [fromB] = await fire(b.url, 1, 1);
    expect(fromB?.headers.get('x-busybench-cache')).toBe('hit');
    expect(await attempts(mock.url)).toBe(1);
    expect(await counter(b.url, 'cache_hits_total')).toBe(1);
  });

  it('Redis killed mid-run: every request still answered 200 upstream, errors counted; back on its port, hits again', async () => {
    const mock = await testMock();
    const redis = await redisServer();
    const proxy = await startCache({ store: 'redis', redisUrl: redis.url }, [mock.url], frame);
    expect(await untilHit(proxy.url, 5_000)).toBe(true);
    const before = await attempts(mock.url);

    await killed(redis, 'SIGKILL');
    const during = await fire(proxy.url, 20, 4);
    expect(during.every((a) => a.status === 200)).toBe(true);
    expect(during.some((a) => a.headers.get('x-busybench-cache') === 'hit')).toBe(false);
    expect(await attempts(mock.url)).toBe(before + 20);
    expect(await counter(proxy.url, 'cache_errors_total', { op: 'get' })).toBeGreaterThan(0);

    // Same port, empty: the client reconnects (at most a second apart), the first answer is
    // stored again and the next one is a hit.
    await redisServer(redis.port);
    expect(await untilHit(proxy.url, 10_000)).toBe(true);
  });

  it('a Redis that stops answering costs at most its timeout per request, counted; when it answers again, hits', async () => {
    const mock = await testMock();
    const redis = await redisServer();
    // The default redisTimeoutMs (50) on purpose.
    const proxy = await startCache({ store: 'redis', redisUrl: redis.url }, [mock.url], frame);
    expect(await untilHit(proxy.url, 5_000)).toBe(true);
    const errorsBefore = await counter(proxy.url, 'cache_errors_total', { op: 'get' });

    redis.child.kill('SIGSTOP');
    try {
      const during = await fire(proxy.url, 5, 1);
      expect(during.every((a) => a.status === 200)).toBe(true);
      expect(during.some((a) => a.headers.get('x-busybench-cache') === 'hit')).toBe(false);
      // The connection is open, so only the command timeout can have ended these waits.
      expect(Math.max(...during.map((a) => a.ms))).toBeLessThan(1_000);
      expect(await counter(proxy.url, 'cache_errors_total', { op: 'get' })).toBe(errorsBefore + 5);
    } finally {
      redis.child.kill('SIGCONT');
    }
    expect(await untilHit(proxy.url, 5_000)).toBe(true);
  });

  it('starts a redis-server of its own on loopback, without persistence, and stops it at close', async () => {
    const mock = await testMock();
    const before = ownRedisServers();
    const proxy = await startCache({ store: 'redis', ...PATIENT }, [mock.url], frame);
    const started = ownRedisServers().filter((s) => !before.some((b) => b.pid === s.pid));
    expect(started).toHaveLength(1);
    const server = started[0] as { pid: number; addr: string };
    expect(server.addr).toMatch(/^127\.0\.0\.1:\d+$/);

    const client = redisClient(`redis://${server.addr}`);
    expect(await client.config('GET', 'save')).toEqual(['save', '']);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    await fire(proxy.url, 2, 1);
    expect(await attempts(mock.url)).toBe(1);

    await proxy.close();
    expect(ownRedisServers().some((s) => s.pid === server.pid)).toBe(false);
  });
});

describe('cache strategy, store=redis', () => {
  it('a Node frame and a Go frame on one Redis share their answers (one key, one entry layout)', async () => {
    const mock = await testMock();
    const redis = await redisServer();
    const options = { store: 'redis', redisUrl: redis.url, ...PATIENT };
    const node = await startCache(options, [mock.url], 'node');
    const go = await startCache(options, [mock.url], 'go');
    const client = redisClient(redis.url);
    const storedOnce = async () => {
      const until = Date.now() + 5_000;
      while ((await client.keys('busybench:cache:*')).length === 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
    };
    const [fromNode] = await fire(node.url, 1, 1);
    await storedOnce();
    const [fromGo] = await fire(go.url, 1, 1);
    expect(fromGo?.headers.get('x-busybench-cache')).toBe('hit');
    expect(fromGo?.body).toBe(fromNode?.body);
    expect(fromGo?.headers.get('content-type')).toBe(fromNode?.headers.get('content-type'));
    // The other way: another prompt stored by the Go frame, served by the Node frame.
    await client.flushall();
    const other = { ...HELLO, messages: [{ role: 'user', content: 'something else' }] };
    const [goFirst] = await fire(go.url, 1, 1, { body: other });
    await storedOnce();
    const [nodeHit] = await fire(node.url, 1, 1, { body: other });
    expect(nodeHit?.headers.get('x-busybench-cache')).toBe('hit');
    expect(nodeHit?.body).toBe(goFirst?.body);
    expect(await attempts(mock.url)).toBe(2);
  });

  it('the Go frame does not start when its Redis is not there, and says why', async () => {
    const mock = await testMock();
    const nobody = `redis://:secret@127.0.0.1:${await freePort()}`;
    const err = await startCache({ store: 'redis', redisUrl: nobody }, [mock.url], 'go').catch(
      (e: unknown) => e,
    );
    expect((err as StrategyError).code).toBe('STRATEGY_ERR_GO_FRAME');
    expect((err as StrategyError).message).toMatch(
      /FRAME_ERR_START: cache: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*connection refused/,
    );
    expect((err as StrategyError).message).not.toMatch(/secret/);
  });

  it('fails to start with STRATEGY_ERR_REDIS when redis-server is missing or Redis is not there', async () => {
    const missing = await startRedisServer({ binary: null }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StrategyError);
    expect((missing as StrategyError).code).toBe('STRATEGY_ERR_REDIS');
    expect((missing as StrategyError).message).toMatch(
      /redis-server is not installed: apt-get install redis-server/,
    );
    const wrongPath = await startRedisServer({ binary: '/nonexistent/redis-server' }).catch(
      (e: unknown) => e,
    );
    expect((wrongPath as StrategyError).message).toMatch(/no \/nonexistent\/redis-server.*apt-get install/);

    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const strategy = makeStrategy('cache', { store: 'redis', redisUrl: nobody });
    const err = await strategy.start?.(new StrategyContext('cache', [])).catch((e: unknown) => e);
    expect((err as StrategyError).code).toBe('STRATEGY_ERR_REDIS');
    expect((err as StrategyError).message).toMatch(
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/,
    );
  });

  it('rejects options of the other store, and a redisUrl that is not one', () => {
    const problems = (o: Record<string, string>) => {
      try {
        makeStrategy('cache', o);
        return [];
      } catch (e) {
        expect((e as StrategyError).code).toBe('STRATEGY_ERR_BAD_OPTIONS');
        return (e as StrategyError).problems;
      }
    };
    expect(problems({ store: 'redis', redisUrl: 'redis://127.0.0.1:6379' })).toEqual([]);
    expect(problems({ store: 'redis', maxEntries: '5' })).toEqual([
      expect.stringMatching(/unknown option "maxEntries"/),
    ]);
    expect(problems({ redisUrl: 'redis://127.0.0.1:6379' })).toEqual([
      expect.stringMatching(/unknown option "redisUrl"/),
    ]);
    expect(problems({ store: 'redis', redisUrl: 'http://x' })).toEqual([expect.stringMatching(/redis:\/\//)]);
    expect(problems({ store: 'disk' })).toEqual([expect.stringMatching(/memory, redis/)]);
  });
});

/** redis-server processes this test process started (their title is "redis-server host:port"). */
function ownRedisServers(): Array<{ pid: number; addr: string }> {
  const ps = spawnSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+\S*redis-server\s+(\S+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), addr: m[2] as string }));
}
