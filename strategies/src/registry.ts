import { StrategyError, StrategyErrorCodes } from './errors.js';
import { Options } from './options.js';
import { balance } from './strategies/balance.js';
import { breaker } from './strategies/breaker.js';
import { bulkhead } from './strategies/bulkhead.js';
import { cache } from './strategies/cache.js';
import { fallback } from './strategies/fallback.js';
import { hedge } from './strategies/hedge.js';
import { keyPool } from './strategies/key-pool.js';
import { openaiSdk } from './strategies/openai-sdk.js';
import { passthrough } from './strategies/passthrough.js';
import { priority } from './strategies/priority.js';
import { rateLimit } from './strategies/rate-limit.js';
import { retry } from './strategies/retry.js';
import type { Strategy, StrategyContext } from './strategy.js';
import type { ProxyRequest, UpstreamResponse } from './upstream.js';

/** The reference strategies by name, each with what it does in one line (for --help and docs). */
export const STRATEGIES: Record<string, { about: string; make: (o: Options) => Strategy }> = {
  passthrough: { about: 'baseline: round robin over the nodes, no resilience', make: () => passthrough() },
  retry: { about: 'exponential backoff + full jitter, Retry-After, retry budget (cockatiel)', make: retry },
  breaker: { about: 'circuit breaker: fail fast while the upstream fails (cockatiel)', make: breaker },
  bulkhead: { about: 'concurrency limit with a queue (cockatiel)', make: bulkhead },
  priority: { about: 'priority queue by x-priority P0-P3, P0 slots reserved, P3 shed first', make: priority },
  'rate-limit': { about: 'client-side token bucket', make: rateLimit },
  'key-pool': { about: 'rotate API keys per request', make: keyPool },
  'balance-wrr': {
    about: 'weighted round robin over nodes, failover on 429/503',
    make: (o) => balance(o, 'wrr'),
  },
  'balance-lor': {
    about: 'least outstanding requests, failover on 429/503',
    make: (o) => balance(o, 'least-outstanding'),
  },
  hedge: { about: 'hedged requests: a second attempt after a delay, first good answer wins', make: hedge },
  cache: { about: 'response cache for repeated non-streaming requests', make: cache },
  fallback: { about: 'a degraded answer instead of an error', make: fallback },
  'openai-sdk': { about: "the official openai SDK's built-in retries behind a shim", make: openaiSdk },
};

/**
 * Strategies that are not Node code of ours, run by their own runner (strategies/src/nginx.ts,
 * strategies/src/haproxy.ts).
 */
export const EXTERNAL = {
  nginx: 'nginx upstream: least_conn, max_fails, proxy_next_upstream (Debian nginx)',
  haproxy: 'HAProxy: leastconn, L7 retries + redispatch, x-priority P0-P3 queue (Debian HAProxy 2.6)',
} as const;

/** Strategies that pick the node themselves: they can only be the last link of a chain. */
const PICKS_NODES = new Set(['balance-wrr', 'balance-lor', 'hedge', 'openai-sdk']);

/**
 * A reference strategy by name, or a chain of them joined by "+" — `retry+breaker` is a retry
 * around a breaker around the upstream call; each link's options are prefixed with its name
 * (`retry.retries=2`).
 */
export function makeStrategy(name: string, raw: Readonly<Record<string, string>>): Strategy {
  if (name.includes('+')) return makeChain(name.split('+'), raw);
  return makeOne(name, raw);
}

function makeChain(names: readonly string[], raw: Readonly<Record<string, string>>): Strategy {
  const problems: string[] = [];
  for (const key of Object.keys(raw))
    if (!names.includes(key.split('.')[0] as string))
      problems.push(
        `option "${key}": in a chain, options are prefixed with their strategy (${names[0]}.option=value)`,
      );
  names.slice(0, -1).forEach((n) => {
    if (PICKS_NODES.has(n)) problems.push(`${n} picks the node itself: it can only come last in a chain`);
  });
  if (problems.length > 0)
    throw new StrategyError(StrategyErrorCodes.BAD_OPTIONS, `bad chain ${names.join('+')}`, problems);
  const links = names.map((n) =>
    makeOne(
      n,
      Object.fromEntries(
        Object.entries(raw)
          .filter(([k]) => k.startsWith(`${n}.`))
          .map(([k, v]) => [k.slice(n.length + 1), v]),
      ),
    ),
  );
  const through = (i: number, req: ProxyRequest, ctx: StrategyContext): Promise<UpstreamResponse> => {
    const link = links[i] as Strategy;
    if (i === links.length - 1) return link.handle(req, ctx);
    return link.handle(
      req,
      ctx.withSend((r) => through(i + 1, r, ctx)),
    );
  };
  return {
    name: names.join('+'),
    gauges: Object.assign({}, ...links.map((l) => l.gauges ?? {})),
    // A chain's queue is every link's queue: a request waits in one of them at a time.
    queueLength: () => links.reduce((n, l) => n + (l.queueLength?.() ?? 0), 0),
    handle: (req, ctx) => through(0, req, ctx),
    // Every link's own parts (the cache's Redis) start with the chain and stop with it.
    start: async (ctx) => {
      const started: Strategy[] = [];
      try {
        for (const link of links) {
          await link.start?.(ctx);
          started.push(link);
        }
      } catch (err) {
        // A link that failed to start leaves none of the others running.
        for (const link of started.reverse()) await link.close?.();
        throw err;
      }
    },
    close: async () => {
      for (const link of links.toReversed()) await link.close?.();
    },
  };
}

function makeOne(name: string, raw: Readonly<Record<string, string>>): Strategy {
  const entry = STRATEGIES[name];
  if (!entry)
    throw new StrategyError(
      StrategyErrorCodes.UNKNOWN,
      `no strategy "${name}": one of ${[...Object.keys(STRATEGIES), ...Object.keys(EXTERNAL)].join(', ')}, or a URL`,
    );
  const o = new Options(name, raw);
  const strategy = entry.make(o);
  o.done();
  return strategy;
}
