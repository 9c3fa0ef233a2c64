import { escapeHtml } from '../../collector/src/html-page.js';
import { type PhaseSpan, replicasOf } from '../../collector/src/run-events.js';
import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { SCOREBOARD_MESSAGES } from '../../common/i18n/messages/scoreboard.js';
import type { Figure } from './run-figures.js';
import { formatFigure, type TextTable } from './scoreboard.js';

/**
 * The scoreboard's elastic section (`compare --experiment elastic`): the mock's capacity grows as
 * an autoscaler moves it (mock-server's `autoscale` scenarios) and a burst lands while the
 * replicas it asks for are still starting. Per strategy: what the burst got (goodput, success,
 * p99 over its windows, with intervals), how long until the capacity had arrived, and the
 * replicas over time.
 */
export interface ElasticLoad {
  readonly baseRate: number;
  readonly burstRate: number;
  /** Seconds at the base rate, then at the burst's. */
  readonly baseSeconds: number;
  readonly burstSeconds: number;
  readonly scenario: string;
  readonly speed: number;
  readonly nodes: number;
}

export interface ElasticRow {
  readonly strategy: string;
  readonly rank: number;
  readonly tiedWith: readonly string[];
  readonly runs: number;
  readonly goodput: Figure;
  readonly successRate: Figure;
  readonly p99Ms: Figure;
  /** From the burst's start until the most replicas it called for were all serving (once a run). */
  readonly capacityArrivedS: Figure;
  /** The first run's first node: ready replicas at the burst's start, and the most during it. */
  readonly replicasFrom: number | null;
  readonly replicasTo: number | null;
}

export interface ElasticSection {
  readonly experiment: 'elastic';
  readonly loadSpec: ElasticLoad;
  /** Best first, on goodput over the burst. */
  readonly rows: readonly ElasticRow[];
  /** The first node's replicas over each strategy's first run, seconds from its first window. */
  readonly replicas: ReadonlyArray<{
    readonly strategy: string;
    readonly points: ReadonlyArray<{ s: number; ready: number; starting: number }>;
  }>;
  /**
   * Each strategy's goodput over its first run, a point a window (its start, seconds from the
   * first window; good answers over the window's seconds): drawn under the replicas.
   */
  readonly goodput: ReadonlyArray<{
    readonly strategy: string;
    readonly points: ReadonlyArray<{ s: number; goodput: number }>;
  }>;
  /** When the burst began, seconds from the first window. */
  readonly burstAtS: number;
}

/**
 * How long after `burstMs` the capacity the burst called for had arrived: the most replicas the
 * autoscaler asked for (serving + starting) from the burst until `burstEndMs`, then the first
 * phase from the burst on with that many serving. A second wave of decisions counts: capacity is
 * there when the last one the burst caused serves. Null when the burst called for no more than
 * served at its start, when that never came in the run, or without an autoscaler.
 */
export function capacityArrivedS(
  phases: readonly PhaseSpan[],
  burstMs: number,
  burstEndMs = Number.POSITIVE_INFINITY,
): number | null {
  const at = phases.filter((p) => p.startMs <= burstMs).at(-1);
  const before = at ? replicasOf(at.phase) : null;
  if (!before) return null;
  const from = phases.filter((p) => p.startMs >= burstMs);
  const called = Math.max(
    before.ready + before.starting,
    ...from
      .filter((p) => p.startMs < burstEndMs)
      .map((p) => {
        const r = replicasOf(p.phase);
        return r ? r.ready + r.starting : 0;
      }),
  );
  if (called <= before.ready) return null;
  const arrived = from.find((p) => (replicasOf(p.phase)?.ready ?? 0) >= called);
  return arrived ? Math.max(0, (arrived.startMs - burstMs) / 1000) : null;
}

export interface ElasticText {
  readonly heading: string;
  readonly load: string;
  readonly table: TextTable;
}

export function elasticText(s: ElasticSection, locale: Locale = 'en'): ElasticText {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const l = s.loadSpec;
  const place = (r: ElasticRow) => `${r.rank}${r.tiedWith.length > 0 ? '=' : ''}`;
  return {
    heading: m.elasticHeading,
    load: m.elasticLoad(
      String(l.baseRate),
      String(l.baseSeconds),
      String(l.burstRate),
      String(l.burstSeconds),
      l.scenario,
      String(l.speed),
      String(l.nodes),
    ),
    table: {
      head: [
        m['col.place'],
        m['col.strategy'],
        m['elastic.col.goodput'],
        m['elastic.col.success'],
        m['elastic.col.p99'],
        m['elastic.col.arrived'],
        m['elastic.col.replicas'],
      ],
      numeric: [true, false, true, true, true, true, true],
      rows: s.rows.map((r) => [
        place(r),
        r.strategy,
        formatFigure('goodput', r.goodput),
        formatFigure('successRate', r.successRate),
        formatFigure('p99Ms', r.p99Ms),
        formatFigure('recoveryS', r.capacityArrivedS),
        r.replicasFrom === null ? '—' : `${r.replicasFrom} → ${r.replicasTo}`,
      ]),
    },
  };
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** A round top for an axis: 1, 2 or 5 times a power of ten, at least `v`. */
function roundUp(v: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(1, v)));
  return ([1, 2, 5, 10].map((k) => k * p).find((t) => t >= v) ?? 10 * p) as number;
}

/**
 * The replicas over time and, under them on the same time axis, the goodput, as one inline SVG
 * (no script, printable): per strategy's first run, a step line of ready replicas (dashed: ready
 * + starting) and a line of goodput a window, the offered rate in grey, the burst shaded in both.
 */
export function elasticChartSvg(s: ElasticSection, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const l = s.loadSpec;
  const replicaPoints = s.replicas.flatMap((r) => r.points);
  const goodPoints = s.goodput.flatMap((g) => g.points);
  const burstEndS = s.burstAtS + l.burstSeconds;
  const maxS = Math.max(1, ...replicaPoints.map((p) => p.s), ...goodPoints.map((p) => p.s), burstEndS);
  const maxR = Math.max(1, ...replicaPoints.map((p) => p.ready + p.starting)) + 1;
  const maxG = roundUp(Math.max(l.burstRate, ...goodPoints.map((p) => p.goodput)) * 1.05);
  const [width, height, left, right] = [760, 440, 52, 22];
  // Two panels on one time axis: replicas above, goodput below.
  const top = { top: 30, bottom: 200 };
  const low = { top: 238, bottom: 408 };
  const x = (sec: number) => left + ((width - left - right) * sec) / maxS;
  const yR = (r: number) => top.bottom - ((top.bottom - top.top) * r) / maxR;
  const yG = (g: number) => low.bottom - ((low.bottom - low.top) * g) / maxG;
  const steps = (pts: ReadonlyArray<{ s: number; v: number }>, y: (v: number) => number) =>
    pts
      .map((p, i) => {
        const prev = pts[i - 1];
        return `${i === 0 ? 'M' : `L${x(p.s)},${y(prev?.v ?? p.v)} L`}${x(p.s)},${y(p.v)}`;
      })
      .join(' ') + (pts.length > 0 ? ` L${x(maxS)},${y(pts.at(-1)?.v ?? 0)}` : '');
  const line = (pts: ReadonlyArray<{ s: number; v: number }>, y: (v: number) => number) =>
    pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.s)},${y(p.v)}`).join(' ');
  const label = (text: string, at: number) =>
    `<text x="${left}" y="${at - 8}" font-size="11" fill="#555">${escapeHtml(text)}</text>`;
  const burstBand = (panel: { top: number; bottom: number }) =>
    `<rect class="burst" x="${x(s.burstAtS)}" y="${panel.top}" width="${x(Math.min(maxS, burstEndS)) - x(s.burstAtS)}" height="${panel.bottom - panel.top}" fill="#fde0dc"><title>${escapeHtml(m['elastic.burst'])}</title></rect>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="elastic-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(m['elastic.chartTitle'])}">`,
    `<title>${escapeHtml(m['elastic.chartTitle'])}</title>`,
    burstBand(top),
    burstBand(low),
    label(m['elastic.col.replicas'], top.top),
    label(m['elastic.goodputAxis'], low.top),
  ];
  for (let r = 0; r <= maxR; r += Math.max(1, Math.ceil(maxR / 6)))
    parts.push(
      `<line x1="${left}" y1="${yR(r)}" x2="${width - right}" y2="${yR(r)}" stroke="#eee"/><text x="${left - 6}" y="${yR(r) + 4}" font-size="11" text-anchor="end">${r}</text>`,
    );
  for (const g of [0, 1, 2, 3, 4].map((k) => (maxG * k) / 4))
    parts.push(
      `<line x1="${left}" y1="${yG(g)}" x2="${width - right}" y2="${yG(g)}" stroke="#eee"/><text x="${left - 6}" y="${yG(g) + 4}" font-size="11" text-anchor="end">${Math.round(g)}</text>`,
    );
  for (let t = 0; t <= maxS; t += Math.max(1, Math.ceil(maxS / 8)))
    parts.push(`<text x="${x(t)}" y="${height - 12}" font-size="11" text-anchor="middle">${t} s</text>`);
  // What was offered: the base rate, then the burst's until the load ended.
  const offered = [
    { s: 0, v: l.baseRate },
    { s: s.burstAtS, v: l.baseRate },
    { s: s.burstAtS, v: l.burstRate },
    { s: Math.min(maxS, burstEndS), v: l.burstRate },
  ];
  parts.push(
    `<path class="offered" d="${line(offered, yG)}" fill="none" stroke="#999" stroke-width="1" stroke-dasharray="6 4"><title>${escapeHtml(m['elastic.offered'])}</title></path>`,
  );
  s.replicas.forEach((r, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const ready = r.points.map((p) => ({ s: p.s, v: p.ready }));
    const asked = r.points.map((p) => ({ s: p.s, v: p.ready + p.starting }));
    parts.push(
      `<path class="ready" d="${steps(ready, yR)}" fill="none" stroke="${colour}" stroke-width="2"><title>${escapeHtml(`${r.strategy}: ${m['elastic.ready']}`)}</title></path>`,
      `<path class="asked" d="${steps(asked, yR)}" fill="none" stroke="${colour}" stroke-width="1" stroke-dasharray="4 3"><title>${escapeHtml(`${r.strategy}: ${m['elastic.asked']}`)}</title></path>`,
    );
  });
  // Goodput in the replicas' colours: a strategy's place in `replicas` and in `goodput` is the same.
  s.goodput.forEach((g, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const pts = g.points.map((p) => ({ s: p.s, v: p.goodput }));
    parts.push(
      `<path class="goodput" d="${line(pts, yG)}" fill="none" stroke="${colour}" stroke-width="2"><title>${escapeHtml(`${g.strategy}: ${m['elastic.goodputAxis']}`)}</title></path>`,
    );
  });
  parts.push('</svg>');
  const legend = s.replicas
    .map(
      (r, i) =>
        `<span><i style="background:${COLOURS[i % COLOURS.length]}"></i>${escapeHtml(r.strategy)}</span>`,
    )
    .join('');
  return `${parts.join('\n')}
<p class="legend">${legend}<span>${escapeHtml(m['elastic.legend'])}</span></p>`;
}
