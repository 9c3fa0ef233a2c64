import type { Exchange } from './exchange.js';
import { JSON_HEADERS, NO_RESPONSE } from './exchange.js';
import type { FaultPlan } from './fault-draw.js';

/**
 * Faults below HTTP that strike before any answer: a TCP reset, or a connection accepted and
 * never answered (closed after the blackhole timeout, so no load loop waits forever).
 * Returns true when the request was consumed by a fault.
 */
export function strikeEarly(ex: Exchange, faults: FaultPlan): boolean {
  if (faults.network === 'reset') {
    ex.node.metrics?.fault('network_reset');
    ex.reset();
    return true;
  }
  if (faults.network === 'blackhole') {
    ex.node.metrics?.fault('network_blackhole');
    ex.status = NO_RESPONSE;
    void ex.sleep(ex.node.effective.blackholeTimeoutMs).then((alive) => {
      if (alive) ex.req.raw.socket.destroy();
    });
    return true;
  }
  return false;
}

/** A whole body sent wrong: trickled at a few bytes a second, or cut off mid-JSON. */
export async function sendFaultyBody(
  ex: Exchange,
  text: string,
  kind: 'slow_body' | 'malformed_json',
): Promise<void> {
  const metrics = ex.node.metrics;
  if (kind === 'malformed_json') {
    metrics?.fault('network_malformed_json');
    ex.sendJson(200, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
    return;
  }
  metrics?.fault('network_slow_body');
  ex.watch();
  ex.writeHead(200, [...JSON_HEADERS, 'content-length', String(Buffer.byteLength(text))]);
  const perTick = Math.max(
    1,
    Math.round(ex.node.effective.behaviour.faults.network.slowBodyBytesPerSecond / 10),
  );
  for (let i = 0; i < text.length; i += perTick) {
    ex.write(text.slice(i, i + perTick));
    if (!(await ex.sleep(100))) return;
  }
  ex.end();
}
