import { Gauge, type Registry } from 'prom-client';

/**
 * What our frame itself costs a request, so a run can say how much of a strategy's figures is
 * the harness (issue 28): two measures on the strategy's /metrics, each as cumulative counts per
 * bound (`le`, seconds), so a reader takes the difference of two scrapes and has the measure over
 * just that span (`busybench run`: its load, not the warm-up before it).
 *
 * - **Own work** (`busybench_strategy_frame_own_seconds_bucket`): the synchronous time spent on
 *   a request in the frame's two turns: from the body read whole until the handler first yields
 *   (the strategy's own synchronous code is in it, and the dispatch upstream when the strategy
 *   dispatches before any wait: a bulkhead or rate limiter that queues first yields before it),
 *   and from the strategy's answer to the answer written (a stream: its head; the frames passed
 *   on after are not in it). Four clock reads and one increment a request.
 * - **Event-loop delay** (`busybench_strategy_event_loop_delay_seconds_bucket`): how late a 10 ms
 *   timer runs, sampled 100 times a second: what a ready callback waits while the loop is busy.
 *   A request meets it about twice in the frame (its arrival, its answer's way back): under load
 *   that is where the frame's tail comes from, which the own-work figure cannot see. Its floor is
 *   libuv's timer granularity: idle, it reads ~0.2 ms p50, ~0.5 ms p99 here (a timer is armed
 *   and fired on the loop's millisecond clock), so only readings above ~1 ms are the loop's.
 */
export const FRAME_BOUNDS_S = [
  0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1,
] as const;

/** Counts per bound (the last slot: above every bound). */
class Bounded {
  readonly counts = new Float64Array(FRAME_BOUNDS_S.length + 1);

  record(seconds: number): void {
    let i = 0;
    while (i < FRAME_BOUNDS_S.length && seconds > (FRAME_BOUNDS_S[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
  }

  /** Cumulative counts by bound, as a Prometheus histogram's buckets. */
  cumulative(): Array<[string, number]> {
    let sum = 0;
    const out: Array<[string, number]> = [];
    FRAME_BOUNDS_S.forEach((b, i) => {
      sum += this.counts[i] as number;
      out.push([String(b), sum]);
    });
    out.push(['+Inf', sum + (this.counts[FRAME_BOUNDS_S.length] as number)]);
    return out;
  }
}

const TICK_MS = 10;

export class FrameCost {
  private readonly own = new Bounded();
  private readonly loop = new Bounded();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    let expected = performance.now() + TICK_MS;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.loop.record(Math.max(0, now - expected) / 1000);
      expected = now + TICK_MS;
    }, TICK_MS);
    this.timer.unref();
  }

  /** One request's own work, ms. */
  record(ms: number): void {
    this.own.record(ms / 1000);
  }

  register(registry: Registry): void {
    const family = (name: string, help: string, of: Bounded) =>
      new Gauge({
        name,
        help,
        labelNames: ['le'],
        registers: [registry],
        collect() {
          for (const [le, n] of of.cumulative()) this.set({ le }, n);
        },
      });
    family(
      'busybench_strategy_frame_own_seconds_bucket',
      "Requests whose synchronous handling in the frame (body read whole to the handler's first yield, the strategy's synchronous code included; its answer to the answer written) took at most le seconds, since start (cumulative).",
      this.own,
    );
    family(
      'busybench_strategy_event_loop_delay_seconds_bucket',
      "Samples (100 a second) of how late the frame's event loop ran a ready timer, at most le seconds, since start (cumulative): a request waits on it about twice.",
      this.loop,
    );
  }

  close(): void {
    clearInterval(this.timer);
  }
}
