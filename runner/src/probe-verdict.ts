import { LatencyHistogram } from '../../collector/src/latency-histogram.js';
import { MEAN_KEY, percentileOf, type Sla } from '../../common/sla/sla.js';
import type { ProbeVerdict } from './capacity-search.js';

/** z for a two-sided 95 % interval. */
const Z95 = 1.959964;

/**
 * What the probes at one rate measured, pooled: a rate probed again (it was undecided) adds its
 * requests to the earlier ones', so the interval narrows with each probe.
 */
export class ProbeSample {
  requests = 0;
  ok = 0;
  readonly latency = new LatencyHistogram();

  add(requests: number, ok: number, latency: LatencyHistogram): void {
    this.requests += requests;
    this.ok += ok;
    this.latency.merge(latency);
  }
}

/** Wilson's 95 % interval of a share k/n (good near 0 and 1, where a success rate lives). */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * A 95 % interval of a percentile, distribution-free: the values at the ranks n·q ∓ z·√(n·q·(1−q))
 * (the order statistics' binomial interval), read off the histogram.
 */
export function percentileInterval(h: LatencyHistogram, percentile: number, z = Z95): [number, number] {
  const n = h.count;
  if (n === 0) return [0, Number.POSITIVE_INFINITY];
  const q = percentile / 100;
  const spread = z * Math.sqrt(n * q * (1 - q));
  const lo = Math.max(0, Math.floor(n * q - spread));
  const hi = Math.min(n, Math.ceil(n * q + spread));
  return [h.percentileMs((lo / n) * 100), hi >= n ? h.percentileMs(100) : h.percentileMs((hi / n) * 100)];
}

/** Where the load generator fell behind in a probe: why, in a line, and its starts' lateness. */
export interface HarnessShortfall {
  readonly reason: string;
  readonly lateP99Ms: number;
}

/**
 * One probe's verdict on the SLA: the success line and each latency percentile line by their
 * intervals (undecided where an interval straddles its line), every other line (TTFT, error
 * rates, means, classes) as the run's judge said. A probe whose engine fell behind measured the
 * harness, unless a line broke that the harness cannot have broken: the success rate (arrivals
 * dropped or started a few ms late fail no answer; the target saw less load than asked, not more)
 * or a latency percentile past its line by more than the starts' lateness. Then it is broken:
 * more load only breaks more. Retries that hold answers open fill the engine's in-flight cap
 * (dropped arrivals) exactly where the strategy breaks, and that is the strategy's.
 */
export function judgeProbe(
  sample: ProbeSample,
  sla: Sla,
  otherBroken: readonly string[],
  harness: HarnessShortfall | null,
): { verdict: ProbeVerdict; reason: string } {
  const broken = [...otherBroken];
  /** The broken lines the harness's shortfall cannot explain. */
  const notTheHarness: string[] = [];
  const undecided: string[] = [];
  const [lo, hi] = wilson(sample.ok, sample.requests);
  const pct = (x: number) => `${(x * 100).toFixed(3)} %`;
  if (hi < sla.successRate) {
    const line = `success rate ${pct(sample.ok / sample.requests)} (95 % up to ${pct(hi)}) < ${pct(sla.successRate)}`;
    broken.push(line);
    notTheHarness.push(line);
  } else if (lo < sla.successRate)
    undecided.push(
      `success rate ${pct(lo)}–${pct(hi)} straddles ${pct(sla.successRate)} (${sample.requests} requests)`,
    );
  for (const [key, limit] of Object.entries(sla.latencyMs)) {
    if (key === MEAN_KEY) continue; // the run's judge has it (no interval here)
    const [vlo, vhi] = percentileInterval(sample.latency, percentileOf(key));
    if (vlo >= limit) {
      const line = `latency ${key} ${Math.round(vlo)} ms or more >= ${limit} ms`;
      broken.push(line);
      if (harness !== null && vlo - harness.lateP99Ms >= limit) notTheHarness.push(line);
    } else if (vhi >= limit)
      undecided.push(`latency ${key} ${Math.round(vlo)}–${Math.round(vhi)} ms straddles ${limit} ms`);
  }
  if (harness !== null)
    return notTheHarness.length > 0
      ? { verdict: 'broken', reason: `${notTheHarness.join('; ')} (though ${harness.reason})` }
      : { verdict: 'harness', reason: `${harness.reason}: above this the figure would be the harness's` };
  if (broken.length > 0) return { verdict: 'broken', reason: broken.join('; ') };
  if (undecided.length > 0) return { verdict: 'undecided', reason: undecided.join('; ') };
  return { verdict: 'held', reason: 'every SLA line held, its interval clear of the line' };
}
