/**
 * A process that says when its core did not run it, and how fast the core ran. Pinned to a core
 * beside a benchmark (stall-watch.ts), it wakes every TICK_MS and prints:
 * - `stall <end, epoch ms> <ms>` for a wake `argv[2]` ms late or more. A task that sleeps and
 *   wakes for microseconds is run within a few of the scheduler's slices even on a core loaded
 *   past 100 % (its longest wait was 15-25 ms in 94 s beside json 4 000 req/s here), so a longer
 *   one is the core given to something else than its tasks: the hypervisor (no steal time is
 *   reported here) or the kernel's own work. 96-182 ms seen, each in a round where a proxy collapsed.
 * - `speed <epoch ms> <µs>` each second: the median time of a fixed piece of integer work done at
 *   each wake, so a core that runs slower without stopping is said too. It sees the core's
 *   arithmetic, not contention for its caches and memory.
 */
import { median } from './pinned.js';

const TICK_MS = 5;
const WORK_STEPS = 10_000;
const threshold = Number(process.argv[2] ?? 20);
let sink = 1;

/** A fixed piece of integer work (xorshift), its result kept so it is not optimised away. */
function work(): void {
  let x = sink | 1;
  for (let i = 0; i < WORK_STEPS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  sink = x;
}

let last = performance.now();
let second: number[] = [];
let secondStart = last;
setInterval(() => {
  const now = performance.now();
  const late = now - last - TICK_MS;
  if (late >= threshold) process.stdout.write(`stall ${Date.now()} ${late.toFixed(1)}\n`);
  work();
  last = performance.now();
  second.push((last - now) * 1000);
  if (last - secondStart >= 1000) {
    process.stdout.write(`speed ${Date.now()} ${median(second).toFixed(1)}\n`);
    second = [];
    secondStart = last;
  }
}, TICK_MS);
process.stdout.write('ready\n');
