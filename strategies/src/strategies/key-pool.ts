import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';

/**
 * API-key pool: each request goes out with the next key of the pool, whatever key the client
 * sent. Against DeepSeek's per-*account* concurrency, keys of one account share one ceiling, so
 * rotating them raises nothing; keys of several accounts do (a test shows both on the mock).
 */
export function keyPool(o: Options): Strategy {
  const keys = o.list('keys', ['sk-busybench', 'sk-busybench-2', 'sk-busybench-3']);
  if (keys.length === 0) o.problems.push('keys: name at least one key');
  let i = 0;
  return {
    name: 'key-pool',
    handle: (req, ctx) => {
      const key = keys[i++ % keys.length] as string;
      return ctx.send({ ...req, headers: { ...req.headers, authorization: `Bearer ${key}` } });
    },
  };
}
