import { CodedError, type CodeOf } from '../../common/errors.js';

/**
 * Errors of the mock itself (bad config, bad scenario, port in use), with stable codes.
 * These are *our* failures, reported to the operator; errors the mock serves to API clients
 * are DeepSeek-shaped and live in api-error.ts.
 */
export const MockErrorCodes = {
  CONFIG_INVALID: 'MOCK_ERR_CONFIG_INVALID',
  CONFIG_UNREADABLE: 'MOCK_ERR_CONFIG_UNREADABLE',
  SCENARIO_NOT_FOUND: 'MOCK_ERR_SCENARIO_NOT_FOUND',
  SCENARIO_INVALID: 'MOCK_ERR_SCENARIO_INVALID',
  LISTEN_FAILED: 'MOCK_ERR_LISTEN_FAILED',
  /** The admin API answers loopback clients only. */
  ADMIN_FORBIDDEN: 'MOCK_ERR_ADMIN_FORBIDDEN',
  /** A remote admin request (admin.allowRemote) without admin.tokenFile's bearer token (401). */
  ADMIN_UNAUTHORIZED: 'MOCK_ERR_ADMIN_UNAUTHORIZED',
  /** An admin request for an account the mock does not have. */
  ADMIN_NOT_FOUND: 'MOCK_ERR_ADMIN_NOT_FOUND',
  /** A setting the running mock cannot change (it was fixed at start-up). */
  CONFIG_FIXED: 'MOCK_ERR_CONFIG_FIXED',
} as const;

export type MockErrorCode = CodeOf<typeof MockErrorCodes>;

export class MockError extends CodedError<MockErrorCode> {
  /** The text an operator sees: the summary, then one indented line per problem. */
  describe(): string {
    return [`${this.code}: ${this.message}`, ...this.problems.map((p) => `  - ${p}`)].join('\n');
  }
}
