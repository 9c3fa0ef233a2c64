/**
 * Fairness between end users (the `user_id` a request carried): is one heavy user starving the
 * others? Per user: requests, successes, goodput (successes within the SLA's latency bound) and
 * latencies in coarse log buckets; the run's figures are the worst 1 % of users' success and
 * p99, and Jain's index over the users' goodput shares.
 */

/** Users followed one by one; past this many, a run's later users are counted, not followed. */
export const MAX_USERS = 10_000;

/** Log buckets: 1 ms up to about 24 hours in steps of 12.5 % (a p99 read to within that). */
const RATIO = 1.125;
const BUCKETS = Math.ceil(Math.log(86_400_000) / Math.log(RATIO)) + 1;
const bucketOf = (ms: number) =>
  Math.min(BUCKETS - 1, Math.max(0, Math.ceil(Math.log(Math.max(ms, 1)) / Math.log(RATIO))));
/** A bucket's upper bound, ms: what a percentile falling in it reads. */
const upperOf = (bucket: number) => RATIO ** bucket;

class UserTally {
  requests = 0;
  ok = 0;
  good = 0;
  readonly latency = new Uint32Array(BUCKETS);
}

export interface FairnessSummary {
  /** Users seen, and how many of them came past MAX_USERS (counted, not followed). */
  readonly users: number;
  readonly untracked: number;
  /** The worst 1 % of users (at least one) by success rate: their requests' success rate. */
  readonly worstSuccessRate: number;
  /** The worst 1 % of users by p99 latency: their requests' p99, ms (to within 12.5 %). */
  readonly worstP99Ms: number;
  /**
   * Jain's index over users' goodput shares (each user's requests that were good, over those
   * it sent): 1 when every user got the same share, 1/n when one user got it all. Shares, not
   * counts: a user who asks more is not owed more, and one who asks less is not wronged by it.
   */
  readonly jain: number;
  /** The user with the lowest success rate, and it. */
  readonly worstUser: string;
  readonly worstUserSuccessRate: number;
}

export class UserFairness {
  private readonly users = new Map<string, UserTally>();
  private readonly untracked = new Set<string>();

  /** `goodBoundMs`: the SLA's latency bound a success must beat to be goodput. */
  constructor(private readonly goodBoundMs = Number.POSITIVE_INFINITY) {}

  add(user: string, outcome: string, ms: number): void {
    let t = this.users.get(user);
    if (!t) {
      if (this.users.size >= MAX_USERS) {
        // Kept to a count, bounded too: a set of names past the cap would grow without one.
        if (this.untracked.size < MAX_USERS) this.untracked.add(user);
        return;
      }
      t = new UserTally();
      this.users.set(user, t);
    }
    t.requests++;
    if (outcome === 'ok') {
      t.ok++;
      if (ms < this.goodBoundMs) t.good++;
    }
    t.latency[bucketOf(ms)] = (t.latency[bucketOf(ms)] as number) + 1;
  }

  summary(): FairnessSummary | null {
    const all = [...this.users.entries()].filter(([, t]) => t.requests > 0);
    if (all.length === 0) return null;
    const worstN = Math.max(1, Math.ceil(all.length * 0.01));
    const bySuccess = [...all].sort((a, b) => a[1].ok / a[1].requests - b[1].ok / b[1].requests);
    const worstBySuccess = bySuccess.slice(0, worstN);
    const sent = worstBySuccess.reduce((n, [, t]) => n + t.requests, 0);
    const ok = worstBySuccess.reduce((n, [, t]) => n + t.ok, 0);
    const p99s = all.map(([, t]) => [percentile(t.latency, t.requests, 0.99), t] as const);
    p99s.sort((a, b) => b[0] - a[0]);
    const pooled = new Uint32Array(BUCKETS);
    let pooledN = 0;
    for (const [, t] of p99s.slice(0, worstN)) {
      pooledN += t.requests;
      for (let i = 0; i < BUCKETS; i++) pooled[i] = (pooled[i] as number) + (t.latency[i] as number);
    }
    const shares = all.map(([, t]) => t.good / t.requests);
    const sum = shares.reduce((a, b) => a + b, 0);
    const squares = shares.reduce((a, b) => a + b * b, 0);
    const [worstUser, worst] = bySuccess[0] as [string, UserTally];
    return {
      users: all.length + this.untracked.size,
      untracked: this.untracked.size,
      worstSuccessRate: ok / sent,
      worstP99Ms: percentile(pooled, pooledN, 0.99),
      // All shares 0 (nothing good for anyone) is equal treatment too: 1.
      jain: squares === 0 ? 1 : (sum * sum) / (shares.length * squares),
      worstUser,
      worstUserSuccessRate: worst.ok / worst.requests,
    };
  }
}

function percentile(buckets: Uint32Array, n: number, q: number): number {
  const rank = Math.ceil(q * n);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] as number;
    if (seen >= rank) return upperOf(i);
  }
  return upperOf(buckets.length - 1);
}
