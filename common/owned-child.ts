import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * A child process this one starts and stops itself: the mock, a strategy, nginx, k6.
 *
 * It gets a process group of its own, so a terminal's Ctrl-C (sent to the whole foreground
 * group) reaches only busybench, which then stops things in order: k6 finishes its last
 * requests while the mock and the strategy still answer them (when they took the SIGINT too,
 * an interrupted run's report ended with network errors of our own making). Since the group no
 * longer dies with the terminal's signal, the child's group is killed when this process exits
 * through Node (its end, `process.exit`, a second Ctrl-C that quits at once); a SIGKILL of
 * busybench itself leaves them, as it leaves anything.
 */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  const orphaned = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const forget = () => process.off('exit', orphaned);
  process.on('exit', orphaned);
  child.once('exit', forget);
  child.once('error', forget);
  return child;
}
