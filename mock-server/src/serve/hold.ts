import { StreamFrames } from '../generation/render.js';
import { type Exchange, JSON_HEADERS, SSE_HEADERS } from './exchange.js';

/**
 * DeepSeek's behaviour under heavy load: answer 200 at once, then keep the connection alive with
 * blank lines (non-streaming) or `: keep-alive` comments (streaming) until capacity frees; past
 * the hold timeout, close with nothing more (clients see a 200 with an empty body).
 * Resolves true with a capacity slot taken.
 */
export async function hold(ex: Exchange): Promise<boolean> {
  const { capacity } = ex.node;
  const eff = ex.node.effective;
  ex.watch();
  ex.writeHead(200, ex.stream ? SSE_HEADERS : JSON_HEADERS);
  const { promise, waiter } = capacity.wait(capacity.held);
  ex.onEnd(() => capacity.cancel(capacity.held, waiter));
  const line = ex.stream ? StreamFrames.KEEP_ALIVE : '\n';
  const keepAlive = setInterval(() => ex.write(line), eff.holdKeepAliveMs);
  const timeout = setTimeout(() => capacity.cancel(capacity.held, waiter), eff.holdTimeoutMs);
  const granted = await promise;
  clearInterval(keepAlive);
  clearTimeout(timeout);
  if (!granted && !ex.closed) {
    ex.node.metrics?.fault('hold_timeout');
    ex.end();
  }
  return granted;
}
