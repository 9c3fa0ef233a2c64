/**
 * A process that says when its core did not run it: it wakes every TICK_MS and prints each wake
 * that came more than `argv[2]` ms late, as `<end, epoch ms> <late ms>`. Pinned to a core beside a
 * benchmark (stall-watch.ts), it tells a stall of the machine (the hypervisor not running the
 * vCPU: seconds seen here, with no steal time reported) from a loaded core: a task that sleeps
 * and wakes for microseconds is run within a few of the scheduler's slices (1.4 ms here) on a
 * core the benchmark loads past 100 %.
 */
const TICK_MS = 5;
const threshold = Number(process.argv[2] ?? 20);
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - TICK_MS;
  if (late > threshold) process.stdout.write(`${Date.now()} ${late.toFixed(1)}\n`);
  last = now;
}, TICK_MS);
process.stdout.write('ready\n');
