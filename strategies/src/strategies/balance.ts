import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { drain, type Upstream, type UpstreamResponse } from '../upstream.js';

/**
 * Load balancing over the nodes, with failover: a 429 or 503 (or an unreachable node) sends the
 * request on to another node, each node tried at most once.
 * - `wrr`: smooth weighted round robin (nginx's algorithm), weights from `weights=3,1,1`;
 * - `least-outstanding`: the node with the fewest requests in flight here (ties in turn), which
 *   steers around a node that slowed down: its requests last longer, so it holds more of them.
 */
const FAILOVER = new Set([429, 502, 503]);

export function balance(o: Options, algorithm?: 'wrr' | 'least-outstanding'): Strategy {
  const algo = algorithm ?? o.choice('algorithm', 'least-outstanding', ['wrr', 'least-outstanding'] as const);
  const weights = o.list('weights', []).map(Number);
  if (weights.some((w) => !(w > 0 && Number.isFinite(w))))
    o.problems.push(`weights="${o.string('weights')}": each must be a number above 0`);
  const failover = o.number('failover', 1, 0, 1) === 1;
  const current = new Map<Upstream, number>();
  let turn = 0;

  const weightOf = (u: Upstream, i: number) => weights[i] ?? u.weight;
  const pick = (nodes: readonly Upstream[], all: readonly Upstream[]): Upstream => {
    if (algo === 'least-outstanding') {
      turn++;
      let best = nodes[turn % nodes.length] as Upstream;
      for (const u of nodes) if (u.outstanding < best.outstanding) best = u;
      return best;
    }
    // Smooth WRR: every node gains its weight, the richest is picked and pays the total.
    let total = 0;
    let best: Upstream | undefined;
    for (const u of nodes) {
      const w = weightOf(u, all.indexOf(u));
      total += w;
      current.set(u, (current.get(u) ?? 0) + w);
      if (!best || (current.get(u) ?? 0) > (current.get(best) ?? 0)) best = u;
    }
    const chosen = best as Upstream;
    current.set(chosen, (current.get(chosen) ?? 0) - total);
    return chosen;
  };

  return {
    name: algo === 'wrr' ? 'balance-wrr' : 'balance-lor',
    handle: async (req, ctx) => {
      let left = [...ctx.upstreams];
      let res: UpstreamResponse | undefined;
      while (left.length > 0) {
        const node = pick(left, ctx.upstreams);
        if (res) await drain(res);
        res = await ctx.attempt(node, req);
        if (!failover || !FAILOVER.has(res.status)) return res;
        left = left.filter((u) => u !== node);
      }
      return res as UpstreamResponse;
    },
  };
}
