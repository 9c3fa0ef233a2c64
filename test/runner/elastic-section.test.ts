import { describe, expect, it } from 'vitest';
import type { PhaseSpan } from '../../collector/src/run-events.js';
import {
  capacityArrivedS,
  type ElasticSection,
  elasticChartSvg,
  elasticText,
  replicasOf,
} from '../../runner/src/elastic-section.js';

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
      burstAtS: 6,
    };
    const en = elasticText(s);
    expect(en.load).toContain('then a burst of 1200 req/s for 18 s');
    expect(en.table.rows[0]).toEqual(['1', 'retry', '938.9', '78.25 %', '445.3', '9.5', '2 → 8']);
    const zh = elasticText(s, 'zh-CN');
    expect(zh.heading).toMatch(/弹性容量/);
    const svg = elasticChartSvg(s);
    expect(svg.match(/<path class="ready"/g)).toHaveLength(1);
    expect(svg).toContain('class="burst"');
  });
});
