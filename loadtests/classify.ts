import type { RefinedResponse, ResponseType } from 'k6/http';
import type { ErrorClass } from './metrics.ts';

/** k6's error code for a request that hit its timeout (k6 docs: error codes). */
const K6_REQUEST_TIMEOUT = 1050;

export interface Outcome {
  readonly ok: boolean;
  readonly errorClass: ErrorClass | null;
  /** For streams: content frames received, and completion tokens reported by usage. */
  readonly frames: number;
  readonly completionTokens: number;
}

/**
 * Success is a 2xx with a complete body: for a stream, one that ends with `data: [DONE]`; for a
 * body, JSON that parses with its choices. Anything else is one error class.
 */
export function classify(res: RefinedResponse<ResponseType | undefined>, streaming: boolean): Outcome {
  const none = { frames: 0, completionTokens: 0 };
  if (res.status === 0) {
    const errorClass: ErrorClass = res.error_code === K6_REQUEST_TIMEOUT ? 'timeout' : 'network';
    return { ok: false, errorClass, ...none };
  }
  if (res.status === 429) return { ok: false, errorClass: '429', ...none };
  if (res.status === 503) return { ok: false, errorClass: '503', ...none };
  if (res.status >= 500) return { ok: false, errorClass: '5xx', ...none };
  if (res.status >= 400) return { ok: false, errorClass: '4xx', ...none };
  const body = typeof res.body === 'string' ? res.body : '';
  return streaming ? classifyStream(body) : classifyBody(body);
}

function classifyStream(body: string): Outcome {
  const frames = body.split('\n\n').filter((f) => f.startsWith('data: {'));
  if (!body.trimEnd().endsWith('data: [DONE]')) {
    return { ok: false, errorClass: 'truncated', frames: frames.length, completionTokens: 0 };
  }
  let completionTokens = 0;
  const last = frames[frames.length - 1];
  try {
    completionTokens = last ? (JSON.parse(last.slice(6)).usage?.completion_tokens ?? 0) : 0;
  } catch {
    return { ok: false, errorClass: 'truncated', frames: frames.length, completionTokens: 0 };
  }
  // The role frame (whose first token comes with it) and the finish frame count as one token
  // frame between them; the usage-only frame `include_usage` adds (no choices) carries none.
  // Counted wrong by one, the inter-token latency read 5 % short over 20 tokens.
  const usageOnly = last?.includes('"choices":[]') ? 1 : 0;
  return {
    ok: true,
    errorClass: null,
    frames: Math.max(0, frames.length - 2 - usageOnly),
    completionTokens,
  };
}

/**
 * A complete body is a JSON object with its choices. Checked by its ends rather than parsed:
 * JSON.parse of every body is the most expensive thing a k6 VU would do here, and an answer
 * cut short (a hold that timed out, a truncated body) fails these checks just the same.
 */
/** The code of the last character that is not white space ('}' is 125), without copying. */
function lastNonSpace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13 && c !== 32 && c !== 9) return c;
  }
  return -1;
}

function classifyBody(body: string): Outcome {
  const complete = body.charCodeAt(0) === 123 && lastNonSpace(body) === 125 && body.includes('"choices":[');
  return complete
    ? { ok: true, errorClass: null, frames: 0, completionTokens: 0 }
    : { ok: false, errorClass: 'truncated', frames: 0, completionTokens: 0 };
}
