/**
 * DeepSeek's context caching, modelled: a prompt prefix seen before on the same account is a
 * cache hit, counted in 64-token units as the real service stores it. Bounded LRU, so memory
 * stays flat whatever the run length.
 */
const UNIT = 64;

export class PromptCache {
  private readonly seen = new Map<string, true>();

  constructor(private readonly maxEntries = 20_000) {}

  /** Tokens of `prefixTokens` served from cache; remembers the whole prompt for the next turn. */
  lookup(
    account: string,
    prefixHash: number,
    prefixTokens: number,
    fullHash: number,
    fullTokens: number,
  ): number {
    // Below one unit nothing can hit now, nor later as a prefix: skip the bookkeeping.
    if (fullTokens < UNIT) return 0;
    const prefixKey = `${account}:${prefixHash}`;
    const hit = prefixTokens >= UNIT && this.seen.has(prefixKey);
    if (hit) {
      this.seen.delete(prefixKey);
      this.seen.set(prefixKey, true);
    }
    this.remember(`${account}:${fullHash}`);
    if (!hit) this.remember(prefixKey);
    return hit ? Math.floor(prefixTokens / UNIT) * UNIT : 0;
  }

  clear(): void {
    this.seen.clear();
  }

  private remember(key: string): void {
    if (this.seen.has(key)) return;
    this.seen.set(key, true);
    if (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}
