/**
 * The highest rate a strategy sustains under the SLA, found by search rather than read off fixed
 * steps (issue 27): grow the rate until a probe breaks an SLA line, then bisect between the
 * highest rate that held and the lowest that broke, down to a resolution (the bracket's width over
 * its low end). Each probe is a whole run at one constant rate (a fresh mock, the strategy warmed);
 * a probe whose figures cannot tell (an interval straddles an SLA line) is probed again, a bounded
 * number of times, and counted as broken if it still cannot tell (the sustained rate is never
 * claimed on a maybe). A rate where the harness itself fell behind (the engine late, arrivals
 * dropped) twice is a ceiling: nothing at or above it is measured, the search goes on
 * below it, and it ends saying so when that ceiling is what closed the bracket (the number above
 * it would be the harness's, not the strategy's).
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
  /**
   * Why the search ended: the bracket is narrow enough (`resolved`), or narrow enough against the
   * harness's ceiling (`harness`: the lowest rate the load generator could not hold closes it), or
   * what stopped it short.
   */
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
  // The bracket and how the search ended, moved by decide (an object: the loops below read what
  // decide wrote).
  const at: {
    held: number | null;
    broken: number | null;
    ended: SearchResult['ended'] | null;
    /** The lowest rate the harness could not hold: the bracket's upper end from then on. */
    ceiling: number | null;
  } = { held: null, broken: null, ended: null, ceiling: null };
  /**
   * Probes a rate (again while undecided, at most maxRetries more times; still undecided, it
   * counts as broken: never claimed on a maybe; once more if the harness fell behind, a ceiling
   * only if it does again) and moves the bracket's end (the harness's ceiling closes it from above
   * too); false once the search must end (out of probes, interrupted).
   */
  const decide = async (rate: number): Promise<boolean> => {
    let verdict: ProbeVerdict;
    let undecided = 0;
    let lateAgain = false;
    for (;;) {
      if (probes.length >= o.maxProbes || interrupted()) {
        at.ended = interrupted() ? 'interrupted' : 'max-probes';
        return false;
      }
      const p = await probe(rate);
      probes.push(p);
      verdict = p.verdict;
      if (verdict === 'undecided' && undecided++ < o.maxRetries) continue;
      // A ceiling is where the harness falls behind, not where it once did: a shared machine's
      // moment (a fresh-clone test run saw the engine 8.9 ms late at p99 in a 3-s probe of 200
      // req/s) would otherwise end the search far below the strategy's rate. Probed once more.
      if (verdict === 'harness' && !lateAgain) {
        lateAgain = true;
        continue;
      }
      break;
    }
    if (verdict === 'held') at.held = rate;
    else at.broken = rate;
    if (verdict === 'harness') at.ceiling = Math.min(at.ceiling ?? rate, rate);
    return true;
  };
  // Grow until a probe breaks.
  let rate = Math.max(1, Math.round(o.from));
  while (at.broken === null && (await decide(rate))) rate = Math.max(rate + 1, Math.round(rate * o.growth));
  // Broke at the first rate: shrink until one holds (the same bracket, from below).
  while (at.ended === null && at.held === null && at.broken !== null && at.broken > 1)
    await decide(Math.max(1, Math.floor(at.broken / o.growth)));
  if (at.ended === null && at.held === null) at.ended = 'broke-at-start';
  // Bisect down to the resolution, or until no whole rate lies between the ends.
  while (at.ended === null && at.held !== null && at.broken !== null) {
    if ((at.broken - at.held) / at.held <= o.resolution || at.broken - at.held <= 1)
      at.ended = at.broken === at.ceiling ? 'harness' : 'resolved';
    else await decide(Math.round((at.held + at.broken) / 2));
  }
  return { sustained: at.held, bracket: [at.held, at.broken], probes, ended: at.ended ?? 'resolved' };
}
