import { describe, expect, it } from 'vitest';
import { RunStats } from '../../../collector/src/step-stats.js';
import type { Sla } from '../../../common/sla/sla.js';
import { judge } from '../../../common/sla/verdict.js';
import vectors from '../../../loadtests/engine/contract/sla-vectors.json' with { type: 'json' };

interface Group {
  n: number;
  outcome: string;
  ms: number;
  ttft?: number;
  prio?: string;
}

/**
 * The kit's judge on the shared vectors, the ones the Go engine's judge passes too
 * (loadtests/engine/internal/sla/vectors_test.go): the same SLA on the same requests breaks the
 * same lines on both sides.
 */
describe('the SLA judge on the shared vectors (Go and TypeScript alike)', () => {
  it('has vectors', () => expect(vectors.cases.length).toBeGreaterThan(3));
  for (const c of vectors.cases)
    it(c.name, () => {
      const run = new RunStats();
      let t = 1_764_400_000_000;
      for (const g of c.groups as Group[])
        for (let i = 0; i < g.n; i++)
          run.ingestLine(
            JSON.stringify({
              type: 'req',
              t: t++,
              step: 0,
              rate: 10,
              outcome: g.outcome,
              ms: g.ms,
              ...(g.ttft ? { ttft: g.ttft } : {}),
              ...(g.prio ? { prio: g.prio } : {}),
            }),
          );
      // The strategy's queue as the collector scrapes it, within the step's span (its answers' ends).
      const from = run.ordered()[0]?.firstMs ?? 0;
      for (const [i, length] of ((c as { queue?: number[] }).queue ?? []).entries())
        run.queue.add(from + i, length);
      const sla = { name: c.name, maxDroppedIterations: 0, ...c.sla } as unknown as Sla;
      const broken = judge(sla, run.ordered(), 0)
        .lines.filter((l) => !l.ok && l.step === 0)
        .map((l) => l.line);
      expect(broken.sort()).toEqual([...c.broken].sort());
    });
});
