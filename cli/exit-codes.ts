import type { CollectorError } from '../collector/src/errors.js';
import type { KitErrorCode } from '../common/errors.js';
import type { MockErrorCode } from '../mock-server/src/errors.js';
import type { RunnerError } from '../runner/src/errors.js';
import type { StackError } from '../stack/src/errors.js';
import type { StrategyError } from '../strategies/src/errors.js';

/** Exit codes of the CLI: 0 done, 1 a run failed, 2 bad input (flags, files, names), 99 an SLA breach. */
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Every coded error of every component's table. */
export type ErrorCode =
  | KitErrorCode
  | MockErrorCode
  | CollectorError['code']
  | StrategyError['code']
  | StackError['code']
  | RunnerError['code'];

/**
 * The exit code of each error code, written out: a new code in any table is a type error here
 * until it is given one. Bad input (2): what the user can fix in what they typed or pointed at.
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, typeof EXIT_RUN_FAILED | typeof EXIT_BAD_INPUT>> = {
  KIT_ERR_BAD_DURATION: EXIT_BAD_INPUT,
  KIT_ERR_FILE_UNREADABLE: EXIT_BAD_INPUT,
  KIT_ERR_SLA_INVALID: EXIT_BAD_INPUT,
  KIT_ERR_BAD_TOKEN_FILE: EXIT_BAD_INPUT,
  // The mock's own errors are the operator's config, scenario or port: bad input, as always.
  MOCK_ERR_CONFIG_INVALID: EXIT_BAD_INPUT,
  MOCK_ERR_CONFIG_UNREADABLE: EXIT_BAD_INPUT,
  MOCK_ERR_SCENARIO_NOT_FOUND: EXIT_BAD_INPUT,
  MOCK_ERR_SCENARIO_INVALID: EXIT_BAD_INPUT,
  MOCK_ERR_LISTEN_FAILED: EXIT_BAD_INPUT,
  MOCK_ERR_ADMIN_FORBIDDEN: EXIT_BAD_INPUT,
  MOCK_ERR_ADMIN_UNAUTHORIZED: EXIT_BAD_INPUT,
  MOCK_ERR_ADMIN_NOT_FOUND: EXIT_BAD_INPUT,
  MOCK_ERR_CONFIG_FIXED: EXIT_BAD_INPUT,
  COLLECTOR_ERR_HISTOGRAM_DECODE: EXIT_RUN_FAILED,
  COLLECTOR_ERR_BAD_ALERT_PAYLOAD: EXIT_BAD_INPUT,
  COLLECTOR_ERR_BAD_BATCH: EXIT_BAD_INPUT,
  COLLECTOR_ERR_TOO_LARGE: EXIT_BAD_INPUT,
  COLLECTOR_ERR_TOO_MANY_RUNNERS: EXIT_BAD_INPUT,
  COLLECTOR_ERR_FOREIGN_FILE: EXIT_BAD_INPUT,
  COLLECTOR_ERR_UNAUTHORIZED: EXIT_BAD_INPUT,
  COLLECTOR_ERR_NOT_RECEIVING: EXIT_RUN_FAILED,
  COLLECTOR_ERR_INTERNAL: EXIT_RUN_FAILED,
  STRATEGY_ERR_BAD_OPTIONS: EXIT_BAD_INPUT,
  STRATEGY_ERR_UNKNOWN: EXIT_BAD_INPUT,
  STRATEGY_ERR_NGINX: EXIT_RUN_FAILED,
  STRATEGY_ERR_HAPROXY: EXIT_RUN_FAILED,
  STRATEGY_ERR_REDIS: EXIT_RUN_FAILED,
  STRATEGY_ERR_GO_FRAME: EXIT_RUN_FAILED,
  STACK_ERR_MISSING_TOOL: EXIT_RUN_FAILED,
  STACK_ERR_NOT_READY: EXIT_RUN_FAILED,
  STACK_ERR_PORT_BUSY: EXIT_RUN_FAILED,
  RUNNER_ERR_ENGINE_BUILD_FAILED: EXIT_BAD_INPUT,
  RUNNER_ERR_K6_NOT_FOUND: EXIT_BAD_INPUT,
  RUNNER_ERR_TARGET_REFUSED: EXIT_BAD_INPUT,
  RUNNER_ERR_ENGINE_CPUS: EXIT_BAD_INPUT,
  RUNNER_ERR_LOAD_FAILED: EXIT_RUN_FAILED,
};

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(EXIT_CODES, code);
}
