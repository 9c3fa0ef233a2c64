/**
 * Errors as the real DeepSeek API serves them: status, and a body of
 * {"error":{"message","type","param","code"}}. Messages follow what clients report seeing.
 */
export type ApiErrorStatus = 400 | 401 | 402 | 404 | 413 | 415 | 422 | 429 | 500 | 503;

export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export interface ApiError {
  readonly status: ApiErrorStatus;
  readonly body: ApiErrorBody;
}

const TYPES: Record<ApiErrorStatus, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'unknown_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'service_unavailable_error',
};

const DEFAULT_MESSAGES: Record<ApiErrorStatus, string> = {
  400: 'Invalid request body format',
  401: 'Authentication Fails, Your api key is invalid',
  402: 'Insufficient Balance',
  404: 'Not Found',
  413: 'Request body is too large',
  415: 'Content-Type must be application/json',
  422: 'Invalid Parameters',
  429: 'Rate Limit Reached',
  500: 'Server Error: the server encountered an issue, please retry your request after a brief wait',
  503: 'Server Overloaded: the server is overloaded due to high traffic, please retry your request after a brief wait',
};

export function apiError(status: ApiErrorStatus, message = DEFAULT_MESSAGES[status]): ApiError {
  return {
    status,
    body: {
      error: {
        message,
        type: TYPES[status] ?? 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      },
    },
  };
}

/** Bodies that never vary are serialised once: they are served thousands of times a second under fault. */
const cachedText = new Map<ApiErrorStatus, string>();
export function defaultErrorText(status: ApiErrorStatus): string {
  let text = cachedText.get(status);
  if (!text) {
    text = JSON.stringify(apiError(status).body);
    cachedText.set(status, text);
  }
  return text;
}

export const concurrencyExceeded = (current: number, limit: number, balanceScaled: boolean): ApiError =>
  apiError(
    429,
    balanceScaled
      ? `Your current concurrency is ${current}, which exceeds your concurrency limit of ${limit} based on your remaining balance. Please top up your balance to restore your concurrency.`
      : `Your current concurrency is ${current}, which exceeds your concurrency limit of ${limit}. Please reduce your concurrency.`,
  );

/**
 * A user_id over its own cap on a raised account. DeepSeek documents the cap, not this answer's
 * text: the mock words it like the account's, naming the user's limit.
 */
export const userConcurrencyExceeded = (current: number, limit: number): ApiError =>
  apiError(
    429,
    `Your current concurrency for this user_id is ${current}, which exceeds the per-user concurrency limit of ${limit}. Please reduce your concurrency.`,
  );

export const USER_ID_PATTERN = '^[a-zA-Z0-9_-]+$';
const USER_ID_RE = new RegExp(USER_ID_PATTERN);
/** Documented on the rate-limit page: "a maximum length of 512". */
export const USER_ID_MAX_LENGTH = 512;

/**
 * A user_id as the API takes it, or the 400 it gives. The pattern's message is the one users
 * report (from the Anthropic route); the length message is the mock's own wording of the
 * documented limit. Absent, null and "" are the one special user (documented: "an empty id is
 * treated as a special user_id").
 */
export function userIdProblem(value: unknown): ApiError | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && value.length > USER_ID_MAX_LENGTH) {
    return apiError(
      400,
      `Invalid 'user_id': string too long. Expected a string with maximum length ${USER_ID_MAX_LENGTH}, but got a string with length ${value.length} instead.`,
    );
  }
  if (typeof value === 'string' && USER_ID_RE.test(value)) return null;
  return apiError(
    400,
    `Invalid 'user_id': string does not match pattern. Expected a string that matches the pattern '${USER_ID_PATTERN}'.`,
  );
}

export const rateLimitReached = (what: 'RPM' | 'TPM'): ApiError =>
  apiError(429, `Rate limit reached for ${what}`);

export const fimInThinkingMode = (): ApiError =>
  apiError(400, 'FIM completion is not supported in thinking mode. Please set thinking to disabled.');

export const modelNotExist = (): ApiError => apiError(400, 'Model Not Exist');

/** Anthropic's error types by status, for the /anthropic route (503 stays 503, as DeepSeek's). */
const ANTHROPIC_TYPES: Record<ApiErrorStatus, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  404: 'not_found_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
};

/** An error in the Messages API's shape: {"type":"error","error":{"type","message"}}. */
export function anthropicErrorText(error: ApiError): string {
  return JSON.stringify({
    type: 'error',
    error: { type: ANTHROPIC_TYPES[error.status], message: error.body.error.message },
  });
}

export const INJECTABLE_STATUSES = [400, 401, 402, 422, 429, 500, 503] as const;
export type InjectableStatus = (typeof INJECTABLE_STATUSES)[number];
