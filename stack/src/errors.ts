import { CodedError, type CodeOf } from '../../common/errors.js';

/** Errors of the local stack, with stable codes (the CLI maps each to its exit code). */
export const StackErrorCodes = {
  /** prometheus or prometheus-alertmanager not installed. */
  MISSING_TOOL: 'STACK_ERR_MISSING_TOOL',
  /** A part started but did not answer in time. */
  NOT_READY: 'STACK_ERR_NOT_READY',
  /** A port the stack needs is taken by something else. */
  PORT_BUSY: 'STACK_ERR_PORT_BUSY',
} as const;

export class StackError extends CodedError<CodeOf<typeof StackErrorCodes>> {}
