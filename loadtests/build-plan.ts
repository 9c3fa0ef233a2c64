import type { Sla } from '../common/sla/sla.js';
import type { Api, Arrivals, Mix, Plan, TraceSpec } from './plan.js';
import { buildProfile, type ProfileInput, peakRate } from './profiles.js';
import { sessionsForGap } from './sessions-plan.js';
import { type TraceInfo, traceProfile } from './trace-plan.js';

/**
 * A plan without its target, typed: what `busybench load` makes of its flags, and what `run`
 * and `compare` vary (the rates, the seed, the profile) before they point it at a strategy.
 */
export interface PlanInput {
  readonly profile: ProfileInput;
  readonly mix: Mix;
  readonly sla: Sla;
  /** Requests in flight at most; undefined: two seconds of the peak rate, at least 1 000. */
  readonly maxInFlight?: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly seed: number;
  readonly arrivals?: Arrivals;
  readonly api?: Api;
  /** A trace to replay in place of the profile, with what the engine found in it. */
  readonly trace?: { readonly spec: TraceSpec; readonly info: TraceInfo };
  /**
   * Conversations sized by the gap between their turns: as many as the mean rate keeps that
   * gap (rate × gap), in place of a count in `mix.sessions`.
   */
  readonly turnGap?: { readonly ms: number; readonly turns: number };
  /** `--stop-when-saturated`: the engine ends the run past saturation. */
  readonly stopWhenSaturated?: boolean;
}

/** The plan both load generators run (plan.ts), for a target already checked. */
export function buildPlan(target: string, allowRemote: boolean, input: PlanInput): Plan {
  const profile = input.trace ? traceProfile(input.trace.info) : buildProfile(input.profile);
  return {
    version: 1,
    target: target.replace(/\/+$/, ''),
    allowRemote,
    profile,
    mix: input.turnGap
      ? {
          ...input.mix,
          sessions: { count: sessionsForGap(profile, input.turnGap.ms), turns: input.turnGap.turns },
        }
      : input.mix,
    sla: input.sla,
    // An open model needs room for rate × latency in flight; LLM answers take seconds when busy.
    maxInFlight: input.maxInFlight ?? Math.max(1000, Math.ceil(peakRate(profile) * 2)),
    timeoutMs: input.timeoutMs,
    retries: input.retries,
    retryBaseMs: 100,
    seed: input.seed,
    ...(input.arrivals && input.arrivals.kind !== 'constant' ? { arrivals: input.arrivals } : {}),
    ...(input.trace ? { trace: input.trace.spec } : {}),
    ...(input.api && input.api !== 'openai' ? { api: input.api } : {}),
    ...(input.stopWhenSaturated ? { stopWhenSaturated: true } : {}),
  };
}
