import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { discard, RETRYABLE, type UpstreamResponse } from '../upstream.js';

/**
 * Hedged requests ("The Tail at Scale"): if no answer has come after `delayMs`, the same
 * request goes to another node too; the first good answer wins and the other is thrown away.
 * Cuts the tail when one node is slow, at the price of up to `maxHedges` extra attempts.
 */
export function hedge(o: Options): Strategy {
  const delayMs = o.number('delayMs', 500, 1);
  const maxHedges = o.number('maxHedges', 1, 1, 5);
  return {
    name: 'hedge',
    handle: (req, ctx) =>
      new Promise<UpstreamResponse>((resolve) => {
        let settled = false;
        let pending = 0;
        let lastBad: UpstreamResponse | undefined;
        const timers: NodeJS.Timeout[] = [];
        // Each attempt on a node not tried yet for this request (a hedge to the same slow node
        // would not help); past the last node, in turn again.
        const first = ctx.next();
        const start = ctx.upstreams.indexOf(first);
        let launched = 0;
        // Each attempt can be called off: the losers stop the node's work, not only our reading.
        const cancels: AbortController[] = [];
        const launch = () => {
          pending++;
          const node = ctx.upstreams[(start + launched++) % ctx.upstreams.length] ?? first;
          const cancel = new AbortController();
          cancels.push(cancel);
          void ctx.attempt(node, req, undefined, cancel.signal).then((res) => {
            pending--;
            if (settled) return discard(res);
            if (!RETRYABLE.has(res.status) || pending === 0) {
              settled = true;
              for (const t of timers) clearTimeout(t);
              for (const c of cancels) if (c !== cancel) c.abort();
              if (lastBad && lastBad !== res) discard(lastBad);
              resolve(res);
              return;
            }
            // A busy answer while another attempt is still out: wait for that one.
            if (lastBad) discard(lastBad);
            lastBad = res;
          });
        };
        launch();
        for (let h = 1; h <= maxHedges; h++)
          timers.push(
            setTimeout(() => {
              if (!settled) launch();
            }, delayMs * h),
          );
      }),
  };
}
