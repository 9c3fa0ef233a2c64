import { type ApiError, concurrencyExceeded, userConcurrencyExceeded } from '../api-error.js';
import type { MockConfig } from '../config/schema.js';
import { CONCURRENCY_CEILING, type ConcurrencyGroup } from '../models.js';

type ConcurrencyConfig = MockConfig['behaviour']['limits']['concurrency'];
type AccountConfig = MockConfig['accounts'][number];

type InFlight = Record<ConcurrencyGroup, number>;

export class Account {
  readonly id: string;
  balance: number;
  readonly inFlight: InFlight = { pro: 0, flash: 0 };
  /** Raised accounts only: in flight per user_id ("" for requests without one), dropped at 0. */
  readonly users = new Map<string, InFlight>();
  readonly raised: boolean;

  constructor(
    private readonly config: AccountConfig,
    readonly keys: readonly string[],
  ) {
    this.id = config.id;
    this.balance = config.balance;
    this.raised = config.raised === true;
  }

  /** A user_id's own cap on a raised account: the model ceiling unless configured. */
  userLimit(group: ConcurrencyGroup): number {
    return this.config.userConcurrencyLimit ?? CONCURRENCY_CEILING[group];
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

  /**
   * Counts the request in, or returns the 429 the real API gives past the limit: the account's,
   * then on a raised account the user_id's own. `user` is "" for a request without user_id.
   */
  tryAcquire(
    account: Account,
    group: ConcurrencyGroup,
    rule: ConcurrencyConfig,
    user: string,
  ): { refused: ApiError; scope: 'account' | 'user' } | null {
    const current = account.inFlight[group];
    let perUser: InFlight | undefined;
    if (rule.enabled) {
      const limit = account.limit(group, rule);
      if (current >= limit) {
        return { refused: concurrencyExceeded(current + 1, limit, rule.scaleWithBalance), scope: 'account' };
      }
      if (account.raised) {
        perUser = account.users.get(user);
        const mine = perUser?.[group] ?? 0;
        const userLimit = account.userLimit(group);
        if (mine >= userLimit)
          return { refused: userConcurrencyExceeded(mine + 1, userLimit), scope: 'user' };
      }
    }
    account.inFlight[group] = current + 1;
    if (account.raised) {
      if (!perUser) {
        perUser = account.users.get(user) ?? { pro: 0, flash: 0 };
        account.users.set(user, perUser);
      }
      perUser[group]++;
    }
    return null;
  }

  release(account: Account, group: ConcurrencyGroup, user: string): void {
    account.inFlight[group]--;
    if (!account.raised) return;
    const perUser = account.users.get(user);
    if (!perUser) return;
    perUser[group]--;
    // Bounded memory whatever the number of distinct user ids a run sends.
    if (perUser.pro <= 0 && perUser.flash <= 0) account.users.delete(user);
  }

  reset(): void {
    for (const account of this.accounts) account.reset();
  }
}
