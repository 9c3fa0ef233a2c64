/**
 * The safety rule: load goes to this machine only, unless the user says otherwise in so many
 * words. Nobody should fire thousands of requests a second at a paid API by accident.
 *
 * This file is pure (no node imports): k6 scripts import it too. The check here is literal-only;
 * names other than `localhost` are refused. target-check.ts adds resolution for the CLI.
 */

/** The part of the WHATWG URL API used here. */
interface ParsedUrl {
  readonly protocol: string;
  readonly hostname: string;
}
type UrlConstructor = new (input: string) => ParsedUrl;

/**
 * The host an HTTP client will connect to, without brackets, or null when `url` is not an http(s)
 * URL with a host. Parsed with WHATWG `URL`, as undici/fetch parse it (it lowercases, reads
 * userinfo correctly and turns decimal/octal/hex IPv4 into dotted form).
 */
export function targetHost(url: string): string | null {
  // Read at call time: k6's runtime may have no global URL (and tests take it away).
  const Url = (globalThis as { URL?: UrlConstructor }).URL;
  if (Url === undefined) return manualHost(url);
  let parsed: ParsedUrl;
  try {
    parsed = new Url(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return host === '' ? null : host;
}

/**
 * Without `URL`, parse the way Go's url.Parse (k6's client) does: authority ends at the first
 * '/', '?' or '#', and userinfo runs to its LAST '@'. Careful means strict: anything odd
 * (escapes, backslashes, spaces, non-canonical IPv4) is no host, so it is refused, never let through.
 */
function manualHost(url: string): string | null {
  const match = /^https?:\/\/([^/?#]*)/i.exec(url);
  if (!match || /[\s\\]/.test(url)) return null;
  const authority = match[1] as string;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  let host: string;
  let rest: string;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    host = hostPort.slice(1, close);
    rest = hostPort.slice(close + 1);
    if (parseIPv6(host) === null) return null;
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    rest = colon < 0 ? '' : hostPort.slice(colon);
    if (!/^[a-z0-9.-]+$/i.test(host)) return null;
  }
  if (!/^(:\d*)?$/.test(rest)) return null;
  return host.toLowerCase();
}

/** A dotted-quad IPv4 address, canonical spelling only (what URL and DNS hand back). */
function parseIPv4(s: string): number[] | null {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(s);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** An IPv6 address as eight 16-bit groups; handles '::', an IPv4 tail and a %zone. */
function parseIPv6(s: string): number[] | null {
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone); // the zone names an interface, not another address
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (!v4) return null;
    const [a, b, c, d] = v4 as [number, number, number, number];
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string | undefined): string[] => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const back = groups(halves[1]);
  if (![...head, ...back].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const missing = 8 - head.length - back.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...back].map((g) =>
    Number.parseInt(g, 16),
  );
}

/** True for an IP address literal (IPv4 dotted quad or IPv6, no brackets). */
export function isIpLiteral(s: string): boolean {
  return parseIPv4(s) !== null || parseIPv6(s) !== null;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped ::ffff:127.x.x.x, in any IPv6 spelling. Names are false. */
export function isLoopbackAddress(s: string): boolean {
  const v4 = parseIPv4(s);
  if (v4) return v4[0] === 127;
  const g = parseIPv6(s);
  if (!g || g.slice(0, 5).some((x) => x !== 0)) return false;
  if (g[5] === 0) return g[6] === 0 && g[7] === 1;
  return g[5] === 0xffff && (g[6] as number) >> 8 === 127;
}

/** True when `url` is http(s) and its host is a loopback IP literal or exactly `localhost`. */
export function isLoopbackUrl(url: string): boolean {
  const host = targetHost(url);
  return host !== null && (host === 'localhost' || isLoopbackAddress(host));
}

function notLoopbackMessage(url: string): string {
  return (
    `refusing to load ${url}: it is not a loopback address (127.0.0.0/8, localhost, ::1). ` +
    'Load tests fire thousands of requests a second; pass --allow-remote to busybench load ' +
    "(the plan's allowRemote) only if you mean to load that host."
  );
}

/** Throws the message the user sees when a target is not on this machine. */
export function assertLoopback(url: string, allowRemote: boolean): void {
  if (allowRemote || isLoopbackUrl(url)) return;
  throw new Error(notLoopbackMessage(url));
}
