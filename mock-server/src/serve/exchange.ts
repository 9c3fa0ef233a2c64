import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import type { MockNode } from '../node.js';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;

/** Status recorded when the client left before any answer (nginx's convention). */
export const CLIENT_CLOSED = 499;
/** Status recorded when the mock dropped the connection on purpose without an answer. */
export const NO_RESPONSE = 0;

/**
 * One request's life on the raw response: it writes, sleeps (cancelled when the client goes),
 * and when it ends releases whatever it holds and records the ground truth exactly once.
 *
 * Most requests under load are answered without ever waiting; those end synchronously with
 * their last write. Only an exchange that waits (latency, queue, hold, stream) listens for the
 * connection closing, which is the only way to learn that a client gave up meanwhile.
 */
export class Exchange {
  readonly res: ServerResponse;
  readonly started = performance.now();
  status = CLIENT_CLOSED;
  closed = false;
  headSent = false;
  model = 'unknown';
  account: Account | undefined;
  private readonly cleanups: Array<() => void> = [];
  private watching = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: ((alive: boolean) => void) | undefined;

  constructor(
    readonly node: MockNode,
    readonly req: FastifyRequest,
    reply: FastifyReply,
    readonly endpoint: string,
    readonly stream: boolean,
  ) {
    reply.hijack();
    this.res = reply.raw;
  }

  /** Runs when the exchange ends, however it ends. */
  onEnd(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  /** Call before anything that waits: from then on the exchange ends when the connection does. */
  watch(): void {
    if (this.watching || this.closed) return;
    this.watching = true;
    this.res.once('close', () => this.finish());
  }

  /** Waits `ms`; resolves false at once if the client goes away meanwhile. */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.watch();
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.wake = undefined;
        resolve(!this.closed);
      }, ms);
    });
  }

  writeHead(status: number, headers: Record<string, string>): void {
    if (this.headSent || this.closed) return;
    this.status = status;
    this.headSent = true;
    this.res.writeHead(status, headers);
  }

  write(chunk: string): void {
    if (!this.closed) this.res.write(chunk);
  }

  end(chunk?: string): void {
    if (this.closed) return;
    if (chunk === undefined) this.res.end();
    else this.res.end(chunk);
    if (!this.watching) this.finish();
  }

  /** A whole JSON answer; after a hold the head is already out, so only the body goes. */
  sendJson(status: number, text: string, extraHeaders?: Record<string, string>): void {
    if (!this.headSent) {
      const headers: Record<string, string> = {
        ...JSON_HEADERS,
        'content-length': String(Buffer.byteLength(text)),
      };
      if (extraHeaders) Object.assign(headers, extraHeaders);
      this.writeHead(status, headers);
    }
    this.end(text);
  }

  sendError(error: ApiError, text = JSON.stringify(error.body)): void {
    const retryAfter = this.node.effective.behaviour.limits.retryAfterSeconds;
    const headers =
      error.status === 429 && retryAfter !== null ? { 'retry-after': String(retryAfter) } : undefined;
    this.sendJson(error.status, text, headers);
  }

  /** Drops the connection with a TCP reset and no answer. */
  reset(): void {
    this.status = NO_RESPONSE;
    this.watch();
    this.req.raw.socket.resetAndDestroy();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.wake?.(false);
    for (const cleanup of this.cleanups) cleanup();
    this.node.metrics?.exchangeEnded(
      this.endpoint,
      this.stream,
      this.model,
      this.status,
      this.account?.id ?? 'none',
      this.started,
    );
  }
}
