import type { Readable } from 'node:stream';
import { Pool } from 'undici';

/**
 * One upstream node (a mock node, or the real API) and the connection pool to it (undici: keep-
 * alive, pipelining off, a bounded number of sockets). Counts what is outstanding, so
 * least-outstanding balancing can read it.
 */
export interface ProxyRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
  /** The request asked for a stream (SSE): nothing may be retried once bytes flowed. */
  readonly stream: boolean;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The body, still flowing; whoever does not forward it must `drain` it. */
  readonly body: Readable | Buffer;
  /** The node that answered, or `local` for an answer the strategy made itself. */
  readonly upstream: string;
}

/** Statuses a resilience strategy treats as "busy, try again or elsewhere". */
export const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** Headers that belong to one hop, never forwarded (RFC 9110 §7.6.1), and length/encoding we redo. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
]);

export function endToEndHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP.has(k.toLowerCase())) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export class Upstream {
  outstanding = 0;
  private readonly pool: Pool;

  constructor(
    readonly url: string,
    readonly weight = 1,
    connections = 512,
  ) {
    this.pool = new Pool(url, { connections, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  }

  /** Sends once; a network failure becomes a 502 the strategies can treat like any busy answer. */
  async send(req: ProxyRequest, headers: Record<string, string> = req.headers): Promise<UpstreamResponse> {
    this.outstanding++;
    try {
      const res = await this.pool.request({
        method: req.method as 'POST',
        path: req.path,
        headers,
        body: req.body ?? undefined,
      });
      // Outstanding until the body is done, as a node counts a request in flight.
      res.body.once('close', () => this.outstanding--);
      return {
        status: res.statusCode,
        headers: endToEndHeaders(res.headers),
        body: res.body,
        upstream: this.url,
      };
    } catch (err) {
      this.outstanding--;
      return badGateway(this.url, err);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A failed connection as a DeepSeek-shaped 502, marked so it is told apart from a node's own 5xx. */
export function badGateway(upstream: string, err: unknown): UpstreamResponse {
  return localError(
    502,
    'bad_gateway',
    `upstream ${upstream} unreachable: ${(err as Error).message}`,
    upstream,
  );
}

/** An answer the strategy makes itself (breaker open, bulkhead full...), in DeepSeek's error shape. */
export function localError(
  status: number,
  code: string,
  message: string,
  upstream = 'local',
): UpstreamResponse {
  const type =
    status === 429
      ? 'rate_limit_error'
      : status >= 500
        ? 'service_unavailable_error'
        : 'invalid_request_error';
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-busybench-strategy-error': code },
    body: Buffer.from(JSON.stringify({ error: { message, type, param: null, code } })),
    upstream,
  };
}

/** Throws a response away (reads it to the end so its socket goes back to the pool). */
export async function drain(res: UpstreamResponse): Promise<void> {
  if (Buffer.isBuffer(res.body)) return;
  try {
    for await (const _ of res.body) {
      // discard
    }
  } catch {
    // a body that broke is drained too
  }
}

export function retryAfterMs(res: UpstreamResponse): number | null {
  const v = res.headers['retry-after'];
  if (v === undefined) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Resolves when a response's body has been read to its end (or broke off). */
export function untilDone(res: UpstreamResponse): Promise<void> {
  if (Buffer.isBuffer(res.body)) return Promise.resolve();
  const body = res.body;
  if (body.destroyed || body.readableEnded) return Promise.resolve();
  return new Promise((resolve) => body.once('close', () => resolve()));
}

/** Throws a response away by closing it (the losing hedge): cheaper than reading it out. */
export function discard(res: UpstreamResponse): void {
  if (Buffer.isBuffer(res.body)) return;
  // Destroying an undici body makes it emit "Request aborted": expected here, not an error.
  res.body.on('error', () => {});
  res.body.destroy();
}
