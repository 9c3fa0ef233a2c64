import { Redis } from 'ioredis';
import type { CacheStore, StoredAnswer } from './cache-store.js';
import { StrategyError, StrategyErrorCodes } from './errors.js';

/**
 * Cache answers in Redis (ioredis), each under `busybench:cache:v1:<key>` with `PX ttlMs`, so
 * every proxy pointed at the same Redis shares them and Redis expires them.
 *
 * Tuned to fail fast rather than wait, since the cache must never cost more latency than it
 * saves: a command gets `timeoutMs` (ioredis `commandTimeout`); while the connection is down,
 * commands fail at once instead of queueing (`enableOfflineQueue: false`), and those in flight
 * when it drops fail at once instead of waiting for a reconnect (`maxRetriesPerRequest: 0`).
 * ioredis keeps reconnecting (at most a second apart), so caching resumes when Redis is back.
 */
const PREFIX = 'busybench:cache:v1:';

export interface RedisStoreOptions {
  readonly url: string;
  readonly ttlMs: number;
  readonly timeoutMs: number;
}

export class RedisStore implements CacheStore {
  private readonly client: Redis;
  private lastError = '';

  constructor(private readonly o: RedisStoreOptions) {
    this.client = new Redis(o.url, {
      lazyConnect: true,
      commandTimeout: o.timeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    // Connection errors come as events while ioredis reconnects; the commands that fail because
    // of them are what the strategy counts. Kept for the message of a failed first connect.
    this.client.on('error', (err: Error) => {
      this.lastError = err.message;
    });
  }

  /** Connects once, before the proxy listens: a Redis that is not there at the start is a setup error. */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      this.client.disconnect();
      throw new StrategyError(
        StrategyErrorCodes.REDIS,
        `cannot reach Redis at ${redact(this.o.url)}: ${this.lastError || (err as Error).message}`,
      );
    }
  }

  async get(key: string): Promise<StoredAnswer | null> {
    const v = await this.client.getBuffer(PREFIX + key);
    return v === null ? null : decode(v);
  }

  async set(key: string, answer: StoredAnswer): Promise<void> {
    await this.client.set(PREFIX + key, encode(answer), 'PX', this.o.ttlMs);
  }

  async close(): Promise<void> {
    // QUIT lets sets already sent finish; a Redis that is gone gets no goodbye.
    if (this.client.status === 'ready') await this.client.quit().catch(() => {});
    this.client.disconnect();
  }
}

/** Length of the head (4 bytes), the head (status and headers as JSON), then the body as it came. */
function encode(a: StoredAnswer): Buffer {
  const head = Buffer.from(JSON.stringify({ status: a.status, headers: a.headers }));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(head.length);
  return Buffer.concat([len, head, a.body]);
}

function decode(v: Buffer): StoredAnswer {
  const n = v.length >= 4 ? v.readUInt32BE(0) : Number.POSITIVE_INFINITY;
  if (4 + n > v.length) throw new Error('not a busybench cache entry');
  const head = JSON.parse(v.subarray(4, 4 + n).toString('utf8')) as {
    status?: unknown;
    headers?: unknown;
  };
  if (typeof head.status !== 'number' || typeof head.headers !== 'object' || head.headers === null)
    throw new Error('not a busybench cache entry');
  return { status: head.status, headers: head.headers as Record<string, string>, body: v.subarray(4 + n) };
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
