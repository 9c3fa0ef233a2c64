import { createHash } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { type CacheStore, MemoryStore, type StoredAnswer } from '../cache-store.js';
import { StrategyError, StrategyErrorCodes } from '../errors.js';
import type { Options } from '../options.js';
import { type RedisServer, startRedisServer } from '../redis-server.js';
import { RedisStore } from '../redis-store.js';
import type { Strategy } from '../strategy.js';
import { localError, type UpstreamResponse } from '../upstream.js';
import { isWholeAnswer } from '../whole-answer.js';

/**
 * Response cache for non-streaming completions: the same body (model, messages, parameters) on
 * the same path from the same caller (the credential the client sent) within `ttlMs` gets the
 * stored answer without an upstream call. Only whole, real answers are stored (JSON with a
 * normal finish: whole-answer.ts); streams pass through. Honest about its limit: it helps only
 * where prompts repeat exactly.
 *
 * `store=memory` (the default) keeps answers in this proxy; `store=redis` keeps them in Redis,
 * as DeepSeek operations guides do, shared by every proxy using that Redis: `redisUrl`, or a
 * redis-server of our own started in `start`. A Redis that fails or is slow (over
 * `redisTimeoutMs`) costs a counted error and a trip upstream, never a failed request.
 */
export function cache(o: Options): Strategy {
  const kind = o.choice('store', 'memory', ['memory', 'redis'] as const);
  const ttlMs = o.number('ttlMs', 60_000, 1);
  // Options of the other store are not read, so Options.done() reports them as unknown.
  const memory = kind === 'memory' ? new MemoryStore(ttlMs, o.number('maxEntries', 10_000, 1)) : null;
  const redisUrl = kind === 'redis' ? o.string('redisUrl') : undefined;
  const redisTimeoutMs = kind === 'redis' ? o.number('redisTimeoutMs', 50, 1, 10_000) : 0;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^/]/.test(redisUrl))
    o.problems.push(`redisUrl="${redisUrl}" must be a redis:// or rediss:// URL`);

  let store: CacheStore | null = memory;
  let server: RedisServer | null = null;
  let starting: Promise<void> | null = null;

  const startRedis = async (): Promise<void> => {
    if (!redisUrl) server = await startRedisServer();
    const redis = new RedisStore({
      url: redisUrl ?? (server as RedisServer).url,
      ttlMs,
      timeoutMs: redisTimeoutMs,
    });
    try {
      await redis.connect();
    } catch (err) {
      await server?.stop();
      server = null;
      throw err;
    }
    store = redis;
  };

  return {
    name: 'cache',
    ...(memory ? { gauges: { cache_entries: () => memory.size } } : {}),
    // Idempotent, so a frame and a test (or two frames) may both call it.
    start: async (ctx) => {
      countersOf(ctx.registry);
      if (store) return;
      starting ??= startRedis().finally(() => {
        starting = null;
      });
      await starting;
    },
    close: async () => {
      const s = store;
      store = memory;
      if (s !== memory) await s?.close();
      await server?.stop();
      server = null;
    },
    handle: async (req, ctx) => {
      if (req.stream || !req.body) return ctx.send(req);
      if (!store)
        throw new StrategyError(
          StrategyErrorCodes.REDIS,
          'cache with store=redis is not started: the proxy must call start() before taking requests',
        );
      const c = countersOf(ctx.registry);
      // The key names the caller as the client sent it (not as a strategy before this one in a
      // chain rewrote it): another account's (or a bad) key never gets this one's answer.
      const key = createHash('sha256')
        .update(req.caller)
        .update('\0')
        .update(req.path)
        .update('\0')
        .update(req.body)
        .digest('hex');
      let hit: StoredAnswer | null = null;
      let storeDown = false;
      try {
        hit = await store.get(key);
      } catch {
        c.errors.inc({ op: 'get' });
        storeDown = true;
      }
      if (hit) {
        c.hits.inc();
        return ctx.local('cache_hit', {
          status: hit.status,
          headers: { ...hit.headers, 'x-busybench-cache': 'hit' },
          body: hit.body,
          upstream: 'cache',
        });
      }
      c.misses.inc();
      const res = await ctx.send(req);
      // Only a node's whole 200: not an answer made on our side (a fallback's, in a chain), not a cut one.
      if (res.status !== 200 || res.upstream === 'local' || res.cut) return res;
      let body: Buffer;
      if (Buffer.isBuffer(res.body)) body = res.body;
      else {
        const chunks: Buffer[] = [];
        try {
          for await (const chunk of res.body) chunks.push(chunk as Buffer);
        } catch (err) {
          // Not whole: never stored, and the client learns the answer broke off.
          return localError(
            502,
            'bad_gateway',
            `upstream ${res.upstream}: the answer broke off: ${(err as Error).message}`,
            res.upstream,
          );
        }
        body = Buffer.concat(chunks);
      }
      // A 200 is not yet an answer: only a whole, real one is served again (whole-answer.ts).
      if (!isWholeAnswer(body)) return { ...res, body } satisfies UpstreamResponse;
      const answer: StoredAnswer = { status: res.status, headers: res.headers, body };
      // Not awaited: the client need not wait for the store. Skipped when the get just failed,
      // since a set would most likely fail the same way and only add to Redis's backlog.
      if (!storeDown) store.set(key, answer).catch(() => c.errors.inc({ op: 'set' }));
      return { ...res, body: answer.body } satisfies UpstreamResponse;
    },
  };
}

interface CacheCounters {
  readonly hits: Counter;
  readonly misses: Counter;
  readonly errors: Counter<'op'>;
}

/** The hit ratio's counters, once per registry (at `start`, or at the first request without it). */
const counters = new WeakMap<Registry, CacheCounters>();
function countersOf(registry: Registry): CacheCounters {
  let c = counters.get(registry);
  if (c) return c;
  const p = 'busybench_strategy_cache_';
  c = {
    hits: new Counter({
      name: `${p}hits_total`,
      help: 'Cacheable requests (non-streaming, with a body) answered from the cache.',
      registers: [registry],
    }),
    misses: new Counter({
      name: `${p}misses_total`,
      help: 'Cacheable requests sent upstream: not stored, expired, or the store failed.',
      registers: [registry],
    }),
    errors: new Counter({
      name: `${p}errors_total`,
      help: 'Store operations that failed or timed out (the request went upstream), by op (get, set).',
      labelNames: ['op'],
      registers: [registry],
    }),
  };
  // Zero from the start, so a scrape before the first failure shows the series.
  for (const op of ['get', 'set']) c.errors.inc({ op }, 0);
  counters.set(registry, c);
  return c;
}
