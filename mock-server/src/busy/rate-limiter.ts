import type { MockConfig } from '../config/schema.js';
import type { Account } from './accounts.js';

type RateLimit = NonNullable<MockConfig['behaviour']['limits']['rpm']>;

/** A per-minute budget refilled continuously, as providers meter RPM and TPM. */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private limit: number,
    now: number,
  ) {
    this.tokens = limit;
    this.last = now;
  }

  take(amount: number, limit: number, now: number): boolean {
    if (limit !== this.limit) {
      this.tokens = Math.min(this.tokens, limit);
      this.limit = limit;
    }
    this.tokens = Math.min(this.limit, this.tokens + ((now - this.last) * this.limit) / 60_000);
    this.last = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }
}

/** RPM and TPM buckets, by key or by account as configured; shared by the nodes of a process. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  /** Returns false when the request would go over the limit (the caller answers 429). */
  allow(kind: 'rpm' | 'tpm', rule: RateLimit, account: Account, key: string, amount: number): boolean {
    const id = `${kind}:${rule.scope === 'key' ? `k:${key}` : `a:${account.id}`}`;
    const now = Date.now();
    let bucket = this.buckets.get(id);
    if (!bucket) {
      bucket = new TokenBucket(rule.limit, now);
      this.buckets.set(id, bucket);
    }
    return bucket.take(amount, rule.limit, now);
  }

  reset(): void {
    this.buckets.clear();
  }
}
