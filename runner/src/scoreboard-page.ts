import { readFileSync } from 'node:fs';
import { CHART_JS_PATH, escapeHtml } from '../../collector/src/html-page.js';
import type { Scoreboard } from './scoreboard.js';
import { scoreboardMarkdown } from './scoreboard.js';

/**
 * The scoreboard as one self-contained HTML file: a bar chart per figure that decides (knee,
 * success, p99, amplification, goodput), then the table and the before/after view. chart.js is
 * inlined, so the file opens offline.
 */
const script = `
(() => {
  const s = window.BUSYBENCH_SCOREBOARD;
  const names = s.ranking.map((r) => r.strategy);
  const bar = (id, label, values, color) => new Chart(document.getElementById(id), {
    type: 'bar',
    data: { labels: names, datasets: [{ label, data: values, backgroundColor: color }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false }, title: { display: true, text: label } } },
  });
  bar('c-knee', 'knee: last step before the first breach (req/s)', s.ranking.map((r) => r.kneeRps ?? 0), '#1f77b4');
  // Failures, not success: 98 % and 100 % look the same on a 0-100 axis.
  bar('c-success', 'failed requests (%)', s.ranking.map((r) => (1 - r.successRate) * 100), '#2ca02c');
  bar('c-p99', 'p99 latency (ms)', s.ranking.map((r) => r.p99Ms), '#d62728');
  bar('c-amp', 'amplification (upstream attempts per request)', s.ranking.map((r) => r.amplification ?? 0), '#ff7f0e');
  bar('c-goodput', 'goodput (ok within SLA latency, per s)', s.ranking.map((r) => r.goodput), '#9467bd');
  bar('c-503', '503 rate seen by clients (%)', s.ranking.map((r) => r.rate503 * 100), '#8c564b');
  document.body.dataset.rendered = 'true';
})();
`;

/** Markdown tables to HTML tables (the only markdown the scoreboard has). */
function tables(md: string): string {
  return md
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n').filter(Boolean);
      if (lines[0]?.startsWith('#'))
        return `<h2>${escapeHtml(lines[0].replace(/^#+\s*/, ''))}</h2>${tables(lines.slice(1).join('\n'))}`;
      if (!lines[0]?.startsWith('|')) return lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('');
      const cells = (l: string) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => escapeHtml(c.trim()));
      const [head, , ...rows] = lines;
      return `<table><tr>${cells(head as string)
        .map((c) => `<th>${c}</th>`)
        .join('')}</tr>${rows
        .map(
          (r) =>
            `<tr>${cells(r)
              .map((c) => `<td>${c}</td>`)
              .join('')}</tr>`,
        )
        .join('')}</table>`;
    })
    .join('\n');
}

export function scoreboardPage(s: Scoreboard): string {
  const data = JSON.stringify(s).replace(/</g, '\\u003c');
  const charts = ['c-knee', 'c-success', 'c-p99', 'c-amp', 'c-goodput', 'c-503']
    .map((id) => `<div class="chart"><canvas id="${id}"></canvas></div>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>busybench scoreboard</title><style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1.2em; }
.chart { position: relative; height: 260px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #eee; padding: 0.25em 0.7em; text-align: right; }
th { background: #f6f6f6; }
</style></head><body>
<h1>busybench scoreboard</h1>
<p>${escapeHtml(`${s.scenario ?? 'no scenario'} · ${s.profile} ${s.rates} · ${s.generatedAt} · ranked by knee, steps within SLA, success, then p99`)}</p>
<div class="grid">${charts}</div>
${tables(scoreboardMarkdown(s))}
<script>${readFileSync(CHART_JS_PATH, 'utf8').replace(/<\/(script)/gi, '<\\/$1')}</script>
<script>window.BUSYBENCH_SCOREBOARD = ${data};</script>
<script>${script}</script>
</body></html>
`;
}
