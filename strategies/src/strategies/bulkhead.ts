import { BulkheadRejectedError, bulkhead as bulkheadPolicy } from 'cockatiel';
import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { localError, type UpstreamResponse, untilDone } from '../upstream.js';

/**
 * Bulkhead (cockatiel): at most `limit` requests upstream at once, `queue` more waiting; past
 * that, 429 at once. Set `limit` under the account's concurrency limit and the upstream never
 * answers 429 for concurrency: the wait moves into our queue, where it costs no attempt.
 */
export function bulkhead(o: Options): Strategy {
  const queue = o.number('queue', 512, 0);
  const policy = bulkheadPolicy(o.number('limit', 32, 1), queue);
  return {
    name: 'bulkhead',
    queueLength: () => queue - policy.queueSlots,
    gauges: {
      bulkhead_free_slots: () => policy.executionSlots,
      bulkhead_free_queue: () => policy.queueSlots,
    },
    handle: (req, ctx) =>
      new Promise<UpstreamResponse>((resolve, reject) => {
        // The slot is held until the answer's body is complete (as the account's limit counts
        // a request), while the response is handed on as soon as its headers are in.
        policy
          .execute(async () => {
            const res = await ctx.send(req);
            resolve(res);
            await untilDone(res);
          })
          .catch((err) => {
            if (err instanceof BulkheadRejectedError)
              resolve(
                ctx.local(
                  'bulkhead_full',
                  localError(
                    429,
                    'bulkhead_full',
                    'Rate Limit Reached: bulkhead full, too many requests in flight',
                  ),
                ),
              );
            else reject(err);
          });
      }),
  };
}
