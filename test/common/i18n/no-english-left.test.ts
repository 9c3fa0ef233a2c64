import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportPage } from '../../../collector/src/html-page.js';
import type { RunView } from '../../../collector/src/run-view.js';
import { terminalReport } from '../../../collector/src/terminal-report.js';
import { OUTCOMES } from '../../../common/outcomes.js';
import {
  capacityLoadText,
  faultsLoadText,
  type Scoreboard,
  scoreboardMarkdown,
} from '../../../runner/src/scoreboard.js';
import { scoreboardPage } from '../../../runner/src/scoreboard-page.js';
import { launch } from '../../helpers/browser.js';
import { realRun, realScoreboard, syntheticRun, variedScoreboard } from './fixtures.js';
import { pageText } from './page-text.js';

/**
 * No string left untranslated: the Chinese terminal report, HTML report and scoreboard (markdown
 * and HTML) of real runs and of the synthetic one, read as a person sees them (the pages in
 * Chromium, their charts' words too), hold no English word but technical tokens and the run's
 * own data. A string someone adds in English to a renderer shows up here as a word.
 */

const HAN = /\p{Script=Han}/u;

/** Technical tokens kept as they are in Chinese: metrics, units, codes, names of things. */
const TECHNICAL = new Set([
  ...OUTCOMES,
  'P0',
  'P1',
  'P2',
  'P3',
  'SLA',
  'TTFT',
  'HTTP',
  'API',
  'USD',
  'ms',
  's',
  'req',
  'token',
  'bootstrap',
  'busybench',
  'stepped',
]);
const isTechnical = (word: string) => TECHNICAL.has(word) || /^p\d+(\.\d+)?$/.test(word);

/** The run's own data, shown as it came: names, ids, alert summaries (the alert rules' words). */
function dataOf(views: readonly RunView[], boards: readonly Scoreboard[]): string[] {
  const names = new Set<string>();
  for (const v of views) {
    names.add(v.runId);
    for (const a of v.alerts) names.add(a.summary).add(a.alertname);
    for (const p of v.phases) names.add(p.scenario).add(p.phase);
    for (const r of v.runners) names.add(r.runner);
  }
  for (const b of boards) {
    for (const s of b.strategies) names.add(s);
    if (b.faults) {
      names.add(b.faults.scenario);
      for (const p of b.faults.phases) names.add(p.name);
    }
  }
  // Longest first, so a summary goes before the run id inside it.
  return [...names].sort((a, b) => b.length - a.length);
}

/** The English words left in a text once data, paths, times and command-line flags are taken out. */
function englishWords(text: string, data: readonly string[]): string[] {
  let rest = text;
  for (const d of data) rest = rest.split(d).join(' ');
  rest = rest
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, ' ')
    .replace(/\S*\/\S*\.ya?ml/g, ' ')
    .replace(/--[a-z][a-z-]*/g, ' ');
  // Tokens of letters and digits (5xx, p99.9, 429 are one each); a word is one with a letter in it.
  const tokens = (rest.match(/[A-Za-z0-9][A-Za-z0-9.]*/g) ?? []).map((w) => w.replace(/\.$/, ''));
  return [...new Set(tokens)].filter((w) => /[A-Za-z]/.test(w) && !isTechnical(w));
}

/** The scoreboard as compare writes it in Chinese: its loads said by compare in Chinese too. */
function chinese(b: Scoreboard): Scoreboard {
  return {
    ...b,
    ...(b.capacity
      ? {
          capacity: {
            ...b.capacity,
            load: capacityLoadText(
              {
                profile: 'stepped',
                rates: b.capacity.rates,
                stepSeconds: 6,
                mockConfig: '/work/main/runner/experiments/capacity-mock.yaml',
                nodes: 3,
              },
              'zh-CN',
            ),
          },
        }
      : {}),
    ...(b.faults
      ? {
          faults: {
            ...b.faults,
            load: faultsLoadText(
              {
                rate: b.faults.rate,
                seconds: 38,
                scenario: b.faults.scenario,
                speed: b.faults.speed,
                nodes: 3,
              },
              'zh-CN',
            ),
          },
        }
      : {}),
  };
}

const RUNS = {
  'capacity-run': realRun('capacity-run'),
  'faults-run': realRun('faults-run'),
  synthetic: syntheticRun(),
};
const BOARDS = { scoreboard: chinese(realScoreboard()), varied: chinese(variedScoreboard()) };
const DATA = dataOf(Object.values(RUNS), Object.values(BOARDS));

describe('the Chinese report and scoreboard leave no English', () => {
  it('the allowlist lets nothing through by itself: an English rendering is full of English', () => {
    const v = RUNS.synthetic;
    expect(englishWords(terminalReport(v.steps, v.verdict, v.malformedLines, v.runners), DATA)).toEqual(
      expect.arrayContaining(['target', 'achieved', 'broken', 'knee', 'warning', 'segment', 'missing']),
    );
    expect(englishWords(scoreboardMarkdown(BOARDS.varied), DATA)).toEqual(
      expect.arrayContaining(['Capacity', 'Tie', 'place', 'strategy', 'recovered', 'Before']),
    );
  });

  for (const [name, v] of Object.entries(RUNS))
    it(`the terminal report of ${name}`, () => {
      const text = terminalReport(v.steps, v.verdict, v.malformedLines, v.runners, 'zh-CN');
      expect(text).toMatch(HAN);
      expect(englishWords(text, DATA)).toEqual([]);
    });

  for (const [name, b] of Object.entries(BOARDS))
    it(`the markdown scoreboard of ${name}`, () => {
      const md = scoreboardMarkdown(b, 'zh-CN');
      expect(md).toMatch(HAN);
      expect(englishWords(md, DATA)).toEqual([]);
    });
});

describe('the Chinese pages in Chromium leave no English', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  const dir = mkdtempSync(join(tmpdir(), 'busybench-zh-'));
  const shown = async (name: string, html: string) => {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    return pageText(browser, `file://${file}`);
  };
  const words = (p: Awaited<ReturnType<typeof shown>>) => ({
    page: englishWords(`${p.title}\n${p.text}`, DATA),
    charts: Object.fromEntries(
      Object.entries(p.charts)
        .map(([id, texts]) => [id, englishWords(texts.join('\n'), DATA)] as const)
        .filter(([, w]) => w.length > 0),
    ),
  });

  for (const [name, v] of Object.entries(RUNS))
    it(`the HTML report of ${name}`, async () => {
      const p = await shown(`report-${name}`, reportPage(v, 'zh-CN'));
      expect(p.lang).toBe('zh-CN');
      expect(p.title).toMatch(HAN);
      expect(p.text).toMatch(HAN);
      expect(words(p)).toEqual({ page: [], charts: {} });
    }, 30_000);

  for (const [name, b] of Object.entries(BOARDS))
    it(`the HTML scoreboard of ${name}`, async () => {
      const p = await shown(`scoreboard-${name}`, scoreboardPage(b, 'zh-CN'));
      expect(p.lang).toBe('zh-CN');
      expect(p.text).toMatch(HAN);
      expect(words(p)).toEqual({ page: [], charts: {} });
    }, 30_000);
});
