import { readFileSync } from 'node:fs';
import { CHART_JS_PATH, escapeHtml } from '../../collector/src/html-page.js';
import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { SCOREBOARD_MESSAGES, type ScoreboardMessages } from '../../common/i18n/messages/scoreboard.js';
import { type ElasticSection, elasticChartSvg, elasticText } from './elastic-section.js';
import { FIGURE_INFO, type FigureName } from './run-figures.js';
import {
  figureLabel,
  intervalNote,
  type Scoreboard,
  type Section,
  sectionText,
  type TextTable,
} from './scoreboard.js';
import { type SearchSection, searchChartHtml, searchText } from './search-section.js';

/**
 * The scoreboard as one self-contained HTML file (chart.js inlined, so it opens offline and can be
 * mailed). Per section (capacity, then faults): the load, the deciding figure, the ties said out
 * loud, bar charts of the figures that decide with their 95 % intervals as whiskers, the capacity
 * curve (goodput against offered load: the knee is where a curve leaves the diagonal) or the fault
 * timeline (p99 and errors over time, fault phases shaded), then the tables scoreboard.md has
 * (both from sectionText, so neither parses the other).
 * The data is embedded as window.BUSYBENCH_SCOREBOARD; the drawing script only reads it, and
 * takes its words from window.BUSYBENCH_PAGE (the catalogue's, in the page's language).
 */

/** The bar charts of a section, after its deciding figure. */
const BAR_FIGURES: readonly FigureName[] = ['successRate', 'p99Ms', 'amplification', 'goodput', 'usdPer1kOk'];
const PREFIX = { capacity: 'cap', faults: 'flt', trace: 'trc' } as const;

/** One colour per strategy, the same on every chart (red last: fault phases are shaded red). */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#d62728',
];

/** The figures a section draws as bars, the deciding one first. */
export const barFigures = (s: Section): FigureName[] => [
  s.deciding,
  ...BAR_FIGURES.filter((f) => f !== s.deciding),
];

/** Canvas ids of a section's charts, in page order. */
export function chartIds(s: Section): string[] {
  const p = PREFIX[s.experiment];
  const extra =
    s.experiment === 'capacity'
      ? ['cap-curve']
      : s.experiment === 'faults'
        ? ['flt-p99-time', 'flt-errors-time']
        : [];
  return [...barFigures(s).map((f) => `${p}-${f}`), ...extra];
}

/** Every strategy named anywhere in the board, the listed ones first, each with its colour. */
function strategyColours(b: Scoreboard): Array<{ name: string; colour: string }> {
  const names = new Set<string>(b.strategies);
  for (const s of [b.capacity, b.faults, b.trace]) {
    if (!s) continue;
    for (const r of s.ranking) names.add(r.strategy);
    if (s.experiment === 'capacity') for (const c of s.curves) names.add(c.strategy);
    else if (s.experiment === 'faults') for (const c of s.series) names.add(c.strategy);
  }
  return [...names].map((name, i) => ({
    name,
    colour: PALETTE[i] ?? `hsl(${(i * 137) % 360}, 55%, 45%)`,
  }));
}

/** What the drawing script needs besides the board: colours, the bar charts' titles, the charts' words. */
function pageConfig(b: Scoreboard, m: ScoreboardMessages) {
  const bars = (s: Section | undefined) =>
    s
      ? barFigures(s).map((figure) => {
          const failures = figure === 'successRate';
          const better = failures ? 'lower' : FIGURE_INFO[figure].better;
          const decides = figure === s.deciding ? ` · ${m['page.decides']}` : '';
          return {
            id: `${PREFIX[s.experiment]}-${figure}`,
            figure,
            title: failures ? m['page.failures'] : figureLabel(m, figure),
            subtitle: `${better === 'higher' ? m['page.higherBetter'] : m['page.lowerBetter']} · ${m['page.whisker']}${decides}`,
          };
        })
      : [];
  return {
    strategies: strategyColours(b),
    bars: { capacity: bars(b.capacity), faults: bars(b.faults), trace: bars(b.trace) },
    text: {
      notMeasured: m['page.notMeasured'],
      noInterval: m['page.noInterval'],
      curveTitle: m['page.curveTitle'],
      curveSubtitle: m['page.curveSubtitle'],
      diagonal: m['page.diagonal'],
      offeredAxis: m['page.offeredAxis'],
      goodputAxis: figureLabel(m, 'goodput'),
      timelineSubtitle: b.faults ? m['page.timelineSubtitle'](b.faults.scenario) : '',
      secondsIntoLoad: m['page.secondsIntoLoad'],
      p99Title: m['page.p99Title'],
      p99Axis: m['page.p99Axis'],
      errorsTitle: m['page.errorsTitle'],
      errorsAxis: m['page.errorsAxis'],
    },
  };
}

/** A table as HTML; a figure's value, its interval and a change stay whole each, the cell may break between them. */
function tableHtml(t: TextTable): string {
  const cell = (c: string) => {
    const m = /^(.*?) (\[[^\]]*\])(?: (.*))?$/.exec(c);
    if (!m) return escapeHtml(c);
    const [, value = '', interval = '', change] = m;
    return `<span>${escapeHtml(value)}</span> <span class="ci">${escapeHtml(interval)}</span>${change ? ` <span>${escapeHtml(change)}</span>` : ''}`;
  };
  const align = (i: number) => (t.numeric[i] ? 'num' : 'text');
  const head = t.head.map((h, i) => `<th class="${align(i)}">${escapeHtml(h)}</th>`).join('');
  const rows = t.rows
    .map((r) => `<tr>${r.map((c, i) => `<td class="${align(i)}">${cell(c)}</td>`).join('')}</tr>`)
    .join('');
  const title = t.title ? `<p>${escapeHtml(t.title)}</p>` : '';
  return `${title}<div class="table"><table><tr>${head}</tr>${rows}</table></div>`;
}

/** The elastic experiment's section: heading, load, the table, the replicas over time. */
function elasticHtml(s: ElasticSection, locale: Locale): string {
  const t = elasticText(s, locale);
  return `<section id="elastic">
<h2>${escapeHtml(t.heading)}</h2>
<p>${escapeHtml(t.load)}</p>
${tableHtml(t.table)}
${elasticChartSvg(s, locale)}
</section>`;
}

/** The capacity search's section: heading, load, the probes' chart, the table. */
function searchHtml(s: SearchSection, locale: Locale): string {
  const t = searchText(s, locale);
  return `<section id="search">
<h2>${escapeHtml(t.heading)}</h2>
<p>${escapeHtml(t.load)}</p>
${searchChartHtml(s, locale)}
${tableHtml(t.table)}
</section>`;
}

/** One section: heading, load, how places are decided, the ties in a highlighted note, the charts, the tables. */
function sectionHtml(section: Section, baseline: string, locale: Locale): string {
  const t = sectionText(section, baseline, locale);
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const charts = chartIds(section)
    .map((id) => {
      const wide = id === 'cap-curve' || id.endsWith('-time');
      return `<div class="chart${wide ? ' wide' : ''}"><canvas id="${id}"></canvas></div>`;
    })
    .join('');
  const ties =
    t.ties.length > 0
      ? `<div class="ties" role="note"><strong>${escapeHtml(m['page.sharedPlaces'])}</strong>${t.ties.map((x) => `<p>${escapeHtml(x)}</p>`).join('')}</div>`
      : '';
  return `<section id="${section.experiment}">
<h2>${escapeHtml(t.heading)}</h2>
<p>${escapeHtml(t.load)}</p>
<p>${escapeHtml(t.places)}</p>
${ties}<div class="grid">${charts}</div>
${[t.main, ...t.more].map(tableHtml).join('\n')}
</section>`;
}

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 2px solid #ddd; padding-bottom: 0.2em; }
.meta { color: #666; }
.legend span { display: inline-block; margin-right: 1.2em; white-space: nowrap; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.35em; vertical-align: -0.1em; border-radius: 2px; }
.ties { background: #fff4d6; border-left: 5px solid #e0a800; padding: 0.5em 1em; margin: 1em 0; }
.ties p { margin: 0.3em 0; font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1.2em; margin: 1em 0; }
.chart { position: relative; height: 280px; }
.chart.wide { grid-column: 1 / -1; height: 360px; }
.table { overflow-x: auto; margin: 0.5em 0 1.5em; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: 0.25em 0.5em; vertical-align: bottom; }
td span { white-space: nowrap; } td .ci { color: #666; font-size: 0.9em; }
th { background: #f6f6f6; }
.num { text-align: right; } .text { text-align: left; }
/* Chinese: the Simplified forms of the font fonts-noto-cjk installs; and a table's words kept whole (名次, not 名/次), as CJK text may otherwise break between any two characters. */
:lang(zh) body { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
:lang(zh) th, :lang(zh) td { word-break: keep-all; }
`;

/**
 * Draws the charts from window.BUSYBENCH_SCOREBOARD and window.BUSYBENCH_PAGE. Exposes how many
 * whiskers (window.BUSYBENCH_ERROR_BARS) and fault bands (window.BUSYBENCH_PHASE_BANDS) each
 * canvas got, and marks the body rendered once every chart is drawn.
 */
const SCRIPT = `
(() => {
  const s = window.BUSYBENCH_SCOREBOARD;
  const P = window.BUSYBENCH_PAGE;
  const W = P.text;
  // Chinese needs a font that has it: the charts draw in the page's font (English keeps chart.js's).
  if (document.documentElement.lang !== 'en') Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const colours = new Map(P.strategies.map((x) => [x.name, x.colour]));
  const colourOf = (name) => colours.get(name) || '#555555';
  const whiskers = (window.BUSYBENCH_ERROR_BARS = {});
  const bandsDrawn = (window.BUSYBENCH_PHASE_BANDS = {});
  const NONE = { value: null, lo: null, hi: null };
  const num = (v) => typeof v === 'number' && Number.isFinite(v);

  // A dataset's errorBars[i] = { lo, hi } (95 % interval) is drawn over its i-th bar or point as a
  // vertical line with caps; without both ends, no whisker.
  const errorBars = {
    id: 'errorBars',
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const y = scales.y;
      const a = chart.chartArea;
      let n = 0;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a.left - 8, a.top, a.right - a.left + 16, a.bottom - a.top);
      ctx.clip();
      chart.data.datasets.forEach((d, i) => {
        if (!d.errorBars || !chart.isDatasetVisible(i)) return;
        chart.getDatasetMeta(i).data.forEach((el, j) => {
          const e = d.errorBars[j];
          const v = d.data[j];
          const value = v !== null && typeof v === 'object' ? v.y : v;
          if (!e || !num(e.lo) || !num(e.hi) || !num(value) || el.skip) return;
          const top = y.getPixelForValue(Math.max(e.lo, e.hi));
          const bottom = y.getPixelForValue(Math.min(e.lo, e.hi));
          const half = chart.config.type === 'bar' ? Math.max(4, Math.min(12, (el.width || 20) / 4)) : 5;
          ctx.strokeStyle = chart.config.type === 'bar' ? '#222222' : d.borderColor;
          ctx.lineWidth = 1.6;
          ctx.beginPath();
          ctx.moveTo(el.x, top);
          ctx.lineTo(el.x, bottom);
          ctx.moveTo(el.x - half, top);
          ctx.lineTo(el.x + half, top);
          ctx.moveTo(el.x - half, bottom);
          ctx.lineTo(el.x + half, bottom);
          ctx.stroke();
          n++;
        });
      });
      ctx.restore();
      whiskers[chart.canvas.id] = n;
    },
  };

  // Fault phases as translucent bands under the lines, the phase's name at the top.
  const phaseBands = {
    id: 'phaseBands',
    beforeDatasetsDraw(chart, _args, opts) {
      const bands = (opts && opts.bands) || [];
      if (bands.length === 0) return;
      const { ctx, chartArea: a, scales } = chart;
      let n = 0;
      ctx.save();
      for (const b of bands) {
        const from = Math.max(a.left, scales.x.getPixelForValue(b.from));
        const to = Math.min(a.right, scales.x.getPixelForValue(b.to));
        if (!(to > from)) continue;
        ctx.fillStyle = 'rgba(214, 39, 40, 0.13)';
        ctx.fillRect(from, a.top, to - from, a.bottom - a.top);
        ctx.strokeStyle = 'rgba(214, 39, 40, 0.45)';
        ctx.lineWidth = 1;
        ctx.strokeRect(from + 0.5, a.top + 0.5, to - from - 1, a.bottom - a.top - 1);
        ctx.fillStyle = '#a32020';
        ctx.font = 'bold 12px system-ui, sans-serif';
        ctx.textBaseline = 'top';
        ctx.fillText(b.name, from + 4, a.top + 4, Math.max(20, to - from - 8));
        n++;
      }
      ctx.restore();
      bandsDrawn[chart.canvas.id] = n;
    },
  };

  const chart = (id, config) => {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...config.options };
    config.plugins = [errorBars, phaseBands];
    new Chart(canvas, config);
  };
  const titles = (title, subtitle) => ({
    title: { display: true, text: title, font: { size: 14, weight: 'bold' } },
    subtitle: { display: Boolean(subtitle), text: subtitle || '', color: '#666', padding: { bottom: 8 } },
  });
  const axis = (text) => ({ display: true, text });
  const place = (r) => r.rank + (r.tiedWith.length > 0 ? '=' : '');
  // Failures, not success: 98 % and 100 % look the same on a 0-100 axis.
  const shown = (figure, f) => {
    f = f || NONE;
    if (figure !== 'successRate') return { value: f.value, lo: f.lo, hi: f.hi };
    const fail = (v) => (num(v) ? (1 - v) * 100 : null);
    return { value: fail(f.value), lo: fail(f.hi), hi: fail(f.lo) };
  };
  const fmt = (v) => (num(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : '–');

  function bars(section, specs) {
    const labels = section.ranking.map((r) => r.strategy + ' (' + place(r) + ')');
    const barColours = section.ranking.map((r) => colourOf(r.strategy));
    for (const spec of specs) {
      const figs = section.ranking.map((r) => shown(spec.figure, r.figures[spec.figure]));
      const values = figs.map((f) => (num(f.value) ? f.value : null));
      const ends = figs.flatMap((f) => [f.value, f.hi]).filter(num);
      const missing = values.every((v) => v === null);
      chart(spec.id, {
        type: 'bar',
        data: {
          labels,
          datasets: [{ label: spec.title, data: values, backgroundColor: barColours, errorBars: figs }],
        },
        options: {
          plugins: {
            legend: { display: false },
            ...titles(spec.title, spec.subtitle + (missing ? ' · ' + W.notMeasured : '')),
            tooltip: {
              callbacks: {
                afterLabel: (item) => {
                  const f = figs[item.dataIndex];
                  return num(f.lo) && num(f.hi) ? '95 %: ' + fmt(f.lo) + ' – ' + fmt(f.hi) : W.noInterval;
                },
              },
            },
          },
          scales: {
            y: { beginAtZero: true, suggestedMax: ends.length > 0 ? Math.max(...ends) * 1.05 : 1 },
          },
        },
      });
    }
  }

  function curve(section) {
    const runs = new Map(section.ranking.map((r) => [r.strategy, r.runs]));
    const offered = section.curves.flatMap((c) => c.steps.map((st) => st.offered));
    const top = Math.max(0, ...section.rates, ...offered);
    const datasets = section.curves.map((c) => {
      const colour = colourOf(c.strategy);
      const all = runs.get(c.strategy) || 0;
      return {
        label: c.strategy,
        data: c.steps.map((st) => ({ x: st.offered, y: num(st.goodput.value) ? st.goodput.value : null })),
        errorBars: c.steps.map((st) => st.goodput),
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: 2,
        pointRadius: c.steps.map((st) => (st.heldRuns < all ? 7 : 4)),
        pointStyle: c.steps.map((st) => (st.heldRuns < all ? 'crossRot' : 'circle')),
        pointBorderWidth: 2,
      };
    });
    datasets.push({
      label: W.diagonal,
      data: [{ x: 0, y: 0 }, { x: top, y: top }],
      borderColor: '#999999',
      backgroundColor: '#999999',
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
    });
    chart('cap-curve', {
      type: 'line',
      data: { datasets },
      options: {
        plugins: titles(W.curveTitle, W.curveSubtitle),
        scales: {
          x: { type: 'linear', min: 0, title: axis(W.offeredAxis) },
          y: { beginAtZero: true, title: axis(W.goodputAxis) },
        },
      },
    });
  }

  function overTime(section) {
    const ends = section.series.flatMap((x) => x.points.map((p) => p.s));
    for (const p of section.phases) ends.push(num(p.toS) ? p.toS : p.fromS);
    const end = Math.max(0, ...ends.filter(num));
    const bands = section.phases
      .filter((p) => p.fault)
      .map((p) => ({ from: p.fromS, to: num(p.toS) ? p.toS : end, name: p.name }));
    const lines = (key, f) =>
      section.series.map((x) => ({
        label: x.strategy,
        data: x.points.map((p) => ({ x: p.s, y: f(p[key]) })),
        borderColor: colourOf(x.strategy),
        backgroundColor: colourOf(x.strategy),
        borderWidth: 2,
        pointRadius: 0,
      }));
    const sub = W.timelineSubtitle;
    const x = { type: 'linear', min: 0, max: end, title: axis(W.secondsIntoLoad) };
    chart('flt-p99-time', {
      type: 'line',
      data: { datasets: lines('p99Ms', (v) => (num(v) && v > 0 ? v : null)) },
      options: {
        plugins: { ...titles(W.p99Title, sub), phaseBands: { bands } },
        scales: { x, y: { type: 'logarithmic', title: axis(W.p99Axis) } },
      },
    });
    chart('flt-errors-time', {
      type: 'line',
      data: { datasets: lines('errorRate', (v) => (num(v) ? v * 100 : null)) },
      options: {
        plugins: { ...titles(W.errorsTitle, sub), phaseBands: { bands } },
        scales: { x, y: { beginAtZero: true, title: axis(W.errorsAxis) } },
      },
    });
  }

  if (s.capacity) {
    bars(s.capacity, P.bars.capacity);
    curve(s.capacity);
  }
  if (s.faults) {
    bars(s.faults, P.bars.faults);
    overTime(s.faults);
  }
  if (s.trace) bars(s.trace, P.bars.trace);
  document.body.dataset.rendered = 'true';
})();
`;

/** Inline script text: nothing in it may close the script element early. */
const inline = (js: string) => `<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export function scoreboardPage(s: Scoreboard, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const body = [
    ...[s.capacity, s.faults, s.trace].map((x) => (x ? sectionHtml(x, s.baseline, locale) : '')),
    s.elastic ? elasticHtml(s.elastic, locale) : '',
    s.search ? searchHtml(s.search, locale) : '',
  ].join('\n');
  const config = pageConfig(s, m);
  const legend = config.strategies
    .map(({ name, colour }) => `<span><i style="background:${colour}"></i>${escapeHtml(name)}</span>`)
    .join('');
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(m['page.title'])}</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(m['page.title'])}</h1>
<p class="meta">${escapeHtml(m['page.meta'](s.generatedAt, s.repeats, m[`order.${s.order}`], s.baseline))}</p>
<p class="legend">${legend}</p>
<p>${escapeHtml(intervalNote(s, locale))}</p>
${body}
${inline(readFileSync(CHART_JS_PATH, 'utf8'))}
${inline(`window.BUSYBENCH_SCOREBOARD = ${json(s)};\nwindow.BUSYBENCH_PAGE = ${json(config)};`)}
${inline(SCRIPT)}
</body></html>
`;
}
