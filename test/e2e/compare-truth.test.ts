import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../collector/src/run-view.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import type { Scoreboard } from '../../runner/src/scoreboard.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';

beforeAll(() => {
  requireBuild();
  engineBinary();
});

const results = (dir: string) =>
  readFileSync(join(dir, 'results.json'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"type":"req"'))
    .map(
      (l) =>
        JSON.parse(l) as {
          t: number;
          ms: number;
          outcome: string;
          tokens?: number;
          ttft?: number;
          itl?: number[];
        },
    );

describe('compare figures against a truth known by hand', () => {
  it('recovery time: a breaker that reopens past the end of a 10 s outage reads within one window of the truth; passthrough reads 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-recovery-'));
    // 5 s healthy, 10 s of 503 only, then healthy. The breaker (judging the last 2 s) opens
    // about a second into the outage; its probe 7 s later still fails, so it stays open for 7 s
    // more: some 4-6 s past the outage's end.
    writeFileSync(
      join(dir, 'outage.yaml'),
      [
        'name: short-outage',
        'description: a 10 s outage',
        'duration: 28s',
        'base: { latency: { ttft: { type: fixed, ms: 20 }, interToken: { type: fixed, ms: 1 } } }',
        'phases:',
        '  - { at: 0s, name: healthy }',
        '  - { at: 5s, name: outage, set: { faults: { errors: { "503": 1 } } } }',
        '  - { at: 15s, name: recovered }',
      ].join('\n'),
    );
    const out = join(dir, 'cmp');
    const res = await runCli(
      [
        ...[
          'compare',
          '--experiment',
          'faults',
          '--strategies',
          'passthrough,breaker:halfOpenMs=7000;windowMs=2000',
        ],
        ...['--scenario', join(dir, 'outage.yaml'), '--scenario-speed', '1'],
        ...['--fault-rate', '50', '--warmup', '0s', '--no-stack'],
        ...['--stream-ratio', '0', '--out', out],
      ],
      200_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const board = JSON.parse(readFileSync(join(out, 'scoreboard.json'), 'utf8')) as Scoreboard;
    for (const [strategy, run] of [
      ['passthrough', 'r1-1-passthrough'],
      ['breaker', 'r1-2-breaker'],
    ] as const) {
      const runDir = join(out, 'faults', run);
      const view = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunView;
      const outage = view.phases.find((p) => p.phase === 'outage');
      const end = outage?.endMs as number;
      // The truth from the raw lines: the last failed answer after the outage ended.
      const lastFailure = Math.max(
        end,
        ...results(runDir)
          .filter((r) => r.outcome !== 'ok' && r.t + r.ms >= end)
          .map((r) => r.t + r.ms),
      );
      const truth = (lastFailure - end) / 1000;
      const measured = board.faults?.recovery.find((r) => r.strategy === strategy && r.phase === 'outage');
      expect(measured?.statuses, strategy).toEqual(['recovered']);
      const recoveryS = measured?.recoveryS.value as number;
      expect(
        Math.abs(recoveryS - truth),
        `${strategy}: measured ${recoveryS}, truth ${truth}`,
      ).toBeLessThanOrEqual(1);
      // The script's bound: open a second or two into the outage, a failed probe 7 s later, 7 s
      // more: 3-7 s past its end.
      if (strategy === 'breaker') {
        expect(truth).toBeGreaterThan(2);
        expect(truth).toBeLessThan(8);
      }
      // Nothing keeps the fault past its end: the first window after it is clean.
      else expect(recoveryS).toBe(0);
    }
  }, 240_000);

  it('dollars per 1 000 answers equal the hand-computed value for a fixed-token mock; tokens never delivered read 0 without cuts', async () => {
    const { row, lines } = await compareOnFixedTokens('busybench-dollars-', [], []);
    expect(lines.length).toBeGreaterThan(150);
    expect(lines.every((l) => l.outcome === 'ok' && l.tokens === 10)).toBe(true);
    // Every answer 10 tokens at 0.5 USD a million: 5e-6 USD an answer, 0.005 USD a thousand.
    expect(row?.figures.usdPer1kOk.value).toBeCloseTo(0.005, 9);
    expect(row?.figures.wastedTokenShare.value).toBeCloseTo(0, 9);
    expect(row?.figures.successRate.value).toBe(1);
  }, 180_000);

  it('tokens never delivered: streams cut short read as the share of their tokens, and the answers that came whole pay for them', async () => {
    // A fifth of the streams cut after 1-9 of their 10 tokens: the mock generated (and bills)
    // those tokens, the client got them in a stream that is not an answer.
    const { row, lines } = await compareOnFixedTokens(
      'busybench-wasted-',
      ['  faults: { stream: { truncate: 0.2 } }'],
      ['--stream-ratio', '1'],
    );
    // A cut stream has no usage frame: its tokens are the token frames the client read (the
    // first one, then one per gap between them).
    const frames = (l: (typeof lines)[number]) => (l.ttft === undefined ? 0 : 1 + (l.itl?.length ?? 0));
    const ok = lines.filter((l) => l.outcome === 'ok');
    const cut = lines.filter((l) => l.outcome !== 'ok');
    expect(ok.every((l) => l.tokens === 10 && frames(l) === 10)).toBe(true);
    expect(cut.every((l) => l.outcome === 'truncated' && frames(l) >= 1 && frames(l) <= 9)).toBe(true);
    expect(cut.length).toBeGreaterThan(10);
    // The truth from the client's own lines, the figure from the mock's counters.
    const cutTokens = cut.reduce((n, l) => n + frames(l), 0);
    const generated = 10 * ok.length + cutTokens;
    expect(row?.figures.wastedTokenShare.value).toBeCloseTo(cutTokens / generated, 9);
    expect(row?.figures.wastedTokenShare.value).toBeGreaterThan(0.02);
    expect(row?.figures.usdPer1kOk.value).toBeCloseTo(((generated * 0.5e-6) / ok.length) * 1000, 9);
    expect(row?.figures.successRate.value).toBeCloseTo(ok.length / lines.length, 9);
  }, 180_000);
});

/**
 * One capacity run of passthrough against a mock whose every answer is 10 completion tokens with
 * no reasoning, prompts free and output at 0.5 USD a million (`behaviour` lines added to its
 * config, flags to compare's): the scoreboard's row and the run's request lines.
 */
async function compareOnFixedTokens(prefix: string, behaviour: string[], flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(
    join(dir, 'fixed.yaml'),
    [
      'server: { logLevel: error }',
      'models:',
      '  aliases: retire',
      '  prices:',
      "    'deepseek-v4-flash': { cacheHit: 0, cacheMiss: 0, output: 0.5 }",
      "    'deepseek-v4-pro': { cacheHit: 0, cacheMiss: 0, output: 0.5 }",
      'behaviour:',
      '  latency: { ttft: { type: fixed, ms: 5 }, interToken: { type: fixed, ms: 1 } }',
      '  output: { minTokens: 10, maxTokens: 10, reasoningTokens: 0 }',
      ...behaviour,
      'metrics: { enabled: true }',
    ].join('\n'),
  );
  const out = join(dir, 'cmp');
  const res = await runCli(
    [
      ...['compare', '--experiment', 'capacity', '--strategies', 'passthrough', '--capacity-config'],
      ...[join(dir, 'fixed.yaml'), '--rates', '40', '-d', '5s', '--thinking', 'off', '--warmup', '0s'],
      ...['--no-stack', '--out', out, ...flags],
    ],
    120_000,
  );
  expect(res.code, res.stderr).toBe(0);
  const board = JSON.parse(readFileSync(join(out, 'scoreboard.json'), 'utf8')) as Scoreboard;
  return { row: board.capacity?.ranking[0], lines: results(join(out, 'capacity', 'r1-1-passthrough')) };
}
