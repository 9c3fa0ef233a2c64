import { CodedError, type CodeOf } from '../../common/errors.js';

/** Errors of the strategies, with stable codes (the CLI maps each to its exit code). */
export const StrategyErrorCodes = {
  /** An option that is not key=value, not a known key, or out of its bounds (every problem listed). */
  BAD_OPTIONS: 'STRATEGY_ERR_BAD_OPTIONS',
  /** A strategy name that is none of the registry's. */
  UNKNOWN: 'STRATEGY_ERR_UNKNOWN',
  /** nginx missing, its config refused by `nginx -t`, or it did not start. */
  NGINX: 'STRATEGY_ERR_NGINX',
  /** haproxy missing, or it did not start. */
  HAPROXY: 'STRATEGY_ERR_HAPROXY',
  /** redis-server missing, or Redis not there for the cache. */
  REDIS: 'STRATEGY_ERR_REDIS',
  /** The Go frame (strategies/frame) could not be built, or did not start. */
  GO_FRAME: 'STRATEGY_ERR_GO_FRAME',
} as const;

export class StrategyError extends CodedError<CodeOf<typeof StrategyErrorCodes>> {}
