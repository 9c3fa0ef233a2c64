import { INJECTABLE_STATUSES, type InjectableStatus } from '../api-error.js';
import type { Effective } from '../busy/effective.js';
import type { Rng } from '../rng.js';

export const NETWORK_FAULTS = ['reset', 'blackhole', 'slow_body', 'malformed_json'] as const;
export const STREAM_FAULTS = ['truncate', 'insufficient_resource', 'content_filter', 'stall'] as const;
export type NetworkFault = (typeof NETWORK_FAULTS)[number];
export type StreamFault = (typeof STREAM_FAULTS)[number];

export interface FaultPlan {
  error: InjectableStatus | null;
  network: NetworkFault | null;
  stream: StreamFault | null;
  /** Also honoured from the header: overflow this request into DeepSeek's hold. */
  hold: boolean;
}

/** The plan of nearly every request when no fault is configured: shared, never written. */
const NO_FAULTS: FaultPlan = Object.freeze({ error: null, network: null, stream: null, hold: false });

/**
 * This request's faults: drawn from the configured rates, then the override headers on top
 * (when allowed). Returns a problem message for an unknown header value.
 */
export function decideFaults(
  eff: Effective,
  rng: Rng,
  headers: Record<string, unknown>,
  honourHeaders: boolean,
): FaultPlan | string {
  const forced =
    honourHeaders &&
    (headers['x-busybench-error'] !== undefined || headers['x-busybench-fault'] !== undefined);
  if (!forced && eff.errorTable.length === 0 && !eff.anyNetworkFault && !eff.anyStreamFault) return NO_FAULTS;
  const plan = drawFaults(eff, rng);
  return forced ? (applyForcedHeaders(plan, headers) ?? plan) : plan;
}

/** One draw per configured kind, in a fixed order, so a seed replays the same faults. */
export function drawFaults(eff: Effective, rng: Rng): FaultPlan {
  const plan: FaultPlan = { error: null, network: null, stream: null, hold: false };
  if (eff.errorTable.length > 0) {
    const u = rng.next();
    for (const [status, upTo] of eff.errorTable) {
      if (u < upTo) {
        plan.error = status;
        break;
      }
    }
  }
  const { network, stream } = eff.behaviour.faults;
  if (eff.anyNetworkFault) {
    plan.network = pickOne(rng.next(), NETWORK_FAULTS, [
      network.reset,
      network.blackhole,
      network.slowBody,
      network.malformedJson,
    ]);
  }
  if (eff.anyStreamFault) {
    plan.stream = pickOne(rng.next(), STREAM_FAULTS, [
      stream.truncate,
      stream.insufficientResource,
      stream.contentFilter,
      stream.stall,
    ]);
  }
  return plan;
}

function pickOne<K extends string>(u: number, kinds: readonly K[], rates: readonly number[]): K | null {
  let upTo = 0;
  for (let i = 0; i < kinds.length; i++) {
    upTo += rates[i] as number;
    if (u < upTo) return kinds[i] as K;
  }
  return null;
}

/**
 * The per-request override headers, for deterministic client tests: `x-busybench-error: 503`
 * forces an error answer, `x-busybench-fault: truncate` (or any fault kind, or `hold`) a fault.
 * Returns a problem message when a header holds something unknown.
 */
export function applyForcedHeaders(plan: FaultPlan, headers: Record<string, unknown>): string | null {
  const error = headers['x-busybench-error'];
  if (typeof error === 'string') {
    const status = Number(error) as InjectableStatus;
    if (!INJECTABLE_STATUSES.includes(status)) {
      return `x-busybench-error must be one of ${INJECTABLE_STATUSES.join(', ')}`;
    }
    plan.error = status;
  }
  const fault = headers['x-busybench-fault'];
  if (typeof fault === 'string') {
    if (fault === 'hold') plan.hold = true;
    else if ((NETWORK_FAULTS as readonly string[]).includes(fault)) plan.network = fault as NetworkFault;
    else if ((STREAM_FAULTS as readonly string[]).includes(fault)) plan.stream = fault as StreamFault;
    else return `x-busybench-fault must be one of hold, ${[...NETWORK_FAULTS, ...STREAM_FAULTS].join(', ')}`;
  }
  return null;
}
