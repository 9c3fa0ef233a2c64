import { apiError, defaultErrorText, type InjectableStatus, rateLimitReached } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import type { ConcurrencyGroup } from '../models.js';
import type { Exchange } from './exchange.js';
import type { FaultPlan } from './fault-draw.js';
import { hold } from './hold.js';

/**
 * The busy rules, in the order a request meets them upstream: injected errors, balance, rate
 * limits, the account's concurrency, then the node's capacity (queue, 503 or hold). Gives true
 * with every slot taken (released when the exchange ends), false when already answered; a
 * promise only when the request has to wait for capacity, so the common case stays synchronous.
 */
export function admit(
  ex: Exchange,
  account: Account,
  group: ConcurrencyGroup,
  /** Tokens the TPM bucket is charged up front: prompt plus the planned output. */
  tokenCost: number,
  faults: FaultPlan,
): boolean | Promise<boolean> {
  const { node } = ex;
  const metrics = node.metrics;
  const limits = node.effective.behaviour.limits;

  if (faults.error !== null) return injectError(ex, faults.error);
  if (account.balance <= 0) {
    metrics?.limit('balance', account.id);
    ex.sendError(apiError(402), defaultErrorText(402));
    return false;
  }
  if (limits.rpm && !node.shared.rateLimiter.allow('rpm', limits.rpm, account, ex.req.apiKey, 1)) {
    metrics?.limit('rpm', account.id);
    ex.sendError(rateLimitReached('RPM'));
    return false;
  }
  if (limits.tpm && !node.shared.rateLimiter.allow('tpm', limits.tpm, account, ex.req.apiKey, tokenCost)) {
    metrics?.limit('tpm', account.id);
    ex.sendError(rateLimitReached('TPM'));
    return false;
  }
  const refused = node.shared.accounts.tryAcquire(account, group, limits.concurrency, ex.userId);
  if (refused) {
    metrics?.limit(refused.scope === 'user' ? 'user_concurrency' : 'concurrency', account.id);
    ex.sendError(refused.refused);
    return false;
  }
  ex.holdAccountSlot(group);
  return takeCapacity(ex, faults.hold);
}

function injectError(ex: Exchange, status: InjectableStatus): false {
  ex.node.metrics?.fault(`error_${status}`);
  ex.sendError(apiError(status), defaultErrorText(status));
  return false;
}

function takeCapacity(ex: Exchange, forceHold: boolean): boolean | Promise<boolean> {
  const { capacity } = ex.node;
  capacity.arrivals++;
  const eff = ex.node.effective;
  if (!forceHold && capacity.tryEnter()) {
    ex.holdCapacitySlot();
    return true;
  }
  if (!forceHold && capacity.queue.size < eff.behaviour.capacity.queueSize) return waitInQueue(ex);
  if (forceHold || eff.behaviour.capacity.overflow === 'hold') return holdThenTake(ex);
  // Past capacity and queue: refused at once, the hot path of an overloaded node.
  ex.node.metrics?.limit('capacity', ex.account?.id ?? 'none');
  ex.sendError(apiError(503), defaultErrorText(503));
  return false;
}

async function waitInQueue(ex: Exchange): Promise<boolean> {
  const { capacity } = ex.node;
  ex.watch();
  const { promise, waiter } = capacity.wait(capacity.queue);
  ex.onEnd(() => capacity.cancel(capacity.queue, waiter));
  const timer = setTimeout(() => capacity.cancel(capacity.queue, waiter), ex.node.effective.queueTimeoutMs);
  const granted = await promise;
  clearTimeout(timer);
  if (granted) {
    ex.holdCapacitySlot();
    ex.answerFrom = performance.now();
  } else if (!ex.closed) {
    ex.node.metrics?.limit('queue_timeout', ex.account?.id ?? 'none');
    ex.sendError(apiError(503), defaultErrorText(503));
  }
  return granted && !ex.closed;
}

async function holdThenTake(ex: Exchange): Promise<boolean> {
  const granted = await hold(ex);
  if (granted) {
    ex.holdCapacitySlot();
    ex.answerFrom = performance.now();
  }
  return granted && !ex.closed;
}
