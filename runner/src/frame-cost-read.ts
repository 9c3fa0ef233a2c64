/**
 * Our proxy frame's cost over one span of a run, from two scrapes of the strategy's /metrics
 * (the frame's cumulative counts per bound: strategies/src/frame-cost.ts): its own work a request
 * and its event loop's delay, said beside the run's figures so a reader can subtract the harness.
 */
const OWN = 'busybench_strategy_frame_own_seconds_bucket';
const LOOP = 'busybench_strategy_event_loop_delay_seconds_bucket';

export type FrameCounts = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** The frame's counts in a metrics text, by family and bound; empty when the frame is not there. */
export function frameCounts(metricsText: string): FrameCounts {
  const out = new Map<string, Map<string, number>>();
  for (const line of metricsText.split('\n')) {
    const m =
      /^(busybench_strategy_(?:frame_own|event_loop_delay)_seconds_bucket)\{[^}]*le="([^"]+)"[^}]*\} ([\d.e+-]+)$/.exec(
        line,
      );
    if (!m) continue;
    const family = out.get(m[1] as string) ?? new Map<string, number>();
    family.set(m[2] as string, Number(m[3]));
    out.set(m[1] as string, family);
  }
  return out;
}

/**
 * The frame's upstream attempts in a metrics text, by status, summed over its upstreams. The
 * Go frame writes a counter of a million or more as `1.000001e+06` (Go's shortest float), so
 * the value is read as a float: read as digits, a soak's per-minute attempts went negative at
 * minute 17 (2026-12-06).
 */
export function frameAttempts(metricsText: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of metricsText.matchAll(
    /^busybench_strategy_upstream_attempts_total\{[^}]*status="(\d+)"[^}]*\} ([\d.e+-]+)$/gm,
  ))
    out.set(m[1] as string, (out.get(m[1] as string) ?? 0) + Number(m[2]));
  return out;
}

/** The frame's counts on a strategy's /metrics: empty when it has none (nginx, HAProxy, a URL),
 * null when they could not be read (the strategy gone, or answering something else). */
export async function scrapeFrameCounts(metricsUrl: string | null | undefined): Promise<FrameCounts | null> {
  if (!metricsUrl) return new Map();
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
    return res.ok ? frameCounts(await res.text()) : null;
  } catch {
    return null;
  }
}

/** The bound (seconds) under which a share q of what was counted between two scrapes fell. */
export function boundBetween(
  before: ReadonlyMap<string, number> | undefined,
  after: ReadonlyMap<string, number> | undefined,
  q: number,
): { bound: number; count: number } | null {
  if (!after) return null;
  const rows = [...after.entries()]
    .map(
      ([le, n]) =>
        [le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), n - (before?.get(le) ?? 0)] as const,
    )
    .sort((a, b) => a[0] - b[0]);
  const total = rows.at(-1)?.[1] ?? 0;
  if (!(total > 0)) return null;
  const hit = rows.find(([, n]) => n >= q * total);
  return hit ? { bound: hit[0], count: total } : null;
}

/** The frame's cost between two scrapes, bounds in seconds (boundBetween). */
export interface FrameCost {
  /** Its own work a request at p50 and p99. */
  readonly own50: number;
  readonly own99: number;
  /** How late its event loop (the Go frame: its scheduler) ran ready work at p99. */
  readonly loop99: number;
  /** The requests it counted between the scrapes. */
  readonly count: number;
}

/** The frame's cost between two scrapes; null where it counted no request (or no loop delay). */
export function frameCostBetween(before: FrameCounts, after: FrameCounts): FrameCost | null {
  const own50 = boundBetween(before.get(OWN), after.get(OWN), 0.5);
  const own99 = boundBetween(before.get(OWN), after.get(OWN), 0.99);
  const loop99 = boundBetween(before.get(LOOP), after.get(LOOP), 0.99);
  if (!own50 || !own99 || !loop99) return null;
  return { own50: own50.bound, own99: own99.bound, loop99: loop99.bound, count: own50.count };
}

/**
 * The line `busybench run` prints: the frame's cost over the load, that it is not in the path
 * (no counts of ours on the strategy's /metrics), or that it could not be read.
 */
export function frameCostLine(name: string, before: FrameCounts | null, after: FrameCounts | null): string {
  if (before === null || after === null)
    return `busybench run: could not read our proxy frame's cost from ${name}'s /metrics (its figures may hold some of the harness's)`;
  if (!after.has(OWN))
    return `busybench run: our proxy frame is not in the path of ${name} (no cost of ours to subtract)`;
  const cost = frameCostBetween(before, after);
  if (!cost)
    return `busybench run: our proxy frame counted no request of ${name}'s over the load (no cost to say)`;
  const ms = (s: number) => (Number.isFinite(s) ? `≤ ${s * 1000} ms` : '> 1 s');
  // The Go frame (a name ending @go) exports its scheduler's latency in the loop's family.
  const wait = name.endsWith('@go')
    ? `its scheduler ran ready goroutines ${ms(cost.loop99)} late at p99 (a request meets that about twice)`
    : `its event loop ran ready work ${ms(cost.loop99)} late at p99 (a request meets that about twice; ~0.5 ms is the timer's own floor)`;
  return (
    `busybench run: our proxy frame's own cost over the load (${cost.count} requests): ${ms(cost.own50)} p50, ` +
    `${ms(cost.own99)} p99 of its own work a request; ${wait}: part of every latency above, not the strategy's`
  );
}
