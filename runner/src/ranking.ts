import { overlaps } from './intervals.js';
import type { Figure } from './run-figures.js';

/**
 * The scoreboard's ranking: a sort of the strategies' own figures, nothing else. Sorted by the
 * deciding figure's value (better first; a strategy without a value last); then a strategy whose
 * interval on that figure overlaps the interval of any strategy already in the place above
 * shares that place: a tie, said on the page, because the difference could be noise. Any two
 * strategies whose intervals overlap are so in one place (a chain of overlaps can make a place
 * wide: that is what the intervals say). Without intervals (a figure a run has once, too few
 * repeats) only equal values tie; no value ties with nothing. Places count as in sport: two
 * strategies tied for 1st, then 3rd.
 */
export interface Placed<T> {
  readonly row: T;
  readonly rank: number;
  /** The other strategies in the same place. */
  readonly tiedWith: readonly string[];
}

export function rankWithTies<T extends { strategy: string }>(
  rows: readonly T[],
  deciding: (row: T) => Figure,
  better: 'higher' | 'lower',
): Array<Placed<T>> {
  const sign = better === 'higher' ? -1 : 1;
  const sorted = rows
    .map((row, i) => ({ row, i, f: deciding(row) }))
    .sort((a, b) => {
      if (a.f.value === null || b.f.value === null)
        return (a.f.value === null ? 1 : 0) - (b.f.value === null ? 1 : 0) || a.i - b.i;
      return sign * (a.f.value - b.f.value) || a.i - b.i;
    });
  const ranks: number[] = [];
  let first = 0;
  sorted.forEach((s, i) => {
    const place = sorted.slice(first, i);
    if (i > 0 && place.some((o) => sameAs(o.f, s.f))) ranks.push(ranks[first] as number);
    else {
      first = i;
      ranks.push(i + 1);
    }
  });
  return sorted.map((s, i) => ({
    row: s.row,
    rank: ranks[i] as number,
    tiedWith: sorted.filter((_, j) => j !== i && ranks[j] === ranks[i]).map((o) => o.row.strategy),
  }));
}

/** Two figures cannot be told apart: their intervals overlap, or (no intervals) they are equal. */
function sameAs(a: Figure, b: Figure): boolean {
  if (a.value === null || b.value === null) return false;
  if (a.lo !== null && a.hi !== null && b.lo !== null && b.hi !== null)
    return overlaps({ lo: a.lo, hi: a.hi }, { lo: b.lo, hi: b.hi });
  return a.value === b.value;
}
