/**
 * The highest rate a strategy sustains under the SLA, found by search rather than read off fixed
 * steps (issue 27): grow the rate until a probe breaks an SLA line, then bisect between the
 * highest rate that held and the lowest that broke, down to a resolution (the bracket's width over
 * its low end). Each probe is a whole run at one constant rate (a fresh mock, the strategy warmed);
 * a probe whose figures cannot tell (an interval straddles an SLA line) is probed again, a bounded
 * number of times, and counted as broken if it still cannot tell (the sustained rate is never
 * claimed on a maybe). A probe where the harness itself fell behind (the engine late, arrivals
 * dropped) stops the search: above that, the number would be the harness's, not the strategy's.
 */

/** What one probe at one rate found. */
export type ProbeVerdict = 'held' | 'broken' | 'undecided' | 'harness';

export interface Probe {
  readonly rate: number;
  readonly verdict: ProbeVerdict;
  /** Why, in a line: the lines broken, the interval that straddled, the harness's lateness. */
  readonly reason: string;
  /** Figures for the scoreboard's chart: success rate and p99 (ms) as measured. */
  readonly successRate: number | null;
  readonly p99Ms: number | null;
}

export interface SearchOptions {
  /** The first rate probed (req/s). */
  readonly from: number;
  /** The bracket is narrow enough when (broken − held) / held <= this (0.05: 5 %). */
  readonly resolution: number;
  /** Growth factor while no probe has broken yet. */
  readonly growth: number;
  /** Probes at most, all told (a search's time is bounded). */
  readonly maxProbes: number;
  /** Times one rate is probed again while undecided, before it counts as broken. */
  readonly maxRetries: number;
}

export const DEFAULT_SEARCH: SearchOptions = {
  from: 500,
  resolution: 0.05,
  growth: 1.5,
  maxProbes: 12,
  maxRetries: 2,
};

export interface SearchResult {
  /** The highest rate that held (the sustained rate); null when even the first probe broke. */
  readonly sustained: number | null;
  /** [highest held, lowest broken]: the truth lies between (null where none was found). */
  readonly bracket: readonly [number | null, number | null];
  readonly probes: readonly Probe[];
  /** Why the search ended: the bracket is narrow enough, or what stopped it short. */
  readonly ended: 'resolved' | 'harness' | 'max-probes' | 'broke-at-start' | 'interrupted';
}

/**
 * Runs the search with `probe` (one run at a rate, judged). Rates are whole req/s; bisection
 * stops once the bracket is within the resolution or no whole rate lies between its ends.
 */
export async function searchCapacity(
  probe: (rate: number) => Promise<Probe>,
  o: SearchOptions = DEFAULT_SEARCH,
  interrupted: () => boolean = () => false,
): Promise<SearchResult> {
  const probes: Probe[] = [];
  let held: number | null = null;
  let broken: number | null = null;
  let ended: SearchResult['ended'] | null = null;
  /** Probes a rate, again while undecided; false once the harness fell behind. */
  const decide = async (rate: number): Promise<'held' | 'broken' | 'harness' | 'stop'> => {
    for (let attempt = 0; attempt <= o.maxRetries; attempt++) {
      if (probes.length >= o.maxProbes) return 'stop';
      if (interrupted()) return 'stop';
      const p = await probe(rate);
      probes.push(p);
      if (p.verdict !== 'undecided') return p.verdict;
    }
    // Still undecided: not claimed as sustained.
    return 'broken';
  };
  let rate = Math.max(1, Math.round(o.from));
  // Grow until a probe breaks.
  while (broken === null) {
    const v = await decide(rate);
    if (v === 'stop') {
      ended = interrupted() ? 'interrupted' : 'max-probes';
      break;
    }
    if (v === 'harness') {
      ended = 'harness';
      break;
    }
    if (v === 'broken') broken = rate;
    else {
      held = rate;
      rate = Math.max(rate + 1, Math.round(rate * o.growth));
    }
  }
  if (ended === null && held === null) {
    // Broke at the first rate: shrink until one holds (the same bracket, from below).
    let low = broken as number;
    while (held === null && low > 1) {
      low = Math.max(1, Math.floor(low / o.growth));
      const v = await decide(low);
      if (v === 'stop') {
        ended = interrupted() ? 'interrupted' : 'max-probes';
        break;
      }
      if (v === 'harness') {
        ended = 'harness';
        break;
      }
      if (v === 'held') held = low;
      else broken = low;
    }
    if (ended === null && held === null) ended = 'broke-at-start';
  }
  // Bisect.
  while (ended === null && held !== null && broken !== null) {
    if ((broken - held) / held <= o.resolution || broken - held <= 1) {
      ended = 'resolved';
      break;
    }
    const mid = Math.round((held + broken) / 2);
    const v = await decide(mid);
    if (v === 'stop') ended = interrupted() ? 'interrupted' : 'max-probes';
    else if (v === 'harness') ended = 'harness';
    else if (v === 'held') held = mid;
    else broken = mid;
  }
  return { sustained: held, bracket: [held, broken], probes, ended: ended ?? 'resolved' };
}
