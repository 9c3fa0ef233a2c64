/**
 * Closes a server on a signal, then exits; should closing hang (a connection that will not
 * end), the process exits anyway after `deadlineMs`, saying so: an orchestrator's SIGKILL after
 * its grace period (Docker's and Kubernetes' default is 10 s and 30 s) must never be needed.
 */
export async function closeWithin(
  close: () => Promise<void>,
  deadlineMs: number,
  exit: (code: number) => void,
  warn: (line: string) => void,
): Promise<void> {
  const timer = setTimeout(() => {
    warn(`connections did not close within ${deadlineMs / 1000} s; exiting anyway`);
    exit(0);
  }, deadlineMs);
  timer.unref();
  try {
    await close();
  } finally {
    clearTimeout(timer);
  }
  exit(0);
}
