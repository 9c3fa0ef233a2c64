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

export const rateLimitReached = (what: 'RPM' | 'TPM'): ApiError =>
  apiError(429, `Rate limit reached for ${what}`);

export const modelNotExist = (): ApiError => apiError(400, 'Model Not Exist');

export const INJECTABLE_STATUSES = [400, 401, 402, 422, 429, 500, 503] as const;
export type InjectableStatus = (typeof INJECTABLE_STATUSES)[number];
