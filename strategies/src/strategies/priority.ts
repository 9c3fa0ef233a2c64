import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { localError, type UpstreamResponse, untilDone } from '../upstream.js';

/** P0 urgent, P1 interactive, P2 normal, P3 batch: lower is served first. */
type Class = 0 | 1 | 2 | 3;
const CLASSES: readonly Class[] = [0, 1, 2, 3];
const NORMAL: Class = 2;

type Reason = 'priority_shed' | 'priority_wait_exceeded' | 'priority_queue_full';

interface Waiter {
  /** null: a slot was granted; a reason: refused. */
  readonly settle: (outcome: Reason | null) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Four-level priority queue of DeepSeek operations guides, keyed by a request header (`x-priority`
 * P0..P3; absent or unknown = P2). At most `limit` requests upstream at once, each holding its slot
 * until its body ends (as a node counts it). A free slot goes to the oldest waiter of the highest
 * class. round(limit × reserve) slots are P0's alone: the other classes stop at limit − reserved,
 * so an urgent request finds a slot while everything else waits.
 *
 * Waits: P1 at most `p1WaitMs` (interactive: a fast refusal beats a late answer), the others
 * `maxWaitMs`. P3 is shed first: refused at once while anyone waits or while fewer than
 * round(limit × p3Free) of the shared slots are free (the headroom left to P1/P2 bursts); when
 * that share rounds to 0 it may wait, behind every other class. A full queue makes room by
 * refusing the newest waiter of the lowest class below the newcomer's, so overload lands on P3.
 */
export function priority(o: Options): Strategy {
  const limit = whole(o, 'limit', 32, 1);
  const reserve = o.number('reserve', 0.2, 0, 1);
  const p1WaitMs = o.number('p1WaitMs', 500, 0);
  const maxWaitMs = o.number('maxWaitMs', 30_000, 0);
  const queueMax = whole(o, 'queue', 512, 0);
  const p3Free = o.number('p3Free', 0.1, 0, 1);
  const header = headerOption(o);
  const reserved = Math.round(limit * reserve);
  const shared = limit - reserved;
  if (shared < 1)
    o.problems.push(`reserve=${reserve} keeps all ${limit} slots for P0: P1-P3 would never be served`);
  const p3Headroom = Math.round(limit * p3Free);

  let inUse = 0;
  const queues: Record<Class, Waiter[]> = { 0: [], 1: [], 2: [], 3: [] };
  const waiting = () => queues[0].length + queues[1].length + queues[2].length + queues[3].length;
  const fits = (cls: Class) => inUse < (cls === 0 ? limit : shared);

  const refuse = (w: Waiter, reason: Reason) => {
    clearTimeout(w.timer);
    w.settle(reason);
  };
  /** Hands free slots to the oldest waiter of the highest class, while one fits. */
  const dispatch = () => {
    for (const cls of CLASSES) {
      const q = queues[cls];
      // Strict priority: a class that cannot get a slot blocks every class below it (they need
      // the same shared slots, or more).
      while (q.length > 0) {
        if (!fits(cls)) return;
        const w = q.shift() as Waiter;
        clearTimeout(w.timer);
        inUse++;
        w.settle(null);
      }
    }
  };
  const release = () => {
    inUse--;
    dispatch();
  };
  /** Resolves null once the request holds a slot, or the reason it is refused. */
  const admit = (cls: Class): Promise<Reason | null> => {
    const ahead = CLASSES.some((c) => c <= cls && queues[c].length > 0);
    if (cls === 3 && (waiting() > 0 || Math.max(0, shared - inUse) < p3Headroom))
      return Promise.resolve('priority_shed');
    if (!ahead && fits(cls)) {
      inUse++;
      return Promise.resolve(null);
    }
    if (waiting() >= queueMax && !evictBelow(cls)) return Promise.resolve('priority_queue_full');
    const wait = cls === 1 ? p1WaitMs : maxWaitMs;
    return new Promise((settle) => {
      const q = queues[cls];
      const w: Waiter = {
        settle,
        timer: setTimeout(() => {
          q.splice(q.indexOf(w), 1);
          settle('priority_wait_exceeded');
        }, wait),
      };
      q.push(w);
    });
  };
  /** Refuses the newest waiter of the lowest class below `cls`; false when there is none. */
  const evictBelow = (cls: Class): boolean => {
    for (let c = 3; c > cls; c--) {
      const victim = queues[c as Class].pop();
      if (victim) {
        refuse(victim, 'priority_shed');
        return true;
      }
    }
    return false;
  };

  const MESSAGES: Record<Reason, string> = {
    priority_shed: 'shed to keep capacity for higher classes',
    priority_wait_exceeded: 'waited longer than its class allows',
    priority_queue_full: 'priority queue full',
  };
  return {
    name: 'priority',
    queueLength: waiting,
    gauges: {
      priority_queued_p0: () => queues[0].length,
      priority_queued_p1: () => queues[1].length,
      priority_queued_p2: () => queues[2].length,
      priority_queued_p3: () => queues[3].length,
      priority_free_slots: () => limit - inUse,
    },
    handle: async (req, ctx) => {
      const cls = classOf(req.headers[header]);
      const refused = await admit(cls);
      if (refused !== null)
        return ctx.local(
          refused,
          localError(429, refused, `Rate Limit Reached: P${cls} request ${MESSAGES[refused]}`),
        );
      let res: UpstreamResponse;
      try {
        // The header goes on untouched: it is end-to-end, a priority-aware upstream may read it.
        res = await ctx.send(req);
      } catch (err) {
        release();
        throw err;
      }
      // The slot is held until the body is complete, as the upstream counts the request.
      void untilDone(res).then(release);
      return res;
    },
    close: async () => {
      for (const cls of CLASSES) for (const w of queues[cls].splice(0)) refuse(w, 'priority_shed');
    },
  };
}

/** A count: a fraction of a slot would be rounded silently otherwise. */
function whole(o: Options, key: string, fallback: number, min: number): number {
  const n = o.number(key, fallback, min);
  if (Number.isInteger(n)) return n;
  o.problems.push(`${key}="${n}" must be a whole number`);
  return fallback;
}

function classOf(value: string | undefined): Class {
  const m = /^P([0-3])$/i.exec(value?.trim() ?? '');
  return m ? (Number(m[1]) as Class) : NORMAL;
}

/** The header naming the class: one HTTP token, read lowercase as the proxy stores headers. */
function headerOption(o: Options): string {
  const name = (o.string('header') ?? 'x-priority').toLowerCase();
  if (/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) return name;
  o.problems.push(`header="${name}" must be one header name`);
  return 'x-priority';
}
