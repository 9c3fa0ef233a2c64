import { Readable } from 'node:stream';
import { type Dispatcher, Pool } from 'undici';

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
  /**
   * The client's credential as it sent it (Authorization, else x-api-key, else ""), whatever a
   * strategy earlier in a chain put in `headers` since (key-pool replaces the key): what the
   * cache keys on, so one caller is never served another's answer.
   */
  readonly caller: string;
  /** Whether the client is still there (proxy-server.ts watches it): see ClientWatch. */
  readonly client?: ClientWatch;
}

/**
 * Whether the client of a request is still there. When it hangs up before its answer was
 * written, whatever the request still has upstream is stopped and no new attempt is sent (each
 * answers a local 499): nginx does the same by default (`proxy_ignore_client_abort off`), and a
 * frame falling behind does not spend the nodes' capacity, or its own, on answers nobody reads.
 * A list of callbacks rather than an AbortController: one a request, and most are never fired.
 */
export class ClientWatch {
  gone = false;
  private onGone: Array<() => void> | null = null;

  /** Calls `fn` when the client hangs up (at once if it has). */
  whenGone(fn: () => void): void {
    if (this.gone) {
      fn();
      return;
    }
    this.onGone ??= [];
    this.onGone.push(fn);
  }

  hungUp(): void {
    if (this.gone) return;
    this.gone = true;
    for (const fn of this.onGone ?? []) fn();
    this.onGone = null;
  }
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The body, still flowing; whoever does not forward it must `drain` it. */
  readonly body: Readable | Buffer;
  /** The node that answered, or `local` for an answer the strategy made itself. */
  readonly upstream: string;
  /**
   * The node broke the answer off after its headers (a non-streaming body cut short): `body` is
   * what came, and the proxy cuts the client's connection after it, as the node did.
   */
  readonly cut?: boolean;
}

/** Statuses a resilience strategy treats as "busy, try again or elsewhere". */
export const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** Headers that belong to one hop, never forwarded (RFC 9110 §7.6.1), and the host we redo. */
const HOP = new Set([
  // Node answers a client's 100-continue itself; undici refuses to send the header on.
  'expect',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

/**
 * A message's end-to-end headers, names lower-cased. A request's `content-length` goes too (the
 * client computes it from the body a strategy sends); an answer's stays (`keepLength`): bodies
 * are forwarded byte for byte, and a known length is one write to the client instead of chunks.
 */
export function endToEndHeaders(
  headers: Record<string, string | string[] | undefined>,
  keepLength = false,
): Record<string, string> {
  const out: Record<string, string> = {};
  // The headers a Connection header names are this hop's too (RFC 9110 §7.6.1).
  const connection = headers.connection;
  const named = connection
    ? new Set(
        (Array.isArray(connection) ? connection.join(',') : connection)
          .split(',')
          .map((t) => t.trim().toLowerCase()),
      )
    : null;
  for (const k in headers) {
    const v = headers[k];
    const name = k.toLowerCase();
    if (v === undefined || HOP.has(name) || named?.has(name) || (!keepLength && name === 'content-length'))
      continue;
    out[name] = Array.isArray(v) ? v.join(', ') : v;
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

  /**
   * Sends once; a network failure becomes a 502 the strategies can treat like any busy answer.
   * A non-streaming answer comes back whole (a Buffer), a stream as a Readable still flowing:
   * see `Forward` for why.
   */
  send(
    req: ProxyRequest,
    headers: Record<string, string> = req.headers,
    signal?: AbortSignal,
  ): Promise<UpstreamResponse> {
    if (req.client?.gone) return Promise.resolve(clientGone(this.url));
    this.outstanding++;
    return new Promise((resolve) => {
      this.pool.dispatch(
        { method: req.method as 'POST', path: req.path, headers, body: req.body ?? undefined },
        new Forward(this, req.stream, resolve, signal, req.client),
      );
    });
  }

  /** Closes every connection now, answers under way included (the end of a shutdown). */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

/**
 * undici's raw dispatch handler, not `pool.request`: at thousands of requests a second the
 * Readable, promise and async resource `request` makes per answer were the frame's largest cost
 * (strategies/README.md, Performance). A non-streaming answer is read whole and handed over as
 * one Buffer, which the proxy writes in one go; a cut one keeps its `cut` mark and partial bytes,
 * so the client sees the cut the node made. A stream stays a Readable: each frame is forwarded
 * as it comes, and destroying it aborts the upstream request.
 */
class Forward implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private stream: Readable | null = null;
  private abort: ((err?: Error) => void) | null = null;
  /** The upstream request is over (completed or failed): nothing left to abort. */
  private settled = false;
  private counted = false;

  constructor(
    private readonly upstream: Upstream,
    private readonly streaming: boolean,
    private readonly resolve: (res: UpstreamResponse) => void,
    private readonly signal?: AbortSignal,
    private readonly client?: ClientWatch,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    this.client?.whenGone(() => {
      if (!this.settled) abort(new Error('client closed the request'));
    });
    if (!this.signal) return;
    // A strategy that no longer wants the answer (the hedge that lost) stops the node's work.
    if (this.signal.aborted) abort(new Error('cancelled by the strategy'));
    else
      this.signal.addEventListener('abort', () => abort(new Error('cancelled by the strategy')), {
        once: true,
      });
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    this.status = status;
    this.headers = rawEndToEnd(raw);
    // The answer says it streams (SSE) even where the request's "stream" sat past what was
    // scanned of a long body: never buffered, whatever the request looked like.
    if (!this.streaming && !this.headers['content-type']?.startsWith('text/event-stream')) return true;
    this.stream = new Readable({
      read: () => resume(),
      destroy: (err, cb) => {
        if (!this.settled) this.abort?.(err ?? new Error('stream closed by the proxy'));
        cb(err);
      },
    });
    this.stream.once('close', () => this.done());
    // Whoever forwards the stream listens for its errors; one that breaks before the strategy
    // handed it on (a hedge still waiting) must not take the process down.
    this.stream.on('error', () => {});
    this.resolve({ status, headers: this.headers, body: this.stream, upstream: this.upstream.url });
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.stream) return this.stream.push(chunk);
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.stream) {
      this.settled = true;
      this.stream.push(null);
      return;
    }
    this.done();
    this.resolve({
      status: this.status,
      headers: this.headers,
      body: this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks),
      upstream: this.upstream.url,
    });
  }

  onError(err: Error): void {
    if (this.stream) {
      this.settled = true;
      if (!this.stream.destroyed) this.stream.destroy(err);
      return;
    }
    this.done();
    if (this.client?.gone) {
      this.resolve(clientGone(this.upstream.url));
      return;
    }
    if (this.signal?.aborted) {
      this.resolve(
        localError(499, 'cancelled', `cancelled by the strategy: ${err.message}`, this.upstream.url),
      );
      return;
    }
    if (this.status === 0) {
      this.resolve(badGateway(this.upstream.url, err));
      return;
    }
    this.resolve({
      status: this.status,
      headers: this.headers,
      body: Buffer.concat(this.chunks),
      upstream: this.upstream.url,
      cut: true,
    });
  }

  /** Outstanding until the body is done, as a node counts a request in flight. */
  private done(): void {
    if (this.counted) return;
    this.counted = true;
    this.settled = true;
    this.upstream.outstanding--;
  }
}

/** Raw header pairs as end-to-end headers (names lower-cased, the length kept). */
function rawEndToEnd(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    if (HOP.has(name)) continue;
    const value = (raw[i + 1] as Buffer).toString('latin1');
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

/** An attempt stopped, or never sent, because its client hung up (nobody reads it: counted only). */
function clientGone(upstream: string): UpstreamResponse {
  return localError(499, 'client_closed', 'the client closed the request', upstream);
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
