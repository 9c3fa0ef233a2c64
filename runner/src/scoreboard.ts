import type { Overall } from './overall.js';

/**
 * The comparison of strategies under the same scenario and load. Ranking, in order: the knee
 * (the last step before the first breach: a higher one is better; none, the first step broke,
 * ranks last), then the number of steps within SLA (a scenario whose calm falls in the last step
 * gives every strategy the same knee), then success rate, then p99. Every figure is the run's
 * own, measured; the ranking only sorts.
 */
export interface Scoreboard {
  readonly scenario: string | null;
  readonly profile: string;
  readonly rates: string;
  readonly generatedAt: string;
  /** Best first, each with its rank (1 = best). */
  readonly ranking: ReadonlyArray<Overall & { rank: number }>;
  /** The first strategy run is the baseline of the before/after view. */
  readonly baseline: string;
}

export function compareOveralls(a: Overall, b: Overall): number {
  return (
    (b.kneeRps ?? -1) - (a.kneeRps ?? -1) ||
    b.stepsHeld - a.stepsHeld ||
    b.successRate - a.successRate ||
    a.p99Ms - b.p99Ms
  );
}

export function scoreboard(
  runs: readonly Overall[],
  o: { scenario: string | null; profile: string; rates: string },
): Scoreboard {
  const ranking = [...runs].sort(compareOveralls).map((r, i) => ({ ...r, rank: i + 1 }));
  return { ...o, generatedAt: new Date().toISOString(), ranking, baseline: runs[0]?.strategy ?? '' };
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const num = (v: number | null, d = 1) => (v === null ? '–' : v.toFixed(d));

export function scoreboardMarkdown(s: Scoreboard): string {
  const head = [
    `# busybench compare: ${s.scenario ?? 'no scenario'}, ${s.profile} ${s.rates}`,
    '',
    '| rank | strategy | knee (req/s) | steps within SLA | p50 ms | p99 ms | success | 429 | 503 | amplification | error masking | goodput/s | recovery s | SLA |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const rows = s.ranking.map(
    (r) =>
      `| ${r.rank} | ${r.strategy} | ${r.kneeRps ?? 'none'} | ${r.stepsHeld}/${r.steps} | ${num(r.p50Ms)} | ${num(r.p99Ms)} | ${pct(r.successRate)} | ${pct(r.rate429)} | ${pct(r.rate503)} | ${num(r.amplification, 2)} | ${num(r.errorMasking, 2)} | ${num(r.goodput)} | ${num(r.recoveryS)} | ${r.slaPassed ? 'held' : `${r.brokenLines} line(s) broken`} |`,
  );
  const base = s.ranking.find((r) => r.strategy === s.baseline);
  const beforeAfter = base
    ? [
        '',
        `## Before / after (before: ${base.strategy})`,
        '',
        '| strategy | average latency ms | 503 rate | throughput (ok/s) | retries per request |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...s.ranking.map((r) => {
          const delta = (a: number, b: number) =>
            b === 0 ? '' : ` (${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)} %)`;
          const retries = r.amplification === null ? '–' : Math.max(0, r.amplification - 1).toFixed(2);
          return `| ${r.strategy} | ${num(r.meanMs)}${r === base ? '' : delta(r.meanMs, base.meanMs)} | ${pct(r.rate503)} | ${num(r.throughput)}${r === base ? '' : delta(r.throughput, base.throughput)} | ${retries} |`;
        }),
      ]
    : [];
  return `${[...head, ...rows, ...beforeAfter].join('\n')}\n`;
}
