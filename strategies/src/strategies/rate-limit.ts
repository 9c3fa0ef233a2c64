import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { localError } from '../upstream.js';

/** The sliding log's window: "L per second" is L in any second, wherever it starts. */
const WINDOW_MS = 1000;

/** A limiter's answer to one request: send now (0), after a wait (ms), or refuse (null). */
interface Limiter {
  admit(): Promise<boolean>;
  /** What the limiter holds now, for its gauge: tokens left, or sends in the last second. */
  level(): number;
}

/**
 * Client-side rate limit, by one of the guides' two algorithms:
 *  - `token-bucket` (default): at most `rps` a second on average, bursts of `burst`;
 *  - `sliding-log`: at most `rps` (whole) sends in any 1-second window, wherever it starts: the
 *    log of send times is the truth, so a burst never passes more than the limit in a second,
 *    which a token bucket with a burst allows.
 * A request waits up to `maxWaitMs` for its turn (in order of arrival), else gets 429 here, not
 * from the API. Keeps a client under the API's RPM limit instead of learning it from 429s.
 */
export function rateLimit(o: Options): Strategy {
  const algorithm = o.choice('algorithm', 'token-bucket', ['token-bucket', 'sliding-log'] as const);
  const rps = o.number('rps', 100, algorithm === 'sliding-log' ? 1 : 0.1);
  const maxWaitMs = o.number('maxWaitMs', 5_000, 0);
  const limiter =
    algorithm === 'sliding-log'
      ? slidingLog(Math.floor(rps), maxWaitMs)
      : tokenBucket(rps, o.number('burst', Math.max(1, rps / 5), 1), maxWaitMs);
  const refused = algorithm === 'sliding-log' ? 'sliding log full' : 'token bucket empty';
  // Requests waiting for their turn (an admission that is immediate resolves before a scrape sees it).
  let waiting = 0;
  return {
    name: 'rate-limit',
    queueLength: () => waiting,
    gauges:
      algorithm === 'sliding-log'
        ? { rate_limit_window_sends: limiter.level }
        : { rate_limit_tokens: limiter.level },
    handle: async (req, ctx) => {
      waiting++;
      let admitted: boolean;
      try {
        admitted = await limiter.admit();
      } finally {
        waiting--;
      }
      if (!admitted)
        return ctx.local(
          'rate_limited',
          localError(429, 'client_rate_limited', `Rate Limit Reached: client-side ${refused}`),
        );
      return ctx.send(req);
    },
  };
}

function tokenBucket(rps: number, burst: number, maxWaitMs: number): Limiter {
  let tokens = burst;
  let last = Date.now();
  /** Time of the next free token when the bucket is empty: waiting requests queue in order. */
  let nextFree = 0;
  const take = (): number | null => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rps);
    last = now;
    if (tokens >= 1 && nextFree <= now) {
      tokens -= 1;
      return 0;
    }
    const at = Math.max(now, nextFree) + 1000 / rps;
    if (at - now > maxWaitMs) return null;
    nextFree = at;
    return at - now;
  };
  return {
    async admit() {
      const wait = take();
      if (wait === null) return false;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return true;
    },
    level: () => tokens,
  };
}

/**
 * The sliding log: the send times of the last second, and the requests waiting their turn. A
 * request is sent only when fewer than `limit` sends lie in the second before it, checked at the
 * moment it is sent (a late timer never lets two sends a second apart share a window).
 */
export function slidingLog(
  limit: number,
  maxWaitMs: number,
  now: () => number = performance.now.bind(performance),
): Limiter {
  /** Send times, oldest first, from `head` on (a queue without shifting the array each time). */
  let log: number[] = [];
  let head = 0;
  const waiting: Array<(sent: boolean) => void> = [];
  let timer: NodeJS.Timeout | undefined;
  const prune = (t: number) => {
    while (head < log.length && (log[head] as number) <= t - WINDOW_MS) head++;
    if (head > 1024 && head * 2 > log.length) {
      log = log.slice(head);
      head = 0;
    }
  };
  const inWindow = () => log.length - head;
  /** When the i-th request from now (0: the next) may be sent, were no timer late. */
  const slot = (i: number): number => {
    const n = inWindow() + i;
    if (n < limit) return now();
    // The send it must follow by a second: an entry of the log, or one of the waits before it.
    const k = n - limit;
    if (k < inWindow()) return (log[head + k] as number) + WINDOW_MS;
    const back = slot(k - inWindow());
    return back + WINDOW_MS;
  };
  const pump = () => {
    timer = undefined;
    const t = now();
    prune(t);
    while (waiting.length > 0 && inWindow() < limit) {
      log.push(t);
      (waiting.shift() as (sent: boolean) => void)(true);
    }
    if (waiting.length > 0) timer = setTimeout(pump, Math.max(0, (log[head] as number) + WINDOW_MS - t));
  };
  return {
    admit() {
      const t = now();
      prune(t);
      if (waiting.length === 0 && inWindow() < limit) {
        log.push(t);
        return Promise.resolve(true);
      }
      if (slot(waiting.length) - t > maxWaitMs) return Promise.resolve(false);
      const turn = new Promise<boolean>((resolve) => waiting.push(resolve));
      if (timer === undefined) timer = setTimeout(pump, Math.max(0, (log[head] as number) + WINDOW_MS - t));
      return turn;
    },
    level: () => {
      prune(now());
      return inWindow();
    },
  };
}
