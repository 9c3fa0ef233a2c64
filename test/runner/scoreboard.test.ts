import { describe, expect, it } from 'vitest';
import { rankWithTies } from '../../runner/src/ranking.js';
import { type Figure, type FigureName, figure } from '../../runner/src/run-figures.js';
import {
  type FaultSection,
  faultsLoadText,
  type Scoreboard,
  type SectionRow,
  scoreboardMarkdown,
  tieSentences,
  traceLoadText,
} from '../../runner/src/scoreboard.js';

const f = (value: number | null, lo: number | null = null, hi: number | null = null): Figure =>
  figure(value, lo === null || hi === null ? null : { lo, hi }, lo === null ? 'none' : 'windows');

describe('ranking with ties, a sort of the figures and their intervals', () => {
  const rows = [
    { strategy: 'passthrough', g: f(900, 880, 945) },
    { strategy: 'retry', g: f(1000, 970, 1030) },
    { strategy: 'nginx', g: f(960, 940, 975) },
    { strategy: 'breaker', g: f(null) },
    { strategy: 'haproxy', g: f(700, 690, 710) },
    { strategy: 'hedge', g: f(null) },
  ];

  it('sorts by the value, better first, and puts strategies whose intervals overlap in one place', () => {
    const placed = rankWithTies(rows, (r) => r.g, 'higher');
    expect(placed.map((p) => [p.rank, p.row.strategy, p.tiedWith])).toEqual([
      [1, 'retry', ['nginx', 'passthrough']],
      // nginx's 940-975 overlaps retry's 970-1030: the same place.
      [1, 'nginx', ['retry', 'passthrough']],
      // passthrough's 880-945 overlaps nginx's (not retry's): in that place too.
      [1, 'passthrough', ['retry', 'nginx']],
      [4, 'haproxy', []],
      // No value: last, and no tie between two strategies that have none.
      [5, 'breaker', []],
      [6, 'hedge', []],
    ]);
    // Every pair whose intervals overlap shares a place.
    for (const a of placed)
      for (const b of placed) {
        const [x, y] = [a.row.g, b.row.g];
        if (x.lo !== null && y.lo !== null && x.lo <= (y.hi as number) && y.lo <= (x.hi as number))
          expect(a.rank, `${a.row.strategy} ${b.row.strategy}`).toBe(b.rank);
      }
  });

  it('turns the order round for a lower-is-better figure, and without intervals ties only equal values', () => {
    const plain = [
      { strategy: 'a', g: f(3) },
      { strategy: 'b', g: f(1) },
      { strategy: 'c', g: f(1) },
    ];
    expect(rankWithTies(plain, (r) => r.g, 'lower').map((p) => [p.rank, p.row.strategy])).toEqual([
      [1, 'b'],
      [1, 'c'],
      [3, 'a'],
    ]);
    // Apart intervals: no tie, whatever the gap.
    const apart = [
      { strategy: 'x', g: f(10, 9.9, 10.1) },
      { strategy: 'y', g: f(10.3, 10.2, 10.4) },
    ];
    expect(rankWithTies(apart, (r) => r.g, 'higher').map((p) => p.tiedWith.length)).toEqual([0, 0]);
  });
});

describe('the scoreboard in markdown', () => {
  const figures = (o: Partial<Record<FigureName, Figure>>): Record<FigureName, Figure> => ({
    successRate: f(0.99, 0.985, 0.995),
    rate429: f(0),
    rate503: f(0.01, 0.008, 0.012),
    p50Ms: f(100),
    p99Ms: f(500, 480, 520),
    meanMs: f(200, 190, 210),
    throughput: f(50, 48, 52),
    goodput: f(48, 46, 50),
    peakGoodput: f(48),
    amplification: f(1, 1, 1),
    retriesPerRequest: f(0),
    errorMasking: f(null),
    usdPer1kOk: f(0.0123),
    wastedTokenShare: f(0.05),
    knee: f(null),
    recoveryS: f(2),
    worstUsersSuccess: f(null),
    usersJain: f(null),
    ...o,
  });
  const row = (
    strategy: string,
    rank: number,
    tiedWith: string[],
    o: Partial<Record<FigureName, Figure>>,
  ): SectionRow => ({
    strategy,
    rank,
    tiedWith,
    runs: 1,
    slaHeld: 0,
    notRecovered: 0,
    figures: figures(o),
  });
  const faults: FaultSection = {
    experiment: 'faults',
    load: '1000 req/s for 38 s',
    deciding: 'goodput',
    scenario: 'outage-recovery',
    speed: 4,
    rate: 1000,
    ranking: [
      row('retry', 1, ['passthrough'], {
        meanMs: f(100, 95, 105),
        throughput: f(60, 58, 62),
        retriesPerRequest: f(0.4, 0.3, 0.5),
      }),
      row('passthrough', 1, ['retry'], {}),
    ],
    phases: [],
    series: [],
    recovery: [{ strategy: 'retry', phase: 'outage', recoveryS: f(3), statuses: ['recovered'] }],
  };
  const board: Scoreboard = {
    generatedAt: 'now',
    strategies: ['passthrough', 'retry'],
    baseline: 'passthrough',
    repeats: 1,
    order: 'interleaved',
    intervals: 'windows',
    faults,
  };

  it('writes each figure with its interval, the shared place, the tie in words and the before/after view', () => {
    const md = scoreboardMarkdown(board);
    expect(md).toContain('## Faults: what does each strategy do while the API is busy?');
    expect(md).toContain('| 1= | retry | 48.0 [46.0, 50.0] | 2.0 | 99.00 % [98.50 %, 99.50 %] |');
    expect(md).toContain('Tie for place 1: retry, passthrough');
    expect(md).toContain('Before / after (before: passthrough)');
    expect(md).toContain(
      '| retry | 100.0 [95.0, 105.0] (-50 %) | 1.0 % [0.8 %, 1.2 %] | 60.0 [58.0, 62.0] (+20 %) | 0.40 [0.30, 0.50] |',
    );
    expect(md).toContain('| retry | outage | 3.0 | recovered |');
    expect(md).toMatch(/bootstrap over the 1-second windows of the run/);
    expect(tieSentences(faults)).toHaveLength(1);
  });

  it('says a knee of none, a knee at the top step as a lower bound, and a fault not recovered from', () => {
    const capacity = {
      experiment: 'capacity' as const,
      load: 'stepped',
      deciding: 'peakGoodput' as const,
      rates: [100, 200],
      curves: [],
      ranking: [row('haproxy', 1, [], { knee: f(200) }), row('passthrough', 2, [], { knee: f(null) })],
    };
    const md = scoreboardMarkdown({
      ...board,
      capacity,
      faults: { ...faults, ranking: [{ ...row('retry', 1, [], {}), notRecovered: 1 }] },
    });
    expect(md).toMatch(/\| 1 \| haproxy \| 48\.0 \| ≥ 200 \|/);
    expect(md).toMatch(/\| 2 \| passthrough \| 48\.0 \| none \|/);
    expect(md).toMatch(/\| 1 \| retry \| 48\.0 \[46\.0, 50\.0\] \| not recovered \(1\/1 runs\) \|/);
  });

  it('shows fairness between users only when some run carried user_ids', () => {
    expect(scoreboardMarkdown(board)).not.toContain('worst 1 % of users');
    const fair = {
      ...faults,
      ranking: [
        row('retry', 1, [], { worstUsersSuccess: f(0.82, 0.8, 0.84), usersJain: f(0.994) }),
        row('passthrough', 2, [], {}),
      ],
    };
    const md = scoreboardMarkdown({ ...board, faults: fair });
    expect(md).toMatch(/\| worst 1 % of users: success \| users' Jain index \| SLA held \|/);
    expect(md).toMatch(/\| 1 \| retry \|.*\| 82\.00 % \[80\.00 %, 84\.00 %\] \| 0\.994 \| 0\/1 \|/);
    expect(md).toMatch(/\| 2 \| passthrough \|.*\| – \| – \| 0\/1 \|/);
    expect(scoreboardMarkdown({ ...board, faults: fair }, 'zh-CN')).toContain('用户间 Jain 公平指数');
  });

  it("says the load from its figures in the scoreboard's language; the JSON keeps it in English", () => {
    const loadSpec = { rate: 1000, seconds: 38, scenario: 'outage-recovery', speed: 4, nodes: 3 };
    const spoken = { ...board, faults: { ...faults, load: faultsLoadText(loadSpec), loadSpec } };
    const english = '1000 req/s for 38 s while the mock plays outage-recovery at x4, 3 nodes';
    expect(spoken.faults.load).toBe(english);
    expect(scoreboardMarkdown(spoken)).toContain(`\n${english}\n`);
    const zh = scoreboardMarkdown(spoken, 'zh-CN');
    expect(zh).toContain('\n1000 req/s 持续 38 s，模拟服务以 4 倍速播放 outage-recovery，3 个节点\n');
    expect(zh).not.toContain(english);
    // A scoreboard written before the figures were kept shows its words as they are.
    expect(scoreboardMarkdown(board, 'zh-CN')).toContain('\n1000 req/s for 38 s\n');
  });

  it('writes the trace experiment: its heading, its load in both languages, its ranking', () => {
    const loadSpec = {
      file: 'azure-conv-2023-excerpt.csv',
      format: 'azure',
      rows: 4424,
      meanRate: 450,
      peakRate: 561.3,
      seconds: 9.8,
      windows: 10,
      scenario: 'outage-recovery',
      nodes: 3,
    };
    const trace = {
      experiment: 'trace' as const,
      load: traceLoadText(loadSpec),
      loadSpec,
      deciding: 'goodput' as const,
      ranking: [row('retry', 1, [], {}), row('passthrough', 2, [], {})],
    };
    const md = scoreboardMarkdown({ ...board, faults: undefined, trace });
    expect(md).toContain("## Trace: each strategy on a real trace's bursts and sizes while the API is busy");
    expect(md).toContain(
      'the trace azure-conv-2023-excerpt.csv (azure): 4424 requests in 9.8 s, mean 450 req/s, busiest window 561.3 req/s, 10 windows, while the mock plays outage-recovery over the replay, 3 nodes',
    );
    expect(md).toMatch(/\| 1 \| retry \| 48\.0 \[46\.0, 50\.0\] \|/);
    const zh = scoreboardMarkdown({ ...board, faults: undefined, trace }, 'zh-CN');
    expect(zh).toContain('## 真实流量');
    expect(zh).toContain('轨迹 azure-conv-2023-excerpt.csv (azure)：9.8 s 内 4424 个请求');
  });
});
