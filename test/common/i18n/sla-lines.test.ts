import { describe, expect, it } from 'vitest';
import { messagesFor } from '../../../common/i18n/catalogue.js';
import { REPORT_MESSAGES } from '../../../common/i18n/messages/report.js';
import { PRIORITY_CLASSES } from '../../../common/priority-classes.js';
import { slaLineText } from '../../../common/sla/line-text.js';
import type { ClassSla, Sla } from '../../../common/sla/sla.js';
import { type JudgedFigures, type JudgedStep, judge } from '../../../common/sla/verdict.js';

/**
 * The judge (common/sla/verdict.ts) writes its lines in English and report-words.ts says them
 * again by reading them back: a line form it does not read is shown as it came, in English. So
 * every form the judge writes is made here, broken, and said in Chinese. The SLA below sets every
 * field of the SLA and of a class's lines (`Required<…>`): a new kind of line needs a new field,
 * which this file then fails to compile without.
 */

/** Every line a class can have: success, latency at two percentiles (one with a decimal), TTFT, error rates. */
const CLASS_LINES: Required<ClassSla> = {
  successRate: 0.999,
  latencyMs: { p50: 200, 'p99.9': 1500 },
  ttftMs: { p95: 300 },
  errorRates: { '429': 0.01, timeout: 0.001 },
};

const SLA: Required<Sla> = {
  name: 'every-line',
  successRate: 0.9995,
  latencyMs: { p50: 300, p99: 800 },
  ttftMs: { p99: 2000 },
  errorRates: { '503': 0.01, timeout: 0.001 },
  maxDroppedIterations: 0,
  queueLength: 500,
  classes: Object.fromEntries(PRIORITY_CLASSES.map((c) => [c, CLASS_LINES])),
};

/** Figures that break every line: half the requests fail, everything is slow. */
const BAD: JudgedFigures = {
  requests: 100,
  successRate: 0.5,
  errorCount: () => 25,
  latencyMs: () => 60_000,
  ttftMs: () => 30_000,
  latencyMeanMs: () => 40_000,
  ttftMeanMs: () => 20_000,
};

const step = (n: number): JudgedStep => ({
  ...BAD,
  step: n,
  targetRate: 100 * (n + 1),
  classFigures: () => BAD,
  queueLengthPeak: () => 900,
});

/** English words in a line, but for the tokens kept in both languages (percentiles, units, codes, classes). */
const englishIn = (text: string) =>
  (text.match(/[A-Za-z][A-Za-z0-9.]*/g) ?? []).filter(
    (w) => !/^p\d+(\.\d+)?$/.test(w) && !['ms', 'timeout', ...PRIORITY_CLASSES].includes(w),
  );

describe("the judge's SLA lines in Chinese", () => {
  const verdict = judge(SLA, [step(0), step(1)], 7);
  const zh = messagesFor(REPORT_MESSAGES, 'zh-CN');
  const en = messagesFor(REPORT_MESSAGES, 'en');

  it('makes every kind of line, overall and per class, and breaks them all', () => {
    const overall = verdict.lines.filter((l) => l.priority === null).map((l) => l.line);
    expect(new Set(overall)).toEqual(
      new Set([
        'success rate >= 0.9995',
        'latency p50 < 300 ms',
        'latency p99 < 800 ms',
        'ttft p99 < 2000 ms',
        '503 rate <= 0.01',
        'timeout rate <= 0.001',
        'dropped iterations <= 0',
        'queue length < 500',
      ]),
    );
    for (const c of PRIORITY_CLASSES)
      expect(verdict.lines.filter((l) => l.priority === c).map((l) => l.line)).toEqual(
        expect.arrayContaining([
          `${c} success rate >= 0.999`,
          `${c} latency p50 < 200 ms`,
          `${c} latency p99.9 < 1500 ms`,
          `${c} ttft p95 < 300 ms`,
          `${c} 429 rate <= 0.01`,
          `${c} timeout rate <= 0.001`,
        ]),
      );
    expect(verdict.lines.every((l) => !l.ok)).toBe(true);
  });

  it('says each of them in Chinese: none comes back as it went in, none keeps an English word', () => {
    for (const { line, rule, priority } of verdict.lines) {
      const text = slaLineText(rule, priority, zh);
      expect(text, line).not.toBe(line);
      expect(text, line).toMatch(/\p{Script=Han}/u);
      expect(englishIn(text), `${line} → ${text}`).toEqual([]);
    }
  });

  it('says each of them in English as the judge wrote it', () => {
    for (const { line, rule, priority } of verdict.lines) expect(slaLineText(rule, priority, en)).toBe(line);
  });
});
