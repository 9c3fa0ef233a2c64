import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { SCOREBOARD_MESSAGES, type ScoreboardMessages } from '../../common/i18n/messages/scoreboard.js';
import { type ElasticSection, elasticText } from './elastic-section.js';
import type { Figure, FigureName, IntervalMethod } from './run-figures.js';
import { type SearchSection, searchText } from './search-section.js';

/**
 * The comparison of strategies, one section per experiment. Capacity: the mock's capacity fixed,
 * load stepped up: where does each strategy break? Faults: a fault timeline at constant load: what
 * does each strategy do while the API is busy? Every figure carries its 95 % interval and how it
 * was made (run-figures.ts); each section is ranked on one deciding figure, strategies whose
 * intervals overlap on it share a place (ranking.ts). Every figure is measured; ranking only sorts.
 */
export interface Scoreboard {
  readonly generatedAt: string;
  readonly strategies: readonly string[];
  /** The first strategy: the "before" of the before/after tables. */
  readonly baseline: string;
  readonly repeats: number;
  readonly order: 'interleaved' | 'shuffled';
  /** How the window figures' intervals were made: over whole runs (5 repeats or more) or over time windows. */
  readonly intervals: Exclude<IntervalMethod, 'none'>;
  readonly capacity?: CapacitySection;
  readonly faults?: FaultSection;
  readonly trace?: TraceSection;
  /** The capacity search (`--search`): each strategy's sustained rate, in place of the capacity steps. */
  readonly search?: SearchSection;
  /** The elastic experiment: a burst while an autoscaler's replicas start. */
  readonly elastic?: ElasticSection;
}

/** Any section: each experiment has one. */
export type Section = CapacitySection | FaultSection | TraceSection;

export interface SectionRow {
  readonly strategy: string;
  readonly rank: number;
  /** Strategies in the same place: their intervals on the deciding figure overlap. */
  readonly tiedWith: readonly string[];
  readonly runs: number;
  /** Runs in which every SLA line held. */
  readonly slaHeld: number;
  /** Runs with a fault phase after which the SLA never held again before the run ended. */
  readonly notRecovered: number;
  readonly figures: Readonly<Record<FigureName, Figure>>;
}

interface SectionBase {
  /**
   * The load in English words (rates, scenario, mock), whatever the scoreboard's language: the
   * JSON's data. The markdown and the page say it from `loadSpec` in their language.
   */
  readonly load: string;
  /** The figure the section is ranked on (better first). */
  readonly deciding: FigureName;
  /** Best first. */
  readonly ranking: readonly SectionRow[];
}

/** What the capacity section's load was, to be said in words (capacityLoadText). */
export interface CapacityLoad {
  readonly profile: string;
  readonly rates: readonly number[];
  readonly stepSeconds: number;
  readonly mockConfig: string;
  readonly nodes: number;
}

/** What the fault section's load was, to be said in words (faultsLoadText). */
export interface FaultsLoad {
  readonly rate: number;
  readonly seconds: number;
  readonly scenario: string;
  readonly speed: number;
  readonly mockConfig?: string;
  readonly nodes: number;
}

/** What the trace section's load was, to be said in words (traceLoadText). */
export interface TraceLoad {
  /** The trace file's name (its path is the machine's). */
  readonly file: string;
  readonly format: string;
  readonly rows: number;
  readonly meanRate: number;
  /** The busiest window's mean rate. */
  readonly peakRate: number;
  readonly seconds: number;
  readonly windows: number;
  readonly scenario: string;
  readonly nodes: number;
}

export interface TraceSection extends SectionBase {
  readonly experiment: 'trace';
  readonly loadSpec: TraceLoad;
}

export interface CapacitySection extends SectionBase {
  readonly experiment: 'capacity';
  /** The load as figures (absent in scoreboards written before it was kept: their `load` is shown). */
  readonly loadSpec?: CapacityLoad;
  readonly rates: readonly number[];
  /** Per strategy, per step: what came out (goodput) for what went in (offered), with intervals. */
  readonly curves: ReadonlyArray<{
    readonly strategy: string;
    readonly steps: ReadonlyArray<{
      readonly offered: number;
      readonly goodput: Figure;
      readonly p99Ms: Figure;
      readonly successRate: Figure;
      /** Runs in which this step held every SLA line. */
      readonly heldRuns: number;
    }>;
  }>;
}

export interface FaultSection extends SectionBase {
  readonly experiment: 'faults';
  /** The load as figures (absent in scoreboards written before it was kept: their `load` is shown). */
  readonly loadSpec?: FaultsLoad;
  readonly scenario: string;
  readonly speed: number;
  readonly rate: number;
  /** The scenario's phases, in seconds from the load's first window (the first run's). */
  readonly phases: ReadonlyArray<{ name: string; fault: boolean; fromS: number; toS: number | null }>;
  /** p99 and error rate over time, per strategy (its first run), seconds from its first window. */
  readonly series: ReadonlyArray<{
    readonly strategy: string;
    readonly points: ReadonlyArray<{ s: number; p99Ms: number | null; errorRate: number | null }>;
  }>;
  /** Recovery after each fault phase that another did not follow at once. */
  readonly recovery: ReadonlyArray<{
    readonly strategy: string;
    readonly phase: string;
    readonly recoveryS: Figure;
    /** How each run's recovery ended: recovered, not-recovered (run over first), no-traffic. */
    readonly statuses: readonly string[];
  }>;
}

const PERCENT: ReadonlySet<FigureName> = new Set([
  'successRate',
  'rate429',
  'rate503',
  'wastedTokenShare',
  'worstUsersSuccess',
]);
const DIGITS: Partial<Record<FigureName, number>> = {
  usersJain: 3,
  amplification: 2,
  retriesPerRequest: 2,
  errorMasking: 2,
  usdPer1kOk: 4,
  knee: 0,
};

/** A figure as text: value, then its 95 % interval in brackets when it has one. */
export function formatFigure(name: FigureName, f: Figure): string {
  if (f.value === null) return '–';
  const one = (v: number) => {
    if (PERCENT.has(name))
      return `${(v * 100).toFixed(name === 'successRate' || name === 'worstUsersSuccess' ? 2 : 1)} %`;
    return v.toFixed(DIGITS[name] ?? 1);
  };
  return f.lo === null || f.hi === null ? one(f.value) : `${one(f.value)} [${one(f.lo)}, ${one(f.hi)}]`;
}

/** "1", or "1=" for a place shared with another strategy. */
const place = (r: SectionRow) => `${r.rank}${r.tiedWith.length > 0 ? '=' : ''}`;

/** The capacity section's load in words: profile, rates, step length, the mock's config and nodes. */
export function capacityLoadText(load: CapacityLoad, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  return m.capacityLoad(
    load.profile,
    load.rates.join(m.listSeparator),
    String(load.stepSeconds),
    load.mockConfig,
    String(load.nodes),
  );
}

/** The fault section's load in words: the rate, how long, the timeline and its speed, the mock. */
export function faultsLoadText(load: FaultsLoad, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  return m.faultsLoad(
    String(load.rate),
    String(load.seconds),
    load.scenario,
    String(load.speed),
    load.mockConfig ? m.faultsMockConfig(load.mockConfig) : '',
    String(load.nodes),
  );
}

/** The trace section's load in words: the trace, how many rows at what rate, the timeline. */
export function traceLoadText(load: TraceLoad, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  return m.traceLoad(
    `${load.file} (${load.format})`,
    String(load.rows),
    String(load.seconds),
    String(load.meanRate),
    String(load.peakRate),
    String(load.windows),
    load.scenario,
    String(load.nodes),
  );
}

/** A section's load in the scoreboard's language: from its figures, or its words when it has none. */
export function loadText(s: Section, locale: Locale = 'en'): string {
  if (s.experiment === 'trace') return traceLoadText(s.loadSpec, locale);
  if (s.experiment === 'capacity') return s.loadSpec ? capacityLoadText(s.loadSpec, locale) : s.load;
  return s.loadSpec ? faultsLoadText(s.loadSpec, locale) : s.load;
}

/** A figure's label in the scoreboard's language. */
export const figureLabel = (m: ScoreboardMessages, name: FigureName): string => m[`figure.${name}`];

/** How a run's recovery ended, in words; a status the catalogue does not know is shown as it came. */
export const statusText = (m: ScoreboardMessages, status: string): string =>
  Object.hasOwn(m, `status.${status}`)
    ? (m[`status.${status}` as keyof ScoreboardMessages] as string)
    : status;

const COLUMNS: readonly FigureName[] = [
  'successRate',
  'p50Ms',
  'p99Ms',
  'rate429',
  'rate503',
  'goodput',
  'amplification',
  'errorMasking',
  'usdPer1kOk',
  'wastedTokenShare',
  'worstUsersSuccess',
  'usersJain',
];

/** Fairness between users: shown only when some run's requests carried user_ids. */
const USER_COLUMNS: ReadonlySet<FigureName> = new Set(['worstUsersSuccess', 'usersJain']);

/**
 * A table of the scoreboard as text cells: scoreboard.md writes it in markdown, the page as HTML,
 * so both say the same and neither parses the other.
 */
export interface TextTable {
  /** A line said before the table (the before/after view's). */
  readonly title?: string;
  readonly head: readonly string[];
  /** Right-aligned (a number) or not, per column. */
  readonly numeric: readonly boolean[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** One section of the scoreboard as text: what both renderings show, in this order. */
export interface SectionText {
  readonly heading: string;
  readonly load: string;
  readonly places: string;
  readonly main: TextTable;
  readonly ties: readonly string[];
  /** Recovery per fault phase (faults), then the before/after view. */
  readonly more: readonly TextTable[];
}

function mainTable(s: Section, m: ScoreboardMessages): TextTable {
  const first: FigureName[] =
    s.experiment === 'capacity'
      ? [s.deciding, ...(['knee', 'peakGoodput'] as const).filter((f) => f !== s.deciding)]
      : s.experiment === 'faults'
        ? [s.deciding, 'recoveryS']
        : [s.deciding];
  const shown = (c: FigureName) =>
    !USER_COLUMNS.has(c) || s.ranking.some((r) => (r.figures[c]?.value ?? null) !== null);
  const cols = [...first, ...COLUMNS.filter((c) => !first.includes(c) && shown(c))];
  const top = s.experiment === 'capacity' ? Math.max(...s.rates) : Number.NaN;
  const cell = (c: FigureName, r: SectionRow) => {
    const f = r.figures[c];
    // A knee none: the first step broke. A knee at the top step: it never broke, so at least that.
    if (c === 'knee' && f.value === null) return m.kneeNone;
    if (c === 'knee' && f.value === top && f.lo === null) return `≥ ${top}`;
    if (c === 'recoveryS' && r.notRecovered > 0)
      return m.notRecovered(String(r.notRecovered), String(r.runs));
    return formatFigure(c, f);
  };
  return {
    head: [m['col.place'], m['col.strategy'], ...cols.map((c) => figureLabel(m, c)), m['col.slaHeld']],
    numeric: [true, false, ...cols.map(() => true), true],
    rows: s.ranking.map((r) => [
      place(r),
      r.strategy,
      ...cols.map((c) => cell(c, r)),
      `${r.slaHeld}/${r.runs}`,
    ]),
  };
}

/** The ties of a section, in words: what the page must say out loud. */
export function tieSentences(s: Section, locale: Locale = 'en'): string[] {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const seen = new Set<number>();
  const out: string[] = [];
  for (const r of s.ranking) {
    if (r.tiedWith.length === 0 || seen.has(r.rank)) continue;
    seen.add(r.rank);
    const names = [r.strategy, ...r.tiedWith];
    out.push(m.tie(String(r.rank), names.join(m.listSeparator), figureLabel(m, s.deciding)));
  }
  return out;
}

/** The operations guides' before/after view, each figure with its interval and change from the baseline. */
function beforeAfter(s: Section, baseline: string, m: ScoreboardMessages): TextTable[] {
  const base = s.ranking.find((r) => r.strategy === baseline);
  if (!base) return [];
  const cols: FigureName[] = ['meanMs', 'rate503', 'throughput', 'retriesPerRequest'];
  const delta = (name: FigureName, r: SectionRow) => {
    const a = r.figures[name].value;
    const b = base.figures[name].value;
    // As the guides print it: the change in latency and throughput.
    if (r === base || a === null || b === null || b === 0 || (name !== 'meanMs' && name !== 'throughput'))
      return '';
    return ` (${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)} %)`;
  };
  return [
    {
      title: m.beforeAfter(base.strategy),
      head: [m['col.strategy'], ...cols.map((c) => figureLabel(m, c))],
      numeric: [false, ...cols.map(() => true)],
      rows: s.ranking.map((r) => [
        r.strategy,
        ...cols.map((c) => `${formatFigure(c, r.figures[c])}${delta(c, r)}`),
      ]),
    },
  ];
}

function recoveryTable(s: Section, m: ScoreboardMessages): TextTable[] {
  if (s.experiment !== 'faults' || s.recovery.length === 0) return [];
  return [
    {
      head: [m['col.strategy'], m['col.faultPhase'], m['col.recoveryS'], m['col.runs']],
      numeric: [false, false, true, false],
      rows: s.recovery.map((r) => [
        r.strategy,
        r.phase,
        formatFigure('recoveryS', r.recoveryS),
        r.statuses.map((x) => statusText(m, x)).join(m.listSeparator),
      ]),
    },
  ];
}

export function sectionText(s: Section, baseline: string, locale: Locale = 'en'): SectionText {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  return {
    heading:
      s.experiment === 'capacity'
        ? m.capacityHeading
        : s.experiment === 'faults'
          ? m.faultsHeading
          : m.traceHeading,
    load: loadText(s, locale),
    places: m.places(figureLabel(m, s.deciding)),
    main: mainTable(s, m),
    ties: tieSentences(s, locale),
    more: [...recoveryTable(s, m), ...beforeAfter(s, baseline, m)],
  };
}

/** A table in markdown. */
function markdownTable(t: TextTable): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    ...(t.title ? [t.title, ''] : []),
    line(t.head),
    `| ${t.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...t.rows.map(line),
  ];
}

export function intervalNote(b: Scoreboard, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  return b.intervals === 'repeats'
    ? m.intervalsRepeats(String(b.repeats), m[`order.${b.order}`])
    : m.intervalsWindows(b.repeats);
}

/** The capacity search's section in markdown (`compare --search`; `run --search` prints it too). */
export function searchMarkdown(s: SearchSection, locale: Locale = 'en'): string[] {
  const t = searchText(s, locale);
  return [`## ${t.heading}`, '', t.load, '', ...markdownTable(t.table), ''];
}

export function scoreboardMarkdown(b: Scoreboard, locale: Locale = 'en'): string {
  const m = messagesFor(SCOREBOARD_MESSAGES, locale);
  const out = [`# ${m.title(b.strategies.join(m.listSeparator))}`, '', intervalNote(b, locale), ''];
  for (const s of [b.capacity, b.faults, b.trace]) {
    if (!s) continue;
    const t = sectionText(s, b.baseline, locale);
    out.push(`## ${t.heading}`, '', t.load, '', t.places, '', ...markdownTable(t.main), '');
    if (t.ties.length > 0) out.push(...t.ties, '');
    for (const more of t.more) out.push(...markdownTable(more), '');
  }
  if (b.elastic) {
    const t = elasticText(b.elastic, locale);
    out.push(`## ${t.heading}`, '', t.load, '', ...markdownTable(t.table), '');
  }
  if (b.search) out.push(...searchMarkdown(b.search, locale));
  return `${out.join('\n').trimEnd()}\n`;
}
