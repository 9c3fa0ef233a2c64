import { CodedError, type CodeOf } from '../../common/errors.js';

/** Errors of the collector, with stable codes. */
export const CollectorErrorCodes = {
  HISTOGRAM_DECODE: 'COLLECTOR_ERR_HISTOGRAM_DECODE',
  BAD_ALERT_PAYLOAD: 'COLLECTOR_ERR_BAD_ALERT_PAYLOAD',
  /** POST /api/results: missing or bad runner/sequence headers, a body that is not whole lines. */
  BAD_BATCH: 'COLLECTOR_ERR_BAD_BATCH',
  /** POST /api/results: a body, an inflated body or a batch's lines over their limit (413). */
  TOO_LARGE: 'COLLECTOR_ERR_TOO_LARGE',
  /** POST /api/results from one runner more than --max-runners (429). */
  TOO_MANY_RUNNERS: 'COLLECTOR_ERR_TOO_MANY_RUNNERS',
  /** POST /api/results for a runner whose file in the directory this collector did not write (409). */
  FOREIGN_FILE: 'COLLECTOR_ERR_FOREIGN_FILE',
  /** POST /api/results or /api/alerts without the bearer token the collector was given (401). */
  UNAUTHORIZED: 'COLLECTOR_ERR_UNAUTHORIZED',
  /** POST /api/results to a collector started without --receive. */
  NOT_RECEIVING: 'COLLECTOR_ERR_NOT_RECEIVING',
  /** Anything else that went wrong serving a request (a bug: the message says what). */
  INTERNAL: 'COLLECTOR_ERR_INTERNAL',
} as const;

export class CollectorError extends CodedError<CodeOf<typeof CollectorErrorCodes>> {}
