import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../common/paths.js';
import type { RunView } from './run-view.js';

/**
 * The run's page, in two forms from one template: the live page (scripts served by the collector,
 * figures polled from /api/live) and the final report (one self-contained file: chart.js, the
 * drawing script and the figures inlined, so it opens offline and can be mailed).
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
`;

const BODY = `
  <h1>busybench run <span id="run-id"></span> <span id="verdict" class="badge"></span></h1>
  <div class="meta"><span id="generated"></span> <span id="stale"></span></div>
  <div id="warnings"></div>
  <div class="cards">
    <div class="card">knee<b id="knee">-</b></div>
    <div class="card">current step<b id="current-step">-</b></div>
    <div class="card">alerts firing<b id="alerts-firing">0</b></div>
  </div>
  <div class="grid">
    <div><h2>Requests per second: target and achieved</h2><div class="chart"><canvas id="chart-rate"></canvas></div></div>
    <div><h2>Latency percentiles over time</h2><div class="chart"><canvas id="chart-latency-time"></canvas></div></div>
    <div><h2>Errors by class over time</h2><div class="chart"><canvas id="chart-errors-time"></canvas></div></div>
    <div><h2>Latency percentiles per step</h2><div class="chart"><canvas id="chart-latency-steps"></canvas></div></div>
    <div><h2>Outcomes per step</h2><div class="chart"><canvas id="chart-errors-steps"></canvas></div></div>
  </div>
  <h2>Steps</h2><table id="table-steps"></table>
  <div id="classes" hidden><h2>Priority classes per step</h2><table id="table-classes"></table></div>
  <h2>SLA, line by line</h2><table id="table-sla"></table>
  <div id="runners" hidden><h2>Load generators, each on its own</h2><ul id="runners-missing" class="bad"></ul><table id="table-runners"></table></div>
  <h2>Recovery after fault phases</h2><table id="table-recovery"></table>
  <h2>Alerts received</h2><table id="table-alerts"></table>
`;

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

const page = (title: string, scripts: string) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  `<style>${STYLE}</style></head><body>${BODY}${scripts}</body></html>\n`;

/** Inline script text: nothing in it may close the script element early. */
const inline = (js: string) => `<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;

export function livePage(): string {
  return page(
    'busybench live',
    '<script src="assets/chart.umd.min.js"></script><script src="assets/run-page.js"></script>',
  );
}

export function reportPage(view: RunView): string {
  const data = JSON.stringify(view).replace(/</g, '\\u003c');
  return page(
    `busybench report ${view.runId}`,
    inline(readFileSync(CHART_JS_PATH, 'utf8')) +
      inline(`window.BUSYBENCH_VIEW = ${data};`) +
      inline(readFileSync(RUN_PAGE_JS_PATH, 'utf8')),
  );
}
