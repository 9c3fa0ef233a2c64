import {
  BrokenCircuitError,
  CircuitState,
  circuitBreaker,
  handleWhenResult,
  SamplingBreaker,
} from 'cockatiel';
import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { localError, RETRYABLE, type UpstreamResponse } from '../upstream.js';

/**
 * Circuit breaker (cockatiel, sampling breaker): when over `threshold` of the answers in the
 * last `windowMs` were busy (429/5xx) — with at least `minRps` to judge by — it opens and answers
 * 503 at once without calling upstream, for `halfOpenMs`; then one request tests the water.
 * Fast failure for clients, and the upstream gets room to recover.
 */
export function breaker(o: Options): Strategy {
  const policy = circuitBreaker(
    handleWhenResult((r) => RETRYABLE.has((r as UpstreamResponse).status)),
    {
      halfOpenAfter: o.number('halfOpenMs', 5_000, 10),
      breaker: new SamplingBreaker({
        threshold: o.number('threshold', 0.5, 0.01, 1),
        duration: o.number('windowMs', 10_000, 100),
        minimumRps: o.number('minRps', 5, 0),
      }),
    },
  );
  const STATE = {
    [CircuitState.Closed]: 0,
    [CircuitState.Open]: 1,
    [CircuitState.HalfOpen]: 2,
    [CircuitState.Isolated]: 1,
  };
  return {
    name: 'breaker',
    gauges: { breaker_state: () => STATE[policy.state] },
    handle: async (req, ctx) => {
      try {
        return await policy.execute(() => ctx.send(req));
      } catch (err) {
        if (!(err instanceof BrokenCircuitError)) throw err;
        return ctx.local(
          'breaker_open',
          localError(
            503,
            'circuit_open',
            'Server Overloaded: circuit breaker open, upstream failing; retry after a brief wait',
          ),
        );
      }
    },
  };
}
