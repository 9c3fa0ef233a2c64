/**
 * Where the cache strategy keeps answers: in the proxy's own memory, or in Redis (redis-store.ts),
 * where every proxy pointed at the same Redis shares them. A store throws when it cannot answer;
 * the strategy counts that and goes upstream.
 */
export interface StoredAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface CacheStore {
  get(key: string): Promise<StoredAnswer | null>;
  set(key: string, answer: StoredAnswer): Promise<void>;
  close(): Promise<void>;
}

/**
 * Answers in a Map for `ttlMs`, at most `maxEntries`, the oldest evicted first (a Map keeps
 * insertion order). Nothing to start and nothing that can fail; shared by nobody.
 */
export class MemoryStore implements CacheStore {
  private readonly entries = new Map<string, { at: number; answer: StoredAnswer }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<StoredAnswer | null> {
    const e = this.entries.get(key);
    if (!e) return null;
    if (Date.now() - e.at < this.ttlMs) return e.answer;
    this.entries.delete(key);
    return null;
  }

  async set(key: string, answer: StoredAnswer): Promise<void> {
    // Re-inserted, so a refreshed answer moves to the young end of the eviction order.
    this.entries.delete(key);
    this.entries.set(key, { at: Date.now(), answer });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
