/**
 * The safety rule: load goes to this machine only, unless the user says otherwise in so many
 * words. Nobody should fire thousands of requests a second at a paid API by accident.
 */
export function isLoopbackUrl(url: string): boolean {
  const match = /^https?:\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(url);
  if (!match) return false;
  const host = (match[1] as string).toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Throws the message the user sees when a target is not on this machine. */
export function assertLoopback(url: string, allowRemote: boolean): void {
  if (allowRemote || isLoopbackUrl(url)) return;
  throw new Error(
    `refusing to load ${url}: it is not a loopback address (127.0.0.0/8, localhost, ::1). ` +
      'Load tests fire thousands of requests a second; set BUSYBENCH_ALLOW_REMOTE=1 ' +
      '(busybench load --allow-remote) only if you mean to load that host.',
  );
}
