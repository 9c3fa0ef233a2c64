import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiError, anthropicErrorText } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import type { ConcurrencyGroup } from '../models.js';
import type { MockNode } from '../node.js';
import { timerAt } from './due-timer.js';

export const JSON_HEADERS = ['content-type', 'application/json'];
export const SSE_HEADERS = [
  'content-type',
  'text/event-stream; charset=utf-8',
  'cache-control',
  'no-cache',
  'connection',
  'keep-alive',
];

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
  /**
   * When the latency model's clock starts: when the request was taken in, or when it got its
   * capacity slot after waiting in the queue or being held (those waits are not generation).
   */
  answerFrom = this.started;
  status = CLIENT_CLOSED;
  closed = false;
  headSent = false;
  model = 'unknown';
  account: Account | undefined;
  /** The request's user_id ("" without one): scheduling, cache and per-user caps follow it. */
  userId = '';
  /** Came in on /anthropic: errors go out in the Messages API's shape. */
  anthropic = false;
  private cleanups: Array<() => void> | undefined;
  /** Slots this exchange holds, released when it ends (fields, not closures: the hot path). */
  private accountGroup: ConcurrencyGroup | null = null;
  private capacityHeld = false;
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
    if (this.cleanups) this.cleanups.push(cleanup);
    else this.cleanups = [cleanup];
  }

  /** The request now counts against its account's concurrency until the exchange ends. */
  holdAccountSlot(group: ConcurrencyGroup): void {
    this.accountGroup = group;
  }

  /** The request now takes one of the node's generating slots until the exchange ends. */
  holdCapacitySlot(): void {
    if (this.closed) this.node.capacity.release();
    else this.capacityHeld = true;
  }

  /** Call before anything that waits: from then on the exchange ends when the connection does. */
  watch(): void {
    if (this.watching || this.closed) return;
    this.watching = true;
    this.res.once('close', () => this.finish());
  }

  /** Waits `ms`; resolves false at once if the client goes away meanwhile. */
  sleep(ms: number): Promise<boolean> {
    return this.sleepUntil(performance.now() + ms);
  }

  /**
   * Waits until `due` (a `performance.now()` time), so a caller keeping a schedule does not add
   * each timer's lateness to the next; resolves false at once if the client goes away meanwhile.
   */
  sleepUntil(due: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.watch();
    if (due <= performance.now()) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = timerAt(due, () => {
        this.wake = undefined;
        resolve(!this.closed);
      });
    });
  }

  writeHead(status: number, headers: Record<string, string> | string[]): void {
    if (this.headSent || this.closed) return;
    this.status = status;
    this.headSent = true;
    this.res.writeHead(status, headers as string[]);
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
      // The array form of headers skips the per-key work the object form costs.
      const headers = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(text))];
      if (extraHeaders) for (const [k, v] of Object.entries(extraHeaders)) headers.push(k, v);
      this.writeHead(status, headers);
    }
    this.end(text);
  }

  sendError(error: ApiError, text?: string): void {
    const body = this.anthropic ? anthropicErrorText(error) : (text ?? JSON.stringify(error.body));
    const retryAfter = this.node.effective.behaviour.limits.retryAfterSeconds;
    const headers =
      error.status === 429 && retryAfter !== null ? { 'retry-after': String(retryAfter) } : undefined;
    this.sendJson(error.status, body, headers);
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
    if (this.accountGroup !== null && this.account)
      this.node.shared.accounts.release(this.account, this.accountGroup, this.userId);
    if (this.capacityHeld) this.node.capacity.release();
    if (this.cleanups) for (const cleanup of this.cleanups) cleanup();
    const metrics = this.node.metrics;
    if (!metrics) return;
    const account = this.account?.id ?? 'none';
    metrics.exchangeEnded(this.endpoint, this.stream, this.model, this.status, account, this.started);
    metrics.userRequest(account, this.userId, this.status);
  }
}
