import { escapeHtml } from '../../collector/src/html-page.js';
import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { SCOREBOARD_MESSAGES } from '../../common/i18n/messages/scoreboard.js';
import type { Probe, SearchResult } from './capacity-search.js';
import type { TextTable } from './scoreboard.js';

/**
 * The scoreboard's capacity-search section (`compare --experiment capacity --search`): per
 * strategy, the sustained rate with its bracket [highest held, lowest broken] and every probe.
 */
export interface SearchSection {
  readonly experiment: 'search';
  readonly probeSeconds: number;
  /** The bracket's width over its low end at which the search stops (0.05). */
  readonly resolution: number;
  readonly mockConfig: string;
  readonly nodes: number;
  readonly rows: ReadonlyArray<{
    readonly strategy: string;
    readonly sustainedRps: number | null;
    readonly bracket: SearchResult['bracket'];
    readonly ended: SearchResult['ended'];
    readonly probes: readonly Probe[];
  }>;
}

export interface SearchText {
  readonly heading: string;
  readonly load: string;
  /** Said as the other sections' tables are (scoreboard.ts's markdown, the page's HTML). */
  readonly table: TextTable;
}

export function searchText(s: SearchSection, locale: Locale = 'en'): SearchText {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const rate = (r: number | null) => (r === null ? '—' : String(r));
  return {
    heading: m.searchHeading,
    load: m.searchLoad(
      String(s.probeSeconds),
      String(Math.round(s.resolution * 1000) / 10),
      s.mockConfig,
      String(s.nodes),
    ),
    table: {
      head: [
        m['col.strategy'],
        m['search.col.sustained'],
        m['search.col.bracket'],
        m['search.col.probes'],
        m['search.col.ended'],
      ],
      numeric: [false, true, true, false, false],
      rows: s.rows.map((r) => [
        r.strategy,
        rate(r.sustainedRps),
        `${rate(r.bracket[0])} … ${rate(r.bracket[1])}`,
        r.probes.map((p) => `${p.rate} ${m[`search.verdict.${p.verdict}`]}`).join(', '),
        m[`search.ended.${r.ended}`],
      ]),
    },
  };
}

const VERDICT_COLOUR = {
  held: '#2e7d32',
  broken: '#c62828',
  undecided: '#f9a825',
  harness: '#6d4c41',
} as const;

/**
 * The probes as a chart, drawn here (an inline SVG: no script, printable): a row per strategy, a
 * dot per probe at its rate coloured by its verdict (its reason on hover), a bar at the sustained rate.
 */
export function searchChartSvg(s: SearchSection, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const rates = s.rows.flatMap((r) => r.probes.map((p) => p.rate));
  const max = Math.max(1, ...rates) * 1.1;
  const left = 150;
  const width = 760;
  const rowH = 34;
  const height = 40 + rowH * s.rows.length;
  const x = (r: number) => left + ((width - left - 20) * r) / max;
  const ticks = Array.from({ length: 6 }, (_, i) => Math.round((max / 5) * i));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="search-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(m['search.chartTitle'])}">`,
    `<title>${escapeHtml(m['search.chartTitle'])}</title>`,
    ...ticks.map(
      (t) =>
        `<line x1="${x(t)}" y1="20" x2="${x(t)}" y2="${height - 18}" stroke="#ddd"/><text x="${x(t)}" y="${height - 4}" font-size="11" text-anchor="middle">${t}</text>`,
    ),
  ];
  s.rows.forEach((r, i) => {
    const y = 34 + i * rowH;
    parts.push(
      `<text x="${left - 8}" y="${y + 4}" font-size="12" text-anchor="end">${escapeHtml(r.strategy)}</text>`,
    );
    if (r.sustainedRps !== null)
      parts.push(
        `<line class="sustained" x1="${x(r.sustainedRps)}" y1="${y - 12}" x2="${x(r.sustainedRps)}" y2="${y + 12}" stroke="#1565c0" stroke-width="3"/>`,
      );
    for (const p of r.probes)
      parts.push(
        `<circle class="probe ${p.verdict}" cx="${x(p.rate)}" cy="${y}" r="5" fill="${VERDICT_COLOUR[p.verdict]}"><title>${escapeHtml(`${p.rate} req/s: ${m[`search.verdict.${p.verdict}`]} (${p.reason})`)}</title></circle>`,
      );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The chart and its legend: the verdicts' colours and the sustained rate's bar. */
export function searchChartHtml(s: SearchSection, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const legend = (['held', 'broken', 'undecided', 'harness'] as const)
    .map(
      (v) =>
        `<span><i style="background:${VERDICT_COLOUR[v]}"></i>${escapeHtml(m[`search.verdict.${v}`])}</span>`,
    )
    .join('');
  return `${searchChartSvg(s, locale)}
<p class="legend">${legend}<span><i style="background:#1565c0"></i>${escapeHtml(m['search.col.sustained'])}</span></p>`;
}
