import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { localError } from '../upstream.js';

/**
 * Client-side token bucket: at most `rps` requests a second upstream (bursts of `burst`);
 * a request waits up to `maxWaitMs` for a token, else gets 429 here, not from the API. Keeps a
 * client under the API's RPM limit instead of learning it from 429s.
 */
export function rateLimit(o: Options): Strategy {
  const rps = o.number('rps', 100, 0.1);
  const burst = o.number('burst', Math.max(1, rps / 5), 1);
  const maxWaitMs = o.number('maxWaitMs', 5_000, 0);
  let tokens = burst;
  let last = Date.now();
  /** Time of the next free token when the bucket is empty: waiting requests queue in order. */
  let nextFree = 0;
  const take = (): number | null => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rps);
    last = now;
    if (tokens >= 1 && nextFree <= now) {
      tokens -= 1;
      return 0;
    }
    const at = Math.max(now, nextFree) + 1000 / rps;
    if (at - now > maxWaitMs) return null;
    nextFree = at;
    return at - now;
  };
  return {
    name: 'rate-limit',
    gauges: { rate_limit_tokens: () => tokens },
    handle: async (req, ctx) => {
      const wait = take();
      if (wait === null)
        return ctx.local(
          'rate_limited',
          localError(429, 'client_rate_limited', 'Rate Limit Reached: client-side token bucket empty'),
        );
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return ctx.send(req);
    },
  };
}
