/**
 * A node's serving capacity: at most `maxInFlight` requests generate at once; the next ones wait
 * in a bounded queue, and past that the caller decides (503, or DeepSeek's hold). Held requests
 * also wait here, behind the queue. Waiters that give up are removed at once so counts stay true.
 */
export interface Waiter {
  resolve(granted: boolean): void;
  done: boolean;
}

class WaitList {
  private items: Waiter[] = [];
  private head = 0;
  size = 0;

  push(w: Waiter): void {
    this.items.push(w);
    this.size++;
  }

  /** The oldest waiter still waiting. */
  shift(): Waiter | undefined {
    while (this.head < this.items.length) {
      const w = this.items[this.head++] as Waiter;
      if (!w.done) {
        this.compact();
        this.size--;
        return w;
      }
    }
    this.compact();
    return undefined;
  }

  /** A waiter that gave up (timeout, client gone) stops counting now; its slot is skipped later. */
  cancel(w: Waiter): void {
    if (w.done) return;
    w.done = true;
    this.size--;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export class Capacity {
  inFlight = 0;
  /** Requests that reached the node's capacity so far: an autoscaler's requests per second. */
  arrivals = 0;
  readonly queue = new WaitList();
  readonly held = new WaitList();

  constructor(public maxInFlight: number) {}

  tryEnter(): boolean {
    if (this.inFlight >= this.maxInFlight) return false;
    this.inFlight++;
    return true;
  }

  /** Waits for a slot; resolves true with the slot taken, false when cancelled through `cancel`. */
  wait(list: WaitList): { promise: Promise<boolean>; waiter: Waiter } {
    let waiter!: Waiter;
    const promise = new Promise<boolean>((resolve) => {
      waiter = { resolve, done: false };
    });
    list.push(waiter);
    return { promise, waiter };
  }

  cancel(list: WaitList, waiter: Waiter): void {
    if (waiter.done) return;
    list.cancel(waiter);
    waiter.resolve(false);
  }

  release(): void {
    this.inFlight--;
    this.drain();
  }

  /** Hands free slots to waiters, queue first. Also called when a phase raises the capacity. */
  drain(): void {
    while (this.inFlight < this.maxInFlight) {
      const next = this.queue.shift() ?? this.held.shift();
      if (!next) return;
      next.done = true;
      this.inFlight++;
      next.resolve(true);
    }
  }
}
