import { escapeHtml } from '../../collector/src/html-page.js';
import type { PhaseSpan } from '../../collector/src/run-events.js';
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
  /** From the burst's start until the replicas it caused were all serving (a run has it once). */
  readonly capacityArrivedS: Figure;
  /** Ready replicas of the first node at the burst's start, and at most during the run. */
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
 * Replicas from a phase's name: the mock names an autoscaling phase `elastic · 5 replicas (+2
 * starting)` (mock-server/src/busy/timeline.ts); null for a phase of no autoscaler.
 */
export function replicasOf(phase: string): { ready: number; starting: number } | null {
  const m = /· (\d+) replicas(?: \(\+(\d+) starting\))?$/.exec(phase);
  return m ? { ready: Number(m[1]), starting: Number(m[2] ?? 0) } : null;
}

/**
 * How long after `burstMs` the capacity it called for had arrived: the first phase from the
 * burst on with more ready replicas than at its start and none starting; null when that never
 * came in the run (or the scenario has no autoscaler).
 */
export function capacityArrivedS(phases: readonly PhaseSpan[], burstMs: number): number | null {
  const at = phases.filter((p) => p.startMs <= burstMs).at(-1);
  const before = at ? replicasOf(at.phase) : null;
  if (!before) return null;
  const arrived = phases.find((p) => {
    const r = p.startMs >= burstMs ? replicasOf(p.phase) : null;
    return r !== null && r.starting === 0 && r.ready > before.ready;
  });
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

/**
 * The replicas over time as an inline SVG (no script, printable): per strategy's first run, a
 * step line of ready replicas (dashed: ready + starting), the burst shaded.
 */
export function elasticChartSvg(s: ElasticSection, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const points = s.replicas.flatMap((r) => r.points);
  const maxS = Math.max(1, ...points.map((p) => p.s), s.burstAtS + s.loadSpec.burstSeconds);
  const maxR = Math.max(1, ...points.map((p) => p.ready + p.starting)) + 1;
  const [width, height, left, bottom] = [760, 240, 40, 24];
  const x = (sec: number) => left + ((width - left - 10) * sec) / maxS;
  const y = (r: number) => height - bottom - ((height - bottom - 20) * r) / maxR;
  const steps = (pts: ReadonlyArray<{ s: number; v: number }>) =>
    pts
      .map((p, i) => {
        const prev = pts[i - 1];
        return `${i === 0 ? 'M' : `L${x(p.s)},${y(prev?.v ?? p.v)} L`}${x(p.s)},${y(p.v)}`;
      })
      .join(' ') + (pts.length > 0 ? ` L${x(maxS)},${y(pts.at(-1)?.v ?? 0)}` : '');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="elastic-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(m['elastic.chartTitle'])}">`,
    `<title>${escapeHtml(m['elastic.chartTitle'])}</title>`,
    `<rect class="burst" x="${x(s.burstAtS)}" y="20" width="${x(Math.min(maxS, s.burstAtS + s.loadSpec.burstSeconds)) - x(s.burstAtS)}" height="${height - bottom - 20}" fill="#fde0dc"><title>${escapeHtml(m['elastic.burst'])}</title></rect>`,
  ];
  for (let r = 0; r <= maxR; r += Math.max(1, Math.ceil(maxR / 6)))
    parts.push(
      `<line x1="${left}" y1="${y(r)}" x2="${width - 10}" y2="${y(r)}" stroke="#eee"/><text x="${left - 6}" y="${y(r) + 4}" font-size="11" text-anchor="end">${r}</text>`,
    );
  for (let t = 0; t <= maxS; t += Math.max(1, Math.ceil(maxS / 8)))
    parts.push(`<text x="${x(t)}" y="${height - 6}" font-size="11" text-anchor="middle">${t} s</text>`);
  s.replicas.forEach((r, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const ready = r.points.map((p) => ({ s: p.s, v: p.ready }));
    const asked = r.points.map((p) => ({ s: p.s, v: p.ready + p.starting }));
    parts.push(
      `<path class="ready" d="${steps(ready)}" fill="none" stroke="${colour}" stroke-width="2"><title>${escapeHtml(`${r.strategy}: ${m['elastic.ready']}`)}</title></path>`,
      `<path class="asked" d="${steps(asked)}" fill="none" stroke="${colour}" stroke-width="1" stroke-dasharray="4 3"><title>${escapeHtml(`${r.strategy}: ${m['elastic.asked']}`)}</title></path>`,
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
