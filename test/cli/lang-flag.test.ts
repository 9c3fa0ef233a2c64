import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, requireBuild, runCli } from './cli-helpers.js';

beforeAll(requireBuild);

/** The bin run to its end in a given locale (none of the caller's LC_* or LANG leak in). */
function runIn(env: Record<string, string>, args: string[], timeoutMs = 20_000): Promise<RunResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_|LANG)/.test(k)));
  return runCli(args, timeoutMs, { ...base, ...env });
}

const T0 = Date.parse('2026-11-22T10:00:00Z');

/**
 * A run of two steps as the engine writes it (step 1 with 503s) and the events the collector
 * saved beside it: a fault phase in step 1, then calm, and the upstream's attempts.
 */
function savedRun(): string {
  const d = mkdtempSync(join(tmpdir(), 'busybench-lang-'));
  const results = join(d, 'results.json');
  const steps = [
    { step: 0, targetRate: 20, startMs: 0, endMs: 10_000, scheduled: 200 },
    { step: 1, targetRate: 40, startMs: 10_000, endMs: 20_000, scheduled: 400 },
  ];
  const lines = [
    JSON.stringify({
      type: 'run',
      version: 1,
      engine: 'busybench-engine',
      runner: 'host-1',
      segment: '0/1',
      target: 'http://127.0.0.1:8000',
      profile: 'stepped',
      startedAt: T0,
      steps,
    }),
  ];
  for (const s of steps)
    for (let i = 0; i < s.scheduled; i++) {
      const t = T0 + s.startMs + Math.floor((i * 10_000) / s.scheduled);
      const failed = s.step === 1 && t < T0 + 14_000 && i % 3 === 0;
      lines.push(
        JSON.stringify({
          type: 'req',
          t,
          step: s.step,
          rate: s.targetRate,
          status: failed ? 503 : 200,
          outcome: failed ? '503' : 'ok',
          ms: failed ? 5 : 60,
        }),
      );
    }
  writeFileSync(results, `${lines.join('\n')}\n`);
  const events = [
    { type: 'phase', time: T0, scenario: 's', phase: 'healthy', fault: false },
    { type: 'phase', time: T0 + 10_000, scenario: 's', phase: 'flaky', fault: true },
    { type: 'phase', time: T0 + 14_000, scenario: 's', phase: 'calm', fault: false },
    { type: 'upstream', time: T0, attempts: 0, errors: 0 },
    { type: 'upstream', time: T0 + 10_000, attempts: 200, errors: 0 },
    { type: 'upstream', time: T0 + 20_000, attempts: 700, errors: 150 },
  ];
  writeFileSync(`${results}.events.ndjson`, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  return results;
}

describe('--lang', () => {
  it('says the report in Chinese: table, verdict, knee, upstream and recovery lines, the HTML page', async () => {
    const results = savedRun();
    const html = join(mkdtempSync(join(tmpdir(), 'busybench-lang-')), 'report.html');
    const res = await runIn({ LANG: 'C.UTF-8' }, ['report', results, '--lang', 'zh-CN', '--html', html]);
    expect(res.code, res.stderr).toBe(99);
    expect(res.stdout).toMatch(/^ {2}步骤 目标速率 {2}实际速率/);
    expect(res.stdout).toContain('SLA 未达标：');
    expect(res.stdout).toMatch(/成功率 >= 0\.9995 在步骤 1（40 req\/s）未达标：实测 0\.\d{4}/);
    expect(res.stdout).toContain('拐点：步骤 0（20 req/s）');
    expect(res.stdout).toMatch(/整个运行的上游：放大系数 \d\.\d{3}，错误屏蔽率 -?\d\.\d{3}/);
    expect(res.stdout).toMatch(/flaky 之后的恢复：(\d+\.\d s|已恢复|未恢复)/);
    expect(res.stdout).not.toMatch(/knee|broken|upstream over|recovery after/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<title>busybench 报告 ');
  });

  it('follows the locale without the flag, and the flag over the locale', async () => {
    const results = savedRun();
    const zh = await runIn({ LANG: 'zh_CN.UTF-8' }, ['report', results]);
    expect(zh.stdout).toContain('拐点：步骤 0（20 req/s）');
    const cLocale = await runIn({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }, ['report', results]);
    expect(cLocale.stdout).toContain('knee: step 0 (20 req/s)');
    const en = await runIn({ LANG: 'zh_CN.UTF-8' }, ['report', results, '--lang', 'en']);
    expect(en.stdout).toBe(cLocale.stdout);
    expect(en.stdout).toContain('upstream over the run: amplification');
  });

  it('refuses a language it does not speak in one line, with the usage exit code', async () => {
    const results = savedRun();
    for (const args of [
      ['report', results, '--lang', 'fr'],
      ['collect', '-r', join(tmpdir(), 'none.json'), '--lang', 'fr'],
    ]) {
      const res = await runIn({ LANG: 'C.UTF-8' }, args);
      expect(res.code, args[0]).toBe(2);
      expect(res.stderr, args[0]).toBe('busybench: --lang "fr" must be en or zh-CN\n');
      expect(res.stdout).toBe('');
    }
  });

  it('is checked with the other flags of run and compare, every problem at once, before anything starts', async () => {
    const run = await runIn({ LANG: 'C.UTF-8' }, ['run', '--lang', 'klingon', '--nodes', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('  - --nodes "0" must be 1 to 16\n');
    expect(run.stderr).toContain('  - --lang "klingon" must be en or zh-CN\n');
    const compare = await runIn({ LANG: 'C.UTF-8' }, ['compare', '--lang', 'zh-TW', '--repeat', '0']);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toContain('  - --repeat "0" must be a whole number from 1 to 50\n');
    expect(compare.stderr).toContain('  - --lang "zh-TW" must be en or zh-CN\n');
  });

  it('is in the help of report, collect, run and compare', async () => {
    for (const command of ['report', 'collect', 'run', 'compare']) {
      const res = await runIn({ LANG: 'C.UTF-8' }, [command, '--help']);
      expect(res.stdout, command).toMatch(/--lang <lang>\s+language of the report: en or zh-CN/);
    }
  });
});
