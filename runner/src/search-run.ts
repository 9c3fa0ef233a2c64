import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ingestFile } from '../../collector/src/ingest-file.js';
import { LATE_AFTER_MS } from '../../collector/src/runner-view.js';
import { RunStats } from '../../collector/src/step-stats.js';
import { MEAN_KEY } from '../../common/sla/sla.js';
import type { StrategySpec } from '../../strategies/src/start-strategy.js';
import { type BenchmarkOptions, type BenchmarkResult, runBenchmark } from './benchmark.js';
import { type Probe, type SearchOptions, type SearchResult, searchCapacity } from './capacity-search.js';
import { judgeProbe, ProbeSample } from './probe-verdict.js';

export interface SearchRunOptions {
  /** What every probe shares with a run (mock, generator, plan's mix and SLA, stack, warm-up). */
  readonly benchmark: Omit<BenchmarkOptions, 'strategy' | 'out' | 'scenario' | 'scenarioSpeed'>;
  readonly spec: StrategySpec;
  /** Each probe's directory is `<out>/probe-<n>-<rate>`. */
  readonly out: string;
  readonly probeSeconds: number;
  readonly search: SearchOptions;
  readonly print: (line: string) => void;
  readonly interrupted: () => boolean;
}

/**
 * One strategy's capacity search (capacity-search.ts): each probe a whole run at one constant
 * rate (a fresh mock and strategy, warmed), judged by probe-verdict.ts on its requests and those
 * of earlier probes at the same rate.
 */
export async function runSearch(o: SearchRunOptions): Promise<SearchResult> {
  const samples = new Map<number, ProbeSample>();
  let n = 0;
  const probe = async (rate: number): Promise<Probe> => {
    n++;
    const dir = join(o.out, `probe-${n}-${rate}`);
    o.print(`  probe ${n}: ${o.spec.name} at ${rate} req/s for ${o.probeSeconds} s`);
    const result = await runBenchmark({
      ...o.benchmark,
      strategy: o.spec,
      scenario: null,
      scenarioSpeed: 1,
      out: dir,
      plan: {
        ...o.benchmark.plan,
        profile: { name: 'soak', rates: [rate], stepSeconds: o.probeSeconds, rampSeconds: 0 },
      },
      print: () => {},
    });
    const p = await judged(result, rate, dir, samples, o.benchmark.plan.sla);
    o.print(`  probe ${n}: ${rate} req/s ${p.verdict}: ${p.reason}`);
    return p;
  };
  return searchCapacity(probe, o.search, o.interrupted);
}

async function judged(
  result: BenchmarkResult,
  rate: number,
  dir: string,
  samples: Map<number, ProbeSample>,
  sla: NonNullable<BenchmarkOptions['plan']['sla']>,
): Promise<Probe> {
  // The harness first: arrivals the engine dropped, or started late, were not offered at the rate.
  const late = result.view.runners
    .flatMap((r) => r.steps)
    .filter((s) => s.dropped > 0 || (s.lateP99Ms ?? 0) > LATE_AFTER_MS);
  // Only the reasons that apply: arrivals dropped, and the starts' lateness when over the line.
  const dropped = late.reduce((a, s) => a + s.dropped, 0);
  const lateP99 = Math.max(0, ...late.map((s) => s.lateP99Ms ?? 0));
  const reasons = [
    ...(dropped > 0 ? [`dropped ${dropped} arrivals`] : []),
    ...(lateP99 > LATE_AFTER_MS ? [`started late, p99 ${lateP99.toFixed(1)} ms > ${LATE_AFTER_MS} ms`] : []),
  ];
  const harness =
    late.length > 0
      ? {
          reason: `the load generator did not hold ${rate} req/s (${reasons.join('; ')})`,
          lateP99Ms: lateP99,
        }
      : null;
  // The requests, from the results file, pooled with earlier probes at this rate.
  const run = new RunStats();
  const file = join(dir, 'results.json');
  if (existsSync(file)) await ingestFile(file, run);
  const step = run.ordered()[0];
  const sample = samples.get(rate) ?? new ProbeSample();
  samples.set(rate, sample);
  if (step) sample.add(step.requests, step.counts.get('ok') ?? 0, step.all);
  // The run's judge for every line the intervals do not cover (TTFT, error rates, means, classes).
  const otherBroken = result.view.verdict.lines
    .filter((l) => !l.ok)
    .filter(
      (l) =>
        !(l.priority === null && l.rule.kind === 'success') &&
        !(l.priority === null && l.rule.kind === 'latency' && l.rule.percentile !== MEAN_KEY) &&
        l.rule.kind !== 'dropped',
    )
    .map((l) => l.line);
  const { verdict, reason } = judgeProbe(sample, sla, otherBroken, harness);
  // Its requests left late: the rate's next probe starts afresh rather than pooled with them.
  if (harness) samples.delete(rate);
  return {
    rate,
    verdict,
    reason,
    successRate: sample.requests === 0 ? null : sample.ok / sample.requests,
    p99Ms: sample.requests === 0 ? null : sample.latency.percentileMs(99),
  };
}
