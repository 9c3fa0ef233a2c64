import { type ApiError, concurrencyExceeded } from '../api-error.js';
import type { MockConfig } from '../config/schema.js';
import { CONCURRENCY_CEILING, type ConcurrencyGroup } from '../models.js';

type ConcurrencyConfig = MockConfig['behaviour']['limits']['concurrency'];
type AccountConfig = MockConfig['accounts'][number];

export class Account {
  readonly id: string;
  balance: number;
  readonly inFlight: Record<ConcurrencyGroup, number> = { pro: 0, flash: 0 };

  constructor(
    private readonly config: AccountConfig,
    readonly keys: readonly string[],
  ) {
    this.id = config.id;
    this.balance = config.balance;
  }

  /**
   * The in-flight ceiling for a model group: the documented one (or the account's own), lowered
   * to base + perBalanceUnit * balance when the balance-scaled rule seen in the field is on.
   */
  limit(group: ConcurrencyGroup, rule: ConcurrencyConfig): number {
    const ceiling = this.config.concurrencyLimit ?? CONCURRENCY_CEILING[group];
    if (!rule.scaleWithBalance) return ceiling;
    return Math.min(ceiling, Math.floor(rule.base + rule.perBalanceUnit * this.balance));
  }

  reset(): void {
    this.balance = this.config.balance;
  }
}

/**
 * Keys belong to accounts; limits and balance are the account's, whatever key a request uses.
 * One registry is shared by every node of a process, as DeepSeek counts per account.
 */
export class AccountRegistry {
  private readonly byKey = new Map<string, Account>();
  readonly accounts: readonly Account[];

  constructor(
    configs: readonly AccountConfig[],
    private readonly allowUnknownKeys: boolean,
  ) {
    this.accounts = configs.map((c) => new Account(c, c.keys));
    for (const account of this.accounts) for (const key of account.keys) this.byKey.set(key, account);
  }

  /** The account a key belongs to; unknown keys go to the first account when so configured. */
  find(key: string): Account | undefined {
    return this.byKey.get(key) ?? (this.allowUnknownKeys ? this.accounts[0] : undefined);
  }

  /** Counts the request in, or returns the 429 the real API gives past the limit. */
  tryAcquire(account: Account, group: ConcurrencyGroup, rule: ConcurrencyConfig): ApiError | null {
    const current = account.inFlight[group];
    if (rule.enabled) {
      const limit = account.limit(group, rule);
      if (current >= limit) return concurrencyExceeded(current + 1, limit, rule.scaleWithBalance);
    }
    account.inFlight[group] = current + 1;
    return null;
  }

  release(account: Account, group: ConcurrencyGroup): void {
    account.inFlight[group]--;
  }

  reset(): void {
    for (const account of this.accounts) account.reset();
  }
}
