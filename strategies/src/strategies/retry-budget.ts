/**
 * A retry budget, as gRPC's retry throttling and Finagle's budgets have it: every request
 * deposits `ratio` tokens (capped), every retry withdraws one. In steady state retries stay
 * under `ratio` × requests, so a long outage meets at most (1 + ratio) times the load, not
 * (1 + retries) times: the difference between riding out a brownout and a retry storm.
 */
export class RetryBudget {
  tokens: number;

  constructor(
    private readonly ratio: number,
    private readonly cap = 100,
  ) {
    this.tokens = Math.min(cap, 10);
  }

  deposit(): void {
    this.tokens = Math.min(this.cap, this.tokens + this.ratio);
  }

  withdraw(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
