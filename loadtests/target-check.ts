/**
 * The loopback rule with names resolved, for the CLI (node only; k6 scripts use guard.ts). A name
 * passes only when every address it resolves to is loopback: a client may dial any of them.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIpLiteral, isLoopbackAddress, targetHost } from './guard.js';

/** Resolves a host name to its addresses (injected in tests so they never query DNS). */
export type Lookup = (host: string) => Promise<string[]>;

/** The system resolver, as undici dials: every address, in the order the resolver gives. */
const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

const OVERRIDE = 'pass --allow-remote only if you mean to load that host';

/**
 * Null when `url` may be loaded, else a one-line reason. Literal hosts are judged as they are;
 * names (`localhost` included) are resolved with `lookup`.
 */
export async function checkLoopbackTarget(
  url: string,
  allowRemote: boolean,
  lookup: Lookup = systemLookup,
): Promise<string | null> {
  if (allowRemote) return null;
  const shown = redact(url);
  const host = targetHost(url);
  if (host === null) return `refusing to load ${shown}: not an http(s) URL with a host; ${OVERRIDE}`;
  const refuse = (address: string): string =>
    `refusing to load ${shown}: host ${host} has address ${address}, which is not a loopback address ` +
    `(127.0.0.0/8, localhost, ::1); ${OVERRIDE}`;
  if (isIpLiteral(host)) return isLoopbackAddress(host) ? null : refuse(host);

  let addresses: string[];
  try {
    addresses = await lookup(host);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return `refusing to load ${shown}: cannot resolve ${host} (${why}); ${OVERRIDE}`;
  }
  if (addresses.length === 0) return `refusing to load ${shown}: ${host} resolves to no address; ${OVERRIDE}`;
  const remote = addresses.find((a) => !isLoopbackAddress(a));
  return remote === undefined ? null : refuse(remote);
}

/** The URL with any password masked, so a refusal never prints a credential. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}
