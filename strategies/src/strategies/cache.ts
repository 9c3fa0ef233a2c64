import { createHash } from 'node:crypto';
import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import type { UpstreamResponse } from '../upstream.js';

/**
 * Response cache for non-streaming completions: the same body (model, messages, parameters)
 * within `ttlMs` gets the stored answer without an upstream call. Only 200s are stored; at most
 * `maxEntries`, the oldest evicted first (a Map keeps insertion order). Streams pass through.
 * Honest about its limit: it helps only where prompts repeat exactly.
 */
export function cache(o: Options): Strategy {
  const ttlMs = o.number('ttlMs', 60_000, 1);
  const maxEntries = o.number('maxEntries', 10_000, 1);
  const entries = new Map<
    string,
    { at: number; status: number; headers: Record<string, string>; body: Buffer }
  >();
  return {
    name: 'cache',
    gauges: { cache_entries: () => entries.size },
    handle: async (req, ctx) => {
      if (req.stream || !req.body) return ctx.send(req);
      const key = createHash('sha256').update(req.path).update(req.body).digest('hex');
      const hit = entries.get(key);
      if (hit && Date.now() - hit.at < ttlMs)
        return ctx.local('cache_hit', {
          ...hit,
          headers: { ...hit.headers, 'x-busybench-cache': 'hit' },
          upstream: 'cache',
        });
      const res = await ctx.send(req);
      if (res.status !== 200 || Buffer.isBuffer(res.body)) return res;
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      entries.delete(key);
      entries.set(key, { at: Date.now(), status: res.status, headers: res.headers, body });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return { ...res, body } satisfies UpstreamResponse;
    },
  };
}
