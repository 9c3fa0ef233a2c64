import { parseDurationMs } from '../../../common/duration.js';
import { INJECTABLE_STATUSES, type InjectableStatus } from '../api-error.js';
import { deepMerge } from '../config/merge.js';
import type { Behaviour } from '../config/schema.js';
import { isZero, makeSampler, type Sampler } from './latency-model.js';
import type { Phase } from './scenario.js';

/**
 * A node's behaviour as the hot path needs it: merged with the current scenario phase, durations
 * in milliseconds, samplers built, fault rates as one cumulative table. Computed once per phase
 * change, never per request.
 */
export interface Effective {
  readonly behaviour: Behaviour;
  readonly phase: string;
  readonly ttft: Sampler;
  readonly interToken: Sampler;
  /** Prefill time for a model's uncached prompt tokens, ms, before any slowdown. */
  prefillMs(model: string, uncachedTokens: number): number;
  /** No latency configured at all: requests are answered without a timer. */
  readonly instant: boolean;
  readonly maxInFlight: number;
  readonly queueTimeoutMs: number;
  readonly holdKeepAliveMs: number;
  readonly holdTimeoutMs: number;
  readonly stallMs: number;
  readonly blackholeTimeoutMs: number;
  /** Cumulative probabilities: one draw picks at most one injected status. */
  readonly errorTable: ReadonlyArray<readonly [InjectableStatus, number]>;
  readonly anyNetworkFault: boolean;
  readonly anyStreamFault: boolean;
}

/**
 * `capacityScale`: the autoscaler's ready replicas over its minimum (autoscaler.ts), on top of
 * the phase's capacityFactor; 1 without one.
 */
export function computeEffective(base: Behaviour, phase?: Phase, capacityScale = 1): Effective {
  const behaviour = phase ? deepMerge(base, phase.patch) : base;
  const ttftMul = phase?.ttftMultiplier ?? 1;
  const itlMul = phase?.interTokenMultiplier ?? 1;
  const { latency, capacity, faults } = behaviour;

  let cumulative = 0;
  const errorTable: Array<readonly [InjectableStatus, number]> = [];
  for (const status of INJECTABLE_STATUSES) {
    const rate = faults.errors[String(status) as keyof typeof faults.errors] ?? 0;
    if (rate > 0) {
      cumulative += rate;
      errorTable.push([status, Math.min(1, cumulative)] as const);
    }
  }
  const net = faults.network;
  const stream = faults.stream;
  return {
    behaviour,
    phase: phase?.name ?? 'base',
    ttft: makeSampler(latency.ttft, ttftMul),
    interToken: makeSampler(latency.interToken, itlMul),
    prefillMs: (model, uncached) =>
      (latency.prefill.models[model] ?? latency.prefill.msPerToken) * uncached * ttftMul,
    instant:
      isZero(latency.ttft) &&
      isZero(latency.interToken) &&
      latency.prefill.msPerToken === 0 &&
      Object.values(latency.prefill.models).every((ms) => ms === 0),
    maxInFlight: Math.max(1, Math.round(capacity.maxInFlight * (phase?.capacityFactor ?? 1) * capacityScale)),
    queueTimeoutMs: parseDurationMs(capacity.queueTimeout),
    holdKeepAliveMs: Math.max(10, parseDurationMs(capacity.holdKeepAliveInterval)),
    holdTimeoutMs: parseDurationMs(capacity.holdTimeout),
    stallMs: parseDurationMs(stream.stallDuration),
    blackholeTimeoutMs: parseDurationMs(net.blackholeTimeout),
    errorTable,
    anyNetworkFault: net.reset + net.blackhole + net.slowBody + net.malformedJson > 0,
    anyStreamFault: stream.truncate + stream.insufficientResource + stream.contentFilter + stream.stall > 0,
  };
}
