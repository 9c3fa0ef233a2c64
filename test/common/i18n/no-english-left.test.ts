import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportPage } from '../../../collector/src/html-page.js';
import { createCollector } from '../../../collector/src/live-server.js';
import type { RunView } from '../../../collector/src/run-view.js';
import { terminalReport } from '../../../collector/src/terminal-report.js';
import { OUTCOMES } from '../../../common/outcomes.js';
import { type Scoreboard, scoreboardMarkdown } from '../../../runner/src/scoreboard.js';
import { scoreboardPage } from '../../../runner/src/scoreboard-page.js';
import { useBrowser } from '../../helpers/browser.js';
import {
  realRun,
  realScoreboard,
  SYNTHETIC_SLA,
  syntheticResults,
  syntheticRun,
  variedScoreboard,
  withLoadSpecs,
} from './fixtures.js';
import { htmlShower, pageText } from './page-text.js';

/**
 * No string left untranslated: the Chinese terminal report, HTML report and scoreboard (markdown
 * and HTML) of real runs and of the synthetic one, and the live page `collect --lang zh-CN` serves, read as a person sees them (the pages in
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

const RUNS = {
  'capacity-run': realRun('capacity-run'),
  'faults-run': realRun('faults-run'),
  synthetic: syntheticRun(),
};
// As compare writes them now: the loads as figures too, said in the page's language.
const BOARDS = { scoreboard: withLoadSpecs(realScoreboard()), varied: withLoadSpecs(variedScoreboard()) };
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
  const browser = useBrowser();
  const shown = htmlShower(browser, 'busybench-zh-');
  const words = (p: Awaited<ReturnType<typeof shown>>, data = DATA) => ({
    page: englishWords(`${p.title}\n${p.text}`, data),
    charts: Object.fromEntries(
      Object.entries(p.charts)
        .map(([id, texts]) => [id, englishWords(texts.join('\n'), data)] as const)
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

  it('the live page of collect --lang zh-CN, its SLA lines too (the view it polls is said in Chinese)', async () => {
    const { engines, loose } = syntheticResults();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-zh-live-'));
    const files = engines.map((lines, i) => {
      const file = join(dir, `live-${i}.json`);
      writeFileSync(file, `${[...lines, ...(i === engines.length - 1 ? loose : [])].join('\n')}\n`);
      return file;
    });
    const collector = createCollector({
      results: files[0] as string,
      moreResults: files.slice(1),
      runId: 'synthetic-live',
      locale: 'zh-CN',
      sla: SYNTHETIC_SLA,
      upstream: [],
    });
    try {
      const url = await collector.app.listen({ host: '127.0.0.1', port: 0 });
      // The followers read on their own schedule: wait until every line is in.
      const requests = syntheticRun().steps.reduce((n, st) => n + st.requests, 0);
      const read = () => {
        const v = collector.view();
        return v.malformedLines === 1 && v.steps.reduce((n, st) => n + st.requests, 0) === requests;
      };
      while (!read()) await new Promise((r) => setTimeout(r, 50));
      const view = collector.view();
      // Every kind of line is there, some of them broken.
      expect(view.verdict.lines.filter((l) => !l.ok).length).toBeGreaterThan(0);
      const p = await pageText(browser(), `${url}/`);
      expect(p.lang).toBe('zh-CN');
      expect(p.text).toMatch(HAN);
      expect(p.text).not.toMatch(/success rate|latency p|ttft p| rate <=|dropped iterations/);
      for (const l of view.verdict.lines) expect(p.text, l.line).not.toContain(l.line);
      expect(words(p, dataOf([view], []))).toEqual({ page: [], charts: {} });
    } finally {
      await collector.stop();
    }
  }, 60_000);

  for (const [name, b] of Object.entries(BOARDS))
    it(`the HTML scoreboard of ${name}`, async () => {
      const p = await shown(`scoreboard-${name}`, scoreboardPage(b, 'zh-CN'));
      expect(p.lang).toBe('zh-CN');
      expect(p.text).toMatch(HAN);
      expect(words(p)).toEqual({ page: [], charts: {} });
    }, 30_000);
});
