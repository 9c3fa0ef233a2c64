import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { REPORT_MESSAGES } from '../../common/i18n/messages/report.js';
import { packageRoot } from '../../common/paths.js';
import { pageMessages } from './page-messages.js';
import { viewInLanguage } from './report-words.js';
import type { RunView } from './run-view.js';

/**
 * The run's page, in two forms from one template: the live page (scripts served by the collector,
 * figures polled from /api/live) and the final report (one self-contained file: chart.js, the
 * drawing script and the figures inlined, so it opens offline and can be mailed). Its words are
 * the catalogue's (common/i18n/messages/report.ts), in the page's language, handed to the drawing
 * script as window.BUSYBENCH_TEXT.
 */
export const CHART_JS_PATH = join(
  createRequire(import.meta.url)
    .resolve('chart.js')
    .replace(/chart\.cjs$/, ''),
  'chart.umd.min.js',
);
export const RUN_PAGE_JS_PATH = join(packageRoot(), 'collector', 'assets', 'run-page.js');

const STYLE = `
  body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { font-size: 1.4em; margin-bottom: 0.2em; }
  h2 { font-size: 1.1em; margin-top: 1.6em; }
  .meta, #stale, #warnings { color: #666; }
  #stale, #warnings { color: #b35900; }
  .cards { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 10em; }
  .card b { display: block; font-size: 1.2em; }
  .badge { padding: 0.1em 0.5em; border-radius: 4px; color: #fff; }
  .badge.ok { background: #2a7d2a; } .badge.bad { background: #c0392b; }
  td.ok { color: #2a7d2a; } td.bad { color: #c0392b; font-weight: bold; } #runners-missing { color: #c0392b; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 1.5em; }
  .chart { position: relative; height: 300px; }
  table { border-collapse: collapse; margin: 0.5em 0; }
  th, td { border-bottom: 1px solid #eee; padding: 0.25em 0.7em; text-align: right; }
  th { background: #f6f6f6; }
  /* Chinese: the Simplified forms of the font fonts-noto-cjk installs; and a table's words kept whole (名次, not 名/次), as CJK text may otherwise break between any two characters. */
  :lang(zh) body { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
  :lang(zh) th, :lang(zh) td { word-break: keep-all; }
`;

/** The page's frame: headings and cards; run-page.js fills in the figures, tables and charts. */
const body = (t: Readonly<Record<string, string>>) => {
  const h = (key: string) => escapeHtml(t[key] ?? key);
  return `
  <h1>${h('page.heading')} <span id="run-id"></span> <span id="verdict" class="badge"></span></h1>
  <div class="meta"><span id="generated"></span> <span id="stale"></span></div>
  <div id="warnings"></div>
  <div class="cards">
    <div class="card">${h('page.knee')}<b id="knee">-</b></div>
    <div class="card">${h('page.currentStep')}<b id="current-step">-</b></div>
    <div class="card">${h('page.alertsFiring')}<b id="alerts-firing">0</b></div>
  </div>
  <div class="grid">
    <div><h2>${h('page.chartRate')}</h2><div class="chart"><canvas id="chart-rate"></canvas></div></div>
    <div><h2>${h('page.chartLatencyTime')}</h2><div class="chart"><canvas id="chart-latency-time"></canvas></div></div>
    <div><h2>${h('page.chartErrorsTime')}</h2><div class="chart"><canvas id="chart-errors-time"></canvas></div></div>
    <div><h2>${h('page.chartLatencySteps')}</h2><div class="chart"><canvas id="chart-latency-steps"></canvas></div></div>
    <div><h2>${h('page.chartOutcomesSteps')}</h2><div class="chart"><canvas id="chart-errors-steps"></canvas></div></div>
  </div>
  <h2>${h('page.steps')}</h2><table id="table-steps"></table>
  <div id="classes" hidden><h2>${h('page.classes')}</h2><table id="table-classes"></table></div>
  <div id="users" hidden><h2>${h('page.users')}</h2><p id="users-line"></p></div>
  <h2>${h('page.sla')}</h2><table id="table-sla"></table>
  <div id="runners" hidden><h2>${h('page.runners')}</h2><ul id="runners-missing" class="bad"></ul><table id="table-runners"></table></div>
  <h2>${h('page.recovery')}</h2><table id="table-recovery"></table>
  <h2>${h('page.alerts')}</h2><table id="table-alerts"></table>
`;
};

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** Inline script text: nothing in it may close the script element early. */
const inline = (js: string) => `<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const page = (title: string, locale: Locale, scripts: string) => {
  const text = pageMessages(locale);
  return (
    `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>${STYLE}</style></head><body>${body(text)}` +
    `${inline(`window.BUSYBENCH_TEXT = ${json(text)};`)}${scripts}</body></html>\n`
  );
};

/** The live page: its script polls `api/live?lang=<the page's language>`, the view in its words. */
export function livePage(locale: Locale = 'en'): string {
  return page(
    messagesFor(REPORT_MESSAGES, locale)['page.liveTitle'],
    locale,
    '<script src="assets/chart.umd.min.js"></script><script src="assets/run-page.js"></script>',
  );
}

export function reportPage(view: RunView, locale: Locale = 'en'): string {
  return page(
    messagesFor(REPORT_MESSAGES, locale)['page.title'](view.runId),
    locale,
    inline(readFileSync(CHART_JS_PATH, 'utf8')) +
      inline(`window.BUSYBENCH_VIEW = ${json(viewInLanguage(view, locale))};`) +
      inline(readFileSync(RUN_PAGE_JS_PATH, 'utf8')),
  );
}
