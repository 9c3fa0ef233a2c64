import { describe, expect, it } from 'vitest';
import type { Overall } from '../../runner/src/overall.js';
import { scoreboard, scoreboardMarkdown } from '../../runner/src/scoreboard.js';

const run = (strategy: string, o: Partial<Overall>): Overall => ({
  strategy,
  requests: 1000,
  kneeRps: null,
  p50Ms: 100,
  p99Ms: 500,
  meanMs: 150,
  successRate: 0.99,
  rate429: 0,
  rate503: 0.01,
  throughput: 50,
  goodput: 48,
  amplification: 1,
  errorMasking: 0,
  recoveryS: null,
  slaPassed: false,
  brokenLines: 2,
  stepsHeld: 1,
  steps: 2,
  ...o,
});

describe('scoreboard', () => {
  it('ranks by knee, then steps within SLA, then success, then p99, from the measured figures', () => {
    const board = scoreboard(
      [
        run('passthrough', { kneeRps: 40, successRate: 0.97 }),
        run('retry', { kneeRps: 80, successRate: 0.999, amplification: 1.4 }),
        run('nginx', { kneeRps: 80, successRate: 0.999, p99Ms: 300 }),
        run('hedge', { kneeRps: 80, successRate: 0.99, stepsHeld: 2 }),
        run('breaker', { kneeRps: null, successRate: 1 }),
      ],
      { scenario: 'peak-hour', profile: 'stepped', rates: '40,80' },
    );
    expect(board.ranking.map((r) => [r.rank, r.strategy])).toEqual([
      [1, 'hedge'],
      [2, 'nginx'],
      [3, 'retry'],
      [4, 'passthrough'],
      [5, 'breaker'],
    ]);
    expect(board.baseline).toBe('passthrough');
  });

  it('writes the table and the before/after view against the baseline', () => {
    const md = scoreboardMarkdown(
      scoreboard(
        [
          run('passthrough', { meanMs: 200, throughput: 50 }),
          run('retry', { meanMs: 100, throughput: 60, amplification: 1.4 }),
        ],
        { scenario: 'flaky-503', profile: 'stepped', rates: '10' },
      ),
    );
    expect(md).toContain('| 1 | passthrough | none | 1/2 |');
    expect(md).toContain('## Before / after (before: passthrough)');
    expect(md).toMatch(/\| retry \| 100\.0 \(-50 %\) \| 1\.00 % \| 60\.0 \(\+20 %\) \| 0\.40 \|/);
  });
});
