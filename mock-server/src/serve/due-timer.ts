/**
 * Timers that fire when the latency model says, not a little after.
 *
 * Node fires a timer when its millisecond loop clock has passed the delay, so a `setTimeout(fn,
 * 100)` runs late, by 0.9 ms on average on this idle machine (measured over 50 timers), and a
 * stream that sleeps once per token adds that to every gap: a configured 20 ms inter-token
 * latency read 20.5 ms at the client (+2.4 %). Two things fix it without spinning the CPU:
 *
 * - callers wait until an absolute time (`performance.now()` milliseconds), so a stream keeps
 *   one schedule (first token at start + TTFT, token i at start + TTFT + gaps) and one late wake
 *   shortens the next wait instead of shifting every later token;
 * - each timer is set that much earlier than the process's timers have lately been late (an
 *   average over recent wakes), bounded by `MAX_LEAD_MS` so an overloaded event loop, whose
 *   timers are late by tens of milliseconds, never makes answers come early by as much.
 */

/** The most a timer is set ahead of its due time, whatever lateness was seen. */
export const MAX_LEAD_MS = 2;
/** Weight of the newest wake in the lateness average, once warm (about the last 50 wakes count). */
const WEIGHT = 0.02;

/** What this process's timers have been late by, on average, in milliseconds. */
export class TimerLateness {
  private average = 0;
  private wakes = 0;

  observe(lateMs: number): void {
    // A wake seconds late (a stalled loop, a suspended VM) would swamp the average for long
    // after; anything past the bound counts as the bound. Early wakes count too (Node measures
    // a delay from the loop's clock, which can be a little behind the time it was set), so the
    // average is the timers' true offset, not only their lateness.
    const late = Math.min(Math.max(lateMs, -10 * MAX_LEAD_MS), 10 * MAX_LEAD_MS);
    // A plain mean over the first wakes, so the first requests are on time too, then a moving one.
    this.wakes++;
    this.average += Math.max(WEIGHT, 1 / this.wakes) * (late - this.average);
  }

  /** How much earlier than due to set the next timer. */
  lead(): number {
    return Math.min(Math.max(this.average, 0), MAX_LEAD_MS);
  }
}

/** One per process: the lateness belongs to the event loop, which every node shares. */
export const timerLateness = new TimerLateness();

/**
 * Calls `fire` at `due` (a `performance.now()` time), or as soon as possible if it has passed.
 * The returned handle is a plain timeout, cleared with `clearTimeout`.
 */
export function timerAt(
  due: number,
  fire: () => void,
  lateness: Pick<TimerLateness, 'lead' | 'observe'> = timerLateness,
): NodeJS.Timeout {
  const setAt = performance.now();
  const delay = Math.max(0, due - setAt - lateness.lead());
  return setTimeout(() => {
    lateness.observe(performance.now() - setAt - delay);
    fire();
  }, delay);
}
