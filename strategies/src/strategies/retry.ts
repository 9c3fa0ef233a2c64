import {
  DelegateBackoff,
  handleWhenResult,
  type IRetryBackoffContext,
  retry as retryPolicy,
} from 'cockatiel';
import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { drain, RETRYABLE, retryAfterMs, type UpstreamResponse } from '../upstream.js';
import { RetryBudget } from './retry-budget.js';

/**
 * Retry with exponential backoff and full jitter (cockatiel's retry policy), honouring
 * Retry-After when the upstream sends one, within a retry budget so that a long outage cannot
 * multiply the load (a retry needs a token; each request adds `budget` tokens).
 * Only the answer's status decides: a stream is retried before its first byte, never after.
 */
export function retry(o: Options): Strategy {
  const retries = o.number('retries', 3, 0, 20);
  const baseMs = o.number('baseMs', 100, 1, 60_000);
  const maxMs = o.number('maxMs', 5_000, 1, 600_000);
  const budget = new RetryBudget(o.number('budget', 0.5, 0, 10));
  // Full jitter (AWS architecture blog): uniform in [0, min(max, base * 2^attempt)).
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const last = (context.result as { value?: UpstreamResponse }).value;
    const told = last ? retryAfterMs(last) : null;
    if (told !== null) return Math.min(told, maxMs);
    return Math.random() * Math.min(maxMs, baseMs * 2 ** (context.attempt - 1));
  });
  const policy = retryPolicy(
    handleWhenResult((r) => RETRYABLE.has((r as UpstreamResponse).status) && budget.withdraw()),
    { maxAttempts: retries, backoff },
  );
  return {
    name: 'retry',
    gauges: { retry_budget_tokens: () => budget.tokens },
    handle: async (req, ctx) => {
      budget.deposit();
      let previous: UpstreamResponse | undefined;
      return policy.execute(async () => {
        if (previous) await drain(previous);
        previous = await ctx.send(req);
        return previous;
      });
    },
  };
}
