/**
 * The mock's test controls, which a proxy in front of it does not forward unless told to
 * (`busybench strategy --forward-test-controls`): the admin API and the per-request fault
 * headers. The mock answers its admin API to loopback clients, and a proxy on the same machine
 * is one, so forwarding them would hand the mock's configuration (and its faults) to whoever
 * reaches the proxy. Also refused: a request target that is not a path (absolute-form), which
 * no API client sends.
 */
import { localError, type UpstreamResponse } from './upstream.js';

const FAULT_HEADERS = ['x-busybench-error', 'x-busybench-fault'] as const;

/** Removes the fault headers from forwarded request headers (names already lower-cased). */
export function dropTestHeaders(headers: Record<string, string>): void {
  for (const name of FAULT_HEADERS) delete headers[name];
}

/**
 * A DeepSeek-shaped refusal for a target the proxy does not forward, or null to forward it.
 * The path is read as the mock's router would match it: percent-decoded, any case, extra
 * leading slashes and `./` segments ignored, so `/%61dmin/config` or `//ADMIN/config` are the
 * admin API too.
 */
export function refusedTarget(url: string): UpstreamResponse | null {
  if (!url.startsWith('/'))
    return localError(400, 'invalid_request_error', 'Invalid request target: a path is expected');
  const raw = url.split('?')[0] as string;
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // A malformed escape: matched as it is.
  }
  if (/^(\/+(\.\/)*)+admin(\/|$)/i.test(path))
    return localError(
      403,
      'admin_not_forwarded',
      "The strategy proxy does not forward the mock's admin API: call the mock directly, or start the proxy with --forward-test-controls",
    );
  return null;
}
