import { Options, StrategyError } from './options.js';
import { balance } from './strategies/balance.js';
import { breaker } from './strategies/breaker.js';
import { bulkhead } from './strategies/bulkhead.js';
import { cache } from './strategies/cache.js';
import { fallback } from './strategies/fallback.js';
import { hedge } from './strategies/hedge.js';
import { keyPool } from './strategies/key-pool.js';
import { openaiSdk } from './strategies/openai-sdk.js';
import { passthrough } from './strategies/passthrough.js';
import { rateLimit } from './strategies/rate-limit.js';
import { retry } from './strategies/retry.js';
import type { Strategy } from './strategy.js';

/** The reference strategies by name, each with what it does in one line (for --help and docs). */
export const STRATEGIES: Record<string, { about: string; make: (o: Options) => Strategy }> = {
  passthrough: { about: 'baseline: round robin over the nodes, no resilience', make: () => passthrough() },
  retry: { about: 'exponential backoff + full jitter, Retry-After, retry budget (cockatiel)', make: retry },
  breaker: { about: 'circuit breaker: fail fast while the upstream fails (cockatiel)', make: breaker },
  bulkhead: { about: 'concurrency limit with a queue (cockatiel)', make: bulkhead },
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

/** Strategies that are not Node code of ours, run by their own runner (strategies/src/nginx.ts). */
export const EXTERNAL = {
  nginx: 'nginx upstream: least_conn, max_fails, proxy_next_upstream (Debian nginx)',
} as const;

export function makeStrategy(name: string, raw: Readonly<Record<string, string>>): Strategy {
  const entry = STRATEGIES[name];
  if (!entry)
    throw new StrategyError(
      'STRATEGY_ERR_UNKNOWN',
      `no strategy "${name}": one of ${[...Object.keys(STRATEGIES), ...Object.keys(EXTERNAL)].join(', ')}, or a URL`,
    );
  const o = new Options(name, raw);
  const strategy = entry.make(o);
  o.done();
  return strategy;
}
