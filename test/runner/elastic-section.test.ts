import { describe, expect, it } from 'vitest';
import { type PhaseSpan, replicasOf } from '../../collector/src/run-events.js';
import type { RunWindow } from '../../collector/src/run-windows.js';
import type { BenchmarkResult } from '../../runner/src/benchmark.js';
import { elasticSection, type StrategyRuns } from '../../runner/src/compare.js';
import {
  capacityArrivedS,
  type ElasticSection,
  elasticChartSvg,
  elasticText,
} from '../../runner/src/elastic-section.js';
import { pointFigures } from '../../runner/src/run-figures.js';

const span = (phase: string, startMs: number, endMs: number | null): PhaseSpan => ({
  scenario: 'elastic',
  phase,
  fault: false,
  startMs,
  endMs,
});

const fig = (value: number | null) => ({ value, lo: null, hi: null, method: 'none' as const });

describe('the elastic section', () => {
  it("reads the replicas from the mock's phase names; a phase of no autoscaler has none", () => {
    expect(replicasOf('elastic · 5 replicas')).toEqual({ ready: 5, starting: 0 });
    expect(replicasOf('elastic · 2 replicas (+3 starting)')).toEqual({ ready: 2, starting: 3 });
    expect(replicasOf('10:00 surge')).toBeNull();
  });

  it('times the capacity from the burst until the replicas it called for all serve', () => {
    const phases = [
      span('elastic · 2 replicas', 0, 9_600),
      span('elastic · 2 replicas (+3 starting)', 9_600, 15_600),
      span('elastic · 5 replicas', 15_600, null),
    ];
    expect(capacityArrivedS(phases, 6_000)).toBe(9.6);
    // Still starting at the run's end: not arrived.
    expect(capacityArrivedS(phases.slice(0, 2), 6_000)).toBeNull();
    // No autoscaler: nothing to time.
    expect(capacityArrivedS([span('steady', 0, null)], 6_000)).toBeNull();
    // A second wave during the burst (5 → 8): the capacity is there when the 8 serve, not the 5.
    const waves = [
      ...phases.slice(0, 2),
      span('elastic · 5 replicas (+3 starting)', 15_600, 21_600),
      span('elastic · 8 replicas', 21_600, null),
    ];
    expect(capacityArrivedS(waves, 6_000, 36_000)).toBe(15.6);
    // A wave decided after the burst ended is not the burst's.
    expect(capacityArrivedS(waves, 6_000, 15_000)).toBe(9.6);
  });

  it('says the table and draws the replicas, in both languages', () => {
    const s: ElasticSection = {
      experiment: 'elastic',
      loadSpec: {
        baseRate: 300,
        burstRate: 1200,
        baseSeconds: 6,
        burstSeconds: 18,
        scenario: 'elastic-scenario.yaml',
        speed: 5,
        nodes: 3,
      },
      rows: [
        {
          strategy: 'retry',
          rank: 1,
          tiedWith: [],
          runs: 1,
          goodput: fig(938.9),
          successRate: fig(0.7825),
          p99Ms: fig(445.3),
          capacityArrivedS: fig(9.5),
          replicasFrom: 2,
          replicasTo: 8,
        },
      ],
      replicas: [
        {
          strategy: 'retry',
          points: [
            { s: 0.6, ready: 2, starting: 0 },
            { s: 9.6, ready: 2, starting: 6 },
            { s: 15.6, ready: 8, starting: 0 },
          ],
        },
      ],
      goodput: [
        {
          strategy: 'retry',
          points: [
            { s: 0, goodput: 300 },
            { s: 7, goodput: 700 },
            { s: 16, goodput: 1150 },
          ],
        },
      ],
      burstAtS: 6,
    };
    const en = elasticText(s);
    expect(en.load).toContain('then a burst of 1200 req/s for 18 s');
    expect(en.table.rows[0]).toEqual(['1', 'retry', '938.9', '78.25 %', '445.3', '9.5', '2 → 8']);
    const zh = elasticText(s, 'zh-CN');
    expect(zh.heading).toMatch(/弹性容量/);
    const svg = elasticChartSvg(s);
    expect(svg.match(/<path class="ready"/g)).toHaveLength(1);
    // The goodput under the replicas, on the same time axis, the offered rate beside it.
    expect(svg.match(/<path class="goodput"/g)).toHaveLength(1);
    expect(svg).toContain('class="offered"');
    expect(svg.match(/class="burst"/g)).toHaveLength(2);
    expect(elasticChartSvg(s, 'zh-CN')).toContain('有效吞吐');
  });
});

/** A one-second window: `good` of its `requests` succeeded within the SLA, at `ms` each. */
const win = (t: number, targetRate: number, requests: number, good: number, boundary = false): RunWindow => ({
  t,
  seconds: 1,
  targetRate,
  boundary,
  phase: 'elastic',
  fault: false,
  requests,
  ok: good,
  good,
  msSum: requests * 150,
  tokensOk: 0,
  errors: requests > good ? { '503': requests - good } : {},
  latency: [[good < requests ? 400 : 150, requests]],
  upstream: null,
});

/**
 * A run of the elastic experiment as compare reads it: 5 s at 300 req/s, then the burst at
 * 1 200 whose first 8 windows got `early` good answers a second (2 replicas serving), the rest
 * 1 150 (5 serving); the window where the rate changed got none.
 */
function run(t0: number, early: number): BenchmarkResult {
  const windows = [
    ...Array.from({ length: 5 }, (_, i) => win(t0 + i * 1000, 300, 300, 300)),
    win(t0 + 5000, 1200, 800, 0, true),
    ...Array.from({ length: 14 }, (_, i) => win(t0 + (6 + i) * 1000, 1200, 1200, i < 8 ? early : 1150)),
  ];
  const phases = [
    span('elastic · 2 replicas', t0 - 500, t0 + 8200),
    span('elastic · 2 replicas (+3 starting)', t0 + 8200, t0 + 14_200),
    span('elastic · 5 replicas', t0 + 14_200, null),
  ];
  return { windows, view: { phases } } as unknown as BenchmarkResult;
}

describe("the elastic section, from the runs' windows and phases", () => {
  const t0 = 1_800_000_000_000;
  const runs: StrategyRuns[] = [
    { strategy: 'passthrough', runs: [run(t0, 600)] },
    { strategy: 'retry', runs: [run(t0 + 60_000, 700)] },
  ];
  const section = elasticSection(
    runs,
    {
      seed: 7,
      nodes: 3,
      elastic: { scenario: '/x/elastic-scenario.yaml', speed: 5, rates: [300, 1200], stepSeconds: 5 },
    },
    'windows',
  );

  it("figures goodput, success and p99 over the burst's windows only, with intervals, and places on goodput", () => {
    const retry = section.rows.find((r) => r.strategy === 'retry');
    const passthrough = section.rows.find((r) => r.strategy === 'passthrough');
    // (8 × 700 + 6 × 1 150) / 14 s: neither the base's windows nor the boundary's.
    expect(retry?.goodput.value).toBeCloseTo((8 * 700 + 6 * 1150) / 14, 9);
    expect(passthrough?.goodput.value).toBeCloseTo((8 * 600 + 6 * 1150) / 14, 9);
    const burst = (runs[1] as StrategyRuns).runs[0]?.windows.filter(
      (w) => w.targetRate === 1200 && !w.boundary,
    );
    const point = pointFigures(burst ?? []);
    expect(retry?.successRate.value).toBeCloseTo(point.successRate as number, 9);
    expect(retry?.p99Ms.value).toBeCloseTo(point.p99Ms as number, 9);
    expect(retry?.goodput.method).toBe('windows');
    expect(retry?.goodput.lo as number).toBeLessThan(retry?.goodput.value as number);
    expect(retry?.goodput.hi as number).toBeGreaterThan(retry?.goodput.value as number);
    expect(section.rows.map((r) => r.strategy)).toEqual(['retry', 'passthrough']);
  });

  it('times the capacity from the burst, reads the replicas, and keeps the series for the chart', () => {
    for (const row of section.rows) {
      // The burst began at the boundary window (5 s); 5 replicas served from 14.2 s.
      expect(row.capacityArrivedS.value).toBeCloseTo(9.2, 9);
      expect(row).toMatchObject({ replicasFrom: 2, replicasTo: 5, runs: 1 });
    }
    expect(section.burstAtS).toBe(5);
    expect(section.loadSpec).toMatchObject({
      baseRate: 300,
      burstRate: 1200,
      baseSeconds: 5,
      burstSeconds: 15,
    });
    expect(section.loadSpec.scenario).toBe('elastic-scenario.yaml');
    const replicas = section.replicas.find((r) => r.strategy === 'retry');
    expect(replicas?.points).toEqual([
      { s: 0, ready: 2, starting: 0 },
      { s: 8.2, ready: 2, starting: 3 },
      { s: 14.2, ready: 5, starting: 0 },
    ]);
    const goodput = section.goodput.find((g) => g.strategy === 'retry');
    expect(goodput?.points).toHaveLength(20);
    expect(goodput?.points[6]).toEqual({ s: 6, goodput: 700 });
    expect(goodput?.points[19]).toEqual({ s: 19, goodput: 1150 });
  });
});
