import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientMetrics } from '../../collector/src/prom-export.js';
import { RunStats, OUTCOMES as STEP_OUTCOMES } from '../../collector/src/step-stats.js';
import { ERROR_CLASSES, OUTCOMES } from '../../common/outcomes.js';
import { loadSla } from '../../common/sla/sla-file.js';

const contract = JSON.parse(
  readFileSync(new URL('../../loadtests/engine/contract/outcomes.json', import.meta.url), 'utf8'),
) as { outcomes: Array<{ name: string }> };

const slaFile = (errorRates: Record<string, number>) => {
  const path = join(mkdtempSync(join(tmpdir(), 'busybench-sla-')), 'sla.json');
  writeFileSync(
    path,
    JSON.stringify({
      name: 't',
      successRate: 0.99,
      latency: { p99: '800ms' },
      errorRates,
      maxDroppedIterations: 0,
    }),
  );
  return path;
};

describe('the one list of outcomes (loadtests/engine/contract/outcomes.json)', () => {
  it('is what the collector and the SLA use: ok first, the rest error classes', () => {
    const names = contract.outcomes.map((o) => o.name);
    expect(OUTCOMES).toEqual(names);
    expect(STEP_OUTCOMES).toBe(OUTCOMES);
    expect(ERROR_CLASSES).toEqual(names.filter((n) => n !== 'ok'));
    expect(ERROR_CLASSES).toContain('degraded');
  });

  it('the SLA takes an error rate for every error class and for nothing else', () => {
    const all = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0.01]));
    expect(loadSla(slaFile(all)).errorRates).toEqual(all);
    expect(() => loadSla(slaFile({ ok: 0.5 }))).toThrow(/invalid SLA/);
    expect(() => loadSla(slaFile({ '5xxx': 0.5 }))).toThrow(/invalid SLA/);
  });

  it('Prometheus counts every outcome from 0 as soon as a step starts', async () => {
    const run = new RunStats();
    const registry = clientMetrics(run, 'r');
    run.ingest({
      metric: 'busybench_latency',
      time: 1,
      value: 5,
      tags: { step: '0', target_rate: '10', outcome: 'ok' },
    });
    const text = await registry.metrics();
    for (const outcome of OUTCOMES)
      expect(text).toMatch(
        new RegExp(
          `busybench_client_requests_total\\{step="0",target_rate="10",outcome="${outcome}",run_id="r",strategy="unnamed"\\} ${outcome === 'ok' ? 1 : 0}\\n`,
        ),
      );
  });
});
