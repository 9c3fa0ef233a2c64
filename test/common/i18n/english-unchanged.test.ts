import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportPage } from '../../../collector/src/html-page.js';
import { missingSegments } from '../../../collector/src/report-words.js';
import { terminalReport } from '../../../collector/src/terminal-report.js';
import { capacityLoadText, faultsLoadText, scoreboardMarkdown } from '../../../runner/src/scoreboard.js';
import { scoreboardPage } from '../../../runner/src/scoreboard-page.js';
import { useBrowser } from '../../helpers/browser.js';
import { realRun, realScoreboard, syntheticRun, variedScoreboard, withLoadSpecs } from './fixtures.js';
import { htmlShower } from './page-text.js';

/**
 * English stays what it was before the catalogue: the renderings in fixtures/en/ were made by the
 * code as it stood before any string moved into common/i18n (terminal text and markdown byte for
 * byte; pages as Chromium shows them: their text and what their charts write), and the same
 * fixtures rendered now, with the default language and with `en` said out loud, must equal them.
 */
const golden = (name: string) => readFileSync(new URL(`fixtures/en/${name}`, import.meta.url), 'utf8');

const RUNS = {
  'capacity-run': () => realRun('capacity-run'),
  'faults-run': () => realRun('faults-run'),
  synthetic: syntheticRun,
};
const BOARDS = { scoreboard: realScoreboard, varied: variedScoreboard };

describe('English renderings are unchanged', () => {
  for (const [name, make] of Object.entries(RUNS))
    it(`the terminal report of ${name}, byte for byte`, () => {
      const v = make();
      const expected = golden(`${name}.terminal.txt`);
      expect(terminalReport(v.steps, v.verdict, v.malformedLines, v.runners)).toBe(expected);
      expect(terminalReport(v.steps, v.verdict, v.malformedLines, v.runners, 'en')).toBe(expected);
    });

  for (const [name, make] of Object.entries(BOARDS))
    it(`the markdown scoreboard of ${name}, byte for byte`, () => {
      const expected = golden(`${name}.md`);
      expect(scoreboardMarkdown(make())).toBe(expected);
      expect(scoreboardMarkdown(make(), 'en')).toBe(expected);
      // Said from the figures compare keeps now, the load reads as the words it wrote before.
      expect(scoreboardMarkdown(withLoadSpecs(make()), 'en')).toBe(expected);
    });

  it("the catalogue's words for data the collector writes in English are the collector's", () => {
    // runner-view.ts says a short segment in report.json; the terminal now says it from the catalogue.
    expect(golden('synthetic.terminal.txt')).toContain(
      `MISSING: ${missingSegments(syntheticRun().runners)[0]}`,
    );
  });

  it("compare's load in words, as the main job wrote it", () => {
    const board = realScoreboard();
    expect(
      capacityLoadText({
        profile: 'stepped',
        rates: board.capacity?.rates ?? [],
        stepSeconds: 6,
        mockConfig: '/work/main/runner/experiments/capacity-mock.yaml',
        nodes: 3,
      }),
    ).toBe(board.capacity?.load);
    expect(
      faultsLoadText({ rate: 1000, seconds: 38, scenario: 'outage-recovery', speed: 4, nodes: 3 }, 'en'),
    ).toBe(board.faults?.load);
    expect(
      faultsLoadText({
        rate: 50,
        seconds: 30,
        scenario: 'flaky-503',
        speed: 1,
        mockConfig: 'm.yaml',
        nodes: 1,
      }),
    ).toBe('50 req/s for 30 s while the mock plays flaky-503 at x1 (mock config m.yaml), 1 nodes');
  });
});

describe('English pages in Chromium are unchanged', () => {
  const browser = useBrowser();
  const shown = htmlShower(browser, 'busybench-en-');

  for (const [name, make] of Object.entries(RUNS))
    it(`the HTML report of ${name}: its text and its charts' words`, async () => {
      const expected = JSON.parse(golden(`${name}.page.json`));
      expect(await shown(`${name}-default`, reportPage(make()))).toEqual(expected);
      expect(await shown(`${name}-en`, reportPage(make(), 'en'))).toEqual(expected);
    }, 30_000);

  for (const [name, make] of Object.entries(BOARDS))
    it(`the HTML scoreboard of ${name}: its text and its charts' words`, async () => {
      const expected = JSON.parse(golden(`${name}.page.json`));
      expect(await shown(`${name}-default`, scoreboardPage(make()))).toEqual(expected);
      expect(await shown(`${name}-en`, scoreboardPage(make(), 'en'))).toEqual(expected);
      expect(await shown(`${name}-spec`, scoreboardPage(withLoadSpecs(make()), 'en'))).toEqual(expected);
    }, 30_000);
});
