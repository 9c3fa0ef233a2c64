import type { Strategy } from '../strategy.js';

/** The baseline: each request to the next node in turn, once, whatever comes back. */
export function passthrough(): Strategy {
  return { name: 'passthrough', handle: (req, ctx) => ctx.send(req) };
}
