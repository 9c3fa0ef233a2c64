import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UsageError } from '../../../cli/fail.js';
import { DEFAULT_SLA } from '../../../common/sla/sla.js';
import { loadSla } from '../../../common/sla/sla-file.js';

const BASE = `name: t
successRate: 0.99
latency: { p99: 800ms }
maxDroppedIterations: 0
`;

const slaFile = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'busybench-sla-')), 'sla.yaml');
  writeFileSync(path, text);
  return path;
};

/** Every problem loadSla names for a file (it throws them all at once). */
const problems = (path: string): readonly string[] => {
  try {
    loadSla(path);
  } catch (err) {
    return (err as UsageError).problems ?? [];
  }
  throw new Error(`${path} was accepted`);
};

describe('SLA file: lines per priority class', () => {
  it('reads class lines beside the overall ones, durations in ms, a line left out left out', () => {
    const sla = loadSla(
      slaFile(`${BASE}classes:
  P0: { successRate: 0.999, latency: { p99: 800ms } }
  P1: { successRate: 0.995, latency: { p99: 1.5s }, ttft: { p95: 300ms } }
  P3: { successRate: 0.5, errorRates: { "429": 0.2 } }
`),
    );
    expect(sla.successRate).toBe(0.99);
    expect(sla.latencyMs).toEqual({ p99: 800 });
    expect(sla.classes).toEqual({
      P0: { successRate: 0.999, latencyMs: { p99: 800 } },
      P1: { successRate: 0.995, latencyMs: { p99: 1500 }, ttftMs: { p95: 300 } },
      P3: { successRate: 0.5, errorRates: { '429': 0.2 } },
    });
  });

  it('has no class lines when the file has none (the default SLA)', () => {
    expect(loadSla(slaFile(BASE)).classes).toEqual({});
    expect(loadSla(join(import.meta.dirname, '../../../loadtests/sla.yaml')).classes).toEqual({});
  });

  it('names every problem of bad class lines at once, one line each', () => {
    const path = slaFile(`${BASE}classes:
  P0: { successRate: 1.5, latency: { p99: fast } }
  P1: {}
  P5: { successRate: 0.5 }
  P3: { successRate: 0.5, errorRates: { ok: 0.1 }, speed: 2 }
`);
    const found = problems(path);
    expect(found).toEqual(
      expect.arrayContaining([
        `SLA ${path}/classes/P0/successRate: must be <= 1`,
        `SLA ${path}/classes/P0/latency/p99: must be one of: string | number`,
        `SLA ${path}/classes/P1: must NOT have fewer than 1 properties`,
        `SLA ${path}/classes: unknown field "P5"`,
        `SLA ${path}/classes/P3: unknown field "speed"`,
        `SLA ${path}/classes/P3/errorRates: unknown field "ok"`,
      ]),
    );
    expect(found).toHaveLength(6);
  });

  it('refuses class lines that are not a map of classes', () => {
    const path = slaFile(`${BASE}classes: [P0]\n`);
    expect(problems(path)).toEqual([`SLA ${path}/classes: must be object`]);
  });

  it('the default SLA file spells out the default SLA, and no file means the default', () => {
    expect(loadSla(join(import.meta.dirname, '../../../loadtests/sla.yaml'))).toEqual({
      ...DEFAULT_SLA,
      classes: {},
    });
    expect(loadSla()).toBe(DEFAULT_SLA);
  });

  it('refuses a percentile no histogram has (p0, p100.5), as a problem of the file', () => {
    expect(
      problems(slaFile(BASE.replace('{ p99: 800ms }', '{ p0: 800ms, p100.5: 1s, p75: 200ms }'))),
    ).toEqual([
      expect.stringMatching(/\/latency: SLA percentile "p0" must look like/),
      expect.stringMatching(/\/latency: SLA percentile "p100.5" must look like/),
    ]);
  });

  it('takes a line on the mean (avg) for latency and TTFT, overall and per class; no other word', () => {
    const sla = loadSla(
      slaFile(`${BASE.replace('{ p99: 800ms }', '{ p99: 800ms, avg: 400ms }')}ttft: { avg: 1s }
classes:
  P0: { latency: { avg: 200ms } }
`),
    );
    expect(sla.latencyMs).toEqual({ p99: 800, avg: 400 });
    expect(sla.ttftMs).toEqual({ avg: 1000 });
    expect(sla.classes?.P0?.latencyMs).toEqual({ avg: 200 });
    expect(problems(slaFile(BASE.replace('{ p99: 800ms }', '{ mean: 400ms }')))).toEqual([
      expect.stringMatching(/\/latency/),
    ]);
  });

  it("takes a queue line (the guides' 队列堆积量 < 500): a whole number >= 1, overall only", () => {
    expect(loadSla(slaFile(`${BASE}queueLength: 500\n`)).queueLength).toBe(500);
    expect(loadSla(slaFile(BASE))).not.toHaveProperty('queueLength');
    expect(problems(slaFile(`${BASE}queueLength: 0\n`))).toEqual([expect.stringMatching(/\/queueLength/)]);
    expect(problems(slaFile(`${BASE}queueLength: 2.5\n`))).toEqual([expect.stringMatching(/\/queueLength/)]);
    expect(problems(slaFile(`${BASE}classes:\n  P0: { queueLength: 5 }\n`))).not.toEqual([]);
  });
});
