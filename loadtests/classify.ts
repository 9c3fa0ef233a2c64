/**
 * A response's outcome, by the rules of loadtests/engine/contract/outcomes.json: exactly one
 * class, `ok` only for a whole, real answer. Pure (no k6 import), so vitest runs it against the
 * vectors the Go engine is tested with (contract/classify-vectors.json).
 */
import type { OutcomeClass } from './metrics.ts';

/** k6's error code for a request that hit its timeout (k6 docs: error codes). */
const K6_REQUEST_TIMEOUT = 1050;

export interface Response {
  /** 0 when no HTTP answer came (k6: a timeout or a network error). */
  readonly status: number;
  /** k6's `error_code`; read only when status is 0. */
  readonly errorCode?: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface Outcome {
  readonly outcome: OutcomeClass;
  /** Stream frames whose first choice's delta carries content or reasoning_content (0 for a body). */
  readonly tokenFrames: number;
  /** usage.completion_tokens, when the answer reports it (0 otherwise). */
  readonly completionTokens: number;
}

const NONE = { tokenFrames: 0, completionTokens: 0 };
const OUTCOME: { [K in OutcomeClass]: Outcome } = {
  ok: { outcome: 'ok', ...NONE },
  '429': { outcome: '429', ...NONE },
  '503': { outcome: '503', ...NONE },
  '5xx': { outcome: '5xx', ...NONE },
  '4xx': { outcome: '4xx', ...NONE },
  timeout: { outcome: 'timeout', ...NONE },
  network: { outcome: 'network', ...NONE },
  truncated: { outcome: 'truncated', ...NONE },
  malformed: { outcome: 'malformed', ...NONE },
  aborted: { outcome: 'aborted', ...NONE },
  filtered: { outcome: 'filtered', ...NONE },
  degraded: { outcome: 'degraded', ...NONE },
};

export function classify(res: Response, streaming: boolean): Outcome {
  const { status } = res;
  if (status === 0) return res.errorCode === K6_REQUEST_TIMEOUT ? OUTCOME.timeout : OUTCOME.network;
  if (status === 429) return OUTCOME['429'];
  if (status === 503) return OUTCOME['503'];
  if (status >= 500 && status <= 599) return OUTCOME['5xx'];
  if (status >= 400 && status <= 499) return OUTCOME['4xx'];
  if (status !== 200) return OUTCOME.malformed;
  if (isFallback(res.headers)) return OUTCOME.degraded;
  return streaming ? classifyStream(res.body) : classifyBody(res.body);
}

/** `x-busybench-fallback: 1`, whatever the header name's case (k6 canonicalises it). */
function isFallback(headers: Readonly<Record<string, string>>): boolean {
  for (const name in headers) {
    if (name.length === 20 && name.toLowerCase() === 'x-busybench-fallback')
      return String(headers[name]).trim() === '1';
  }
  return false;
}

/** The class a finish reason gives a 200 that is otherwise whole. */
function byFinishReason(reason: unknown, tokenFrames: number, completionTokens: number): Outcome {
  let outcome: OutcomeClass;
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
      outcome = 'ok';
      break;
    case 'insufficient_system_resource':
      outcome = 'aborted';
      break;
    case 'content_filter':
      outcome = 'filtered';
      break;
    default:
      // Missing, null or unknown: the answer did not say it ended.
      outcome = 'truncated';
  }
  return { outcome, tokenFrames, completionTokens };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function completionTokensOf(chunk: Record<string, unknown>): number | undefined {
  const usage = chunk.usage;
  if (!isObject(usage)) return undefined;
  const n = usage.completion_tokens;
  return typeof n === 'number' ? n : undefined;
}

/** A whole body: one chat completion with at least one choice. */
function classifyBody(body: string): Outcome {
  if (body.trim() === '') return OUTCOME.truncated;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return OUTCOME.malformed;
  }
  if (!isObject(parsed)) return OUTCOME.malformed;
  const choices = parsed.choices;
  if (!Array.isArray(choices) || choices.length === 0) return OUTCOME.malformed;
  const first: unknown = choices[0];
  if (!isObject(first)) return OUTCOME.malformed;
  return byFinishReason(first.finish_reason, 0, completionTokensOf(parsed) ?? 0);
}

/**
 * A stream read by the SSE rules: lines (LF, CRLF or CR), an event dispatched at each blank line,
 * its data the `data:` lines joined; comment lines (`:`) and other fields ignored. Text after the
 * last blank line is an event the server never finished, so it is not dispatched (EventSource
 * does the same). Each frame's JSON is parsed once, and a malformed frame ends the reading.
 */
function classifyStream(rawBody: string): Outcome {
  const body = rawBody.indexOf('\r') >= 0 ? rawBody.replace(/\r\n?/g, '\n') : rawBody;
  let data: string | null = null;
  let done = false;
  let finish: unknown = null;
  let tokenFrames = 0;
  let completionTokens = 0;
  let at = 0;
  while (at < body.length) {
    const end = body.indexOf('\n', at);
    // The last line has no line end: part of an event that never ended, not read.
    if (end < 0) break;
    const line = body.slice(at, end);
    at = end + 1;
    if (line === '') {
      if (data === null) continue;
      const frame = data;
      data = null;
      if (frame === '[DONE]') {
        done = true;
        continue;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(frame);
      } catch {
        return OUTCOME.malformed;
      }
      if (!isObject(chunk)) return OUTCOME.malformed;
      const choices = chunk.choices;
      if (Array.isArray(choices)) {
        for (let i = 0; i < choices.length; i++) {
          const choice: unknown = choices[i];
          if (!isObject(choice)) continue;
          if (choice.finish_reason !== null && choice.finish_reason !== undefined)
            finish = choice.finish_reason;
          if (i === 0 && isObject(choice.delta)) {
            const { content, reasoning_content: reasoning } = choice.delta;
            if (
              (typeof content === 'string' && content !== '') ||
              (typeof reasoning === 'string' && reasoning !== '')
            )
              tokenFrames++;
          }
        }
      }
      const tokens = completionTokensOf(chunk);
      if (tokens !== undefined) completionTokens = tokens;
      continue;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== 'data') continue;
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    data = data === null ? value : `${data}\n${value}`;
  }
  if (!done) return { outcome: 'truncated', tokenFrames, completionTokens };
  return byFinishReason(finish, tokenFrames, completionTokens);
}
