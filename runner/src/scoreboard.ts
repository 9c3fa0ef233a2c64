import { FIGURE_INFO, type Figure, type FigureName, type IntervalMethod } from './run-figures.js';

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
}

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
  /** The load, in words (rates, scenario, mock). */
  readonly load: string;
  /** The figure the section is ranked on (better first). */
  readonly deciding: FigureName;
  /** Best first. */
  readonly ranking: readonly SectionRow[];
}

export interface CapacitySection extends SectionBase {
  readonly experiment: 'capacity';
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

const PERCENT: ReadonlySet<FigureName> = new Set(['successRate', 'rate429', 'rate503', 'wastedTokenShare']);
const DIGITS: Partial<Record<FigureName, number>> = {
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
    if (PERCENT.has(name)) return `${(v * 100).toFixed(name === 'successRate' ? 2 : 1)} %`;
    return v.toFixed(DIGITS[name] ?? 1);
  };
  return f.lo === null || f.hi === null ? one(f.value) : `${one(f.value)} [${one(f.lo)}, ${one(f.hi)}]`;
}

/** "1", or "1=" for a place shared with another strategy. */
const place = (r: SectionRow) => `${r.rank}${r.tiedWith.length > 0 ? '=' : ''}`;

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
];

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

function mainTable(s: CapacitySection | FaultSection): TextTable {
  const first: FigureName[] =
    s.experiment === 'capacity'
      ? [s.deciding, ...(['knee', 'peakGoodput'] as const).filter((f) => f !== s.deciding)]
      : [s.deciding, 'recoveryS'];
  const cols = [...first, ...COLUMNS.filter((c) => !first.includes(c))];
  const top = s.experiment === 'capacity' ? Math.max(...s.rates) : Number.NaN;
  const cell = (c: FigureName, r: SectionRow) => {
    const f = r.figures[c];
    // A knee none: the first step broke. A knee at the top step: it never broke, so at least that.
    if (c === 'knee' && f.value === null) return 'none';
    if (c === 'knee' && f.value === top && f.lo === null) return `≥ ${top}`;
    if (c === 'recoveryS' && r.notRecovered > 0) return `not recovered (${r.notRecovered}/${r.runs} runs)`;
    return formatFigure(c, f);
  };
  return {
    head: ['place', 'strategy', ...cols.map((c) => FIGURE_INFO[c].label), 'SLA held'],
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
export function tieSentences(s: CapacitySection | FaultSection): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const r of s.ranking) {
    if (r.tiedWith.length === 0 || seen.has(r.rank)) continue;
    seen.add(r.rank);
    const names = [r.strategy, ...r.tiedWith];
    out.push(
      `Tie for place ${r.rank}: ${names.join(', ')} — their 95 % intervals on ${FIGURE_INFO[s.deciding].label} overlap, so the difference between them could be noise.`,
    );
  }
  return out;
}

/** The operations guides' before/after view, each figure with its interval and change from the baseline. */
function beforeAfter(s: CapacitySection | FaultSection, baseline: string): TextTable[] {
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
      title: `Before / after (before: ${base.strategy})`,
      head: ['strategy', ...cols.map((c) => FIGURE_INFO[c].label)],
      numeric: [false, ...cols.map(() => true)],
      rows: s.ranking.map((r) => [
        r.strategy,
        ...cols.map((c) => `${formatFigure(c, r.figures[c])}${delta(c, r)}`),
      ]),
    },
  ];
}

function recoveryTable(s: CapacitySection | FaultSection): TextTable[] {
  if (s.experiment !== 'faults' || s.recovery.length === 0) return [];
  return [
    {
      head: ['strategy', 'fault phase', 'recovery s', 'runs'],
      numeric: [false, false, true, false],
      rows: s.recovery.map((r) => [
        r.strategy,
        r.phase,
        formatFigure('recoveryS', r.recoveryS),
        r.statuses.join(', '),
      ]),
    },
  ];
}

export function sectionText(s: CapacitySection | FaultSection, baseline: string): SectionText {
  return {
    heading:
      s.experiment === 'capacity'
        ? 'Capacity: where does each strategy break?'
        : 'Faults: what does each strategy do while the API is busy?',
    load: s.load,
    places: `Places by ${FIGURE_INFO[s.deciding].label}; "=" marks a shared place.`,
    main: mainTable(s),
    ties: tieSentences(s),
    more: [...recoveryTable(s), ...beforeAfter(s, baseline)],
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

export function intervalNote(b: Scoreboard): string {
  return b.intervals === 'repeats'
    ? `Intervals: 95 %, bootstrap over the ${b.repeats} repeats of each strategy (run order ${b.order}).`
    : `Intervals: 95 %, bootstrap over the 1-second windows of ${b.repeats === 1 ? 'the run' : `the ${b.repeats} runs`}, resampled within each step or fault phase: they cover the noise within a run, not the drift between runs (that takes --repeat 5 or more); a knee or a recovery time, which a run has once, has none then, so places are decided on figures that have one.`;
}

export function scoreboardMarkdown(b: Scoreboard): string {
  const out = [`# busybench compare: ${b.strategies.join(', ')}`, '', intervalNote(b), ''];
  for (const s of [b.capacity, b.faults]) {
    if (!s) continue;
    const t = sectionText(s, b.baseline);
    out.push(`## ${t.heading}`, '', t.load, '', t.places, '', ...markdownTable(t.main), '');
    if (t.ties.length > 0) out.push(...t.ties, '');
    for (const more of t.more) out.push(...markdownTable(more), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
