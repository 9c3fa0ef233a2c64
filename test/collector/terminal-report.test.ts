import { describe, expect, it } from 'vitest';
import { RunStats } from '../../collector/src/step-stats.js';
import { terminalReport } from '../../collector/src/terminal-report.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { judge } from '../../common/sla/verdict.js';

const T0 = 1_764_400_000_000;
const req = (t: number, ms: number, outcome: string, prio?: string) =>
  JSON.stringify({ type: 'req', t: T0 + t, step: 0, rate: 20, ms, outcome, ...(prio ? { prio } : {}) });

describe('the terminal report', () => {
  it('puts a row per priority class under its step and names a broken class line', () => {
    const run = new RunStats();
    for (let i = 0; i < 10; i++) run.ingestLine(req(i * 50, 40, 'ok', 'P0'));
    for (let i = 0; i < 10; i++) run.ingestLine(req(i * 50, 60, i < 4 ? '503' : 'ok', 'P3'));
    const steps = run.summaries();
    const sla = { ...DEFAULT_SLA, successRate: 0, classes: { P3: { successRate: 1 } } };
    const text = terminalReport(steps, judge(sla, run.ordered(), 0), 0);
    const rows = text.split('\n');
    const step = rows.findIndex((r) => /^\s+0\s+20\s/.test(r));
    expect(rows[step]).toMatch(/\s20\s+80\.00%/);
    expect(rows[step + 1]).toMatch(/^\s+P0\s+10\s+100\.00%\s+40\.0\s/);
    expect(rows[step + 2]).toMatch(/^\s+P3\s+10\s+60\.00%\s+60\.0\s.*\s503:4$/);
    expect(text).toContain(
      'SLA BREACHED:\n  - P3 success rate >= 1 broken at step 0 (20 req/s): measured 0.6000',
    );
  });

  it('has no class rows for a run without classes', () => {
    const run = new RunStats();
    run.ingestLine(req(0, 40, 'ok'));
    const steps = run.summaries();
    const text = terminalReport(steps, judge(DEFAULT_SLA, run.ordered(), 0), 0);
    expect(text).not.toMatch(/^\s+P\d\s/m);
    expect(text.split('\n')).toHaveLength(5);
  });
});
