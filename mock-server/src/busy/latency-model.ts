import type { Distribution } from '../config/schema.js';
import type { Rng } from '../rng.js';

/** A sampler in milliseconds, never negative. Fixed distributions skip the RNG altogether. */
export type Sampler = (rng: Rng) => number;

export function makeSampler(d: Distribution, multiplier = 1): Sampler {
  switch (d.type) {
    case 'fixed': {
      const ms = d.ms * multiplier;
      return () => ms;
    }
    case 'uniform':
      return (rng) => (d.minMs + rng.next() * (d.maxMs - d.minMs)) * multiplier;
    case 'normal':
      return (rng) => Math.max(0, d.meanMs + rng.normal() * d.stdMs) * multiplier;
    case 'lognormal': {
      const mu = Math.log(d.medianMs);
      return (rng) => Math.exp(mu + d.sigma * rng.normal()) * multiplier;
    }
  }
}

/** True when a distribution can only ever give zero: requests then skip timers entirely. */
export function isZero(d: Distribution): boolean {
  return d.type === 'fixed' && d.ms === 0;
}

/**
 * Load-dependent slowdown: 1 until `threshold` of capacity is in use, then growing linearly to
 * `maxMultiplier` at full capacity, the way a GPU node's batch gets slower as it fills.
 */
export function slowdownMultiplier(
  inFlight: number,
  capacity: number,
  slowdown: { threshold: number; maxMultiplier: number },
): number {
  const used = inFlight / capacity;
  if (used <= slowdown.threshold || slowdown.maxMultiplier === 1) return 1;
  const over = Math.min(1, (used - slowdown.threshold) / Math.max(1e-9, 1 - slowdown.threshold));
  return 1 + over * (slowdown.maxMultiplier - 1);
}
