import type { Options } from '../options.js';
import type { Strategy } from '../strategy.js';
import { drain, RETRYABLE, type UpstreamResponse } from '../upstream.js';

/**
 * Fallback to a degraded answer: when the upstream is busy (429/5xx, unreachable), the client
 * gets a well-formed completion saying so instead of an error — `system_fingerprint`
 * "busybench-fallback" and header `x-busybench-fallback: 1` mark it. It turns errors into
 * successes in the client's eyes (error masking near 1): what it buys is availability, not
 * answers, and the scoreboard should be read with that in mind.
 */
export function fallback(o: Options): Strategy {
  const message = o
    .list('message', ['The assistant is busy right now. Please try again in a moment.'])
    .join(', ');
  return {
    name: 'fallback',
    handle: async (req, ctx) => {
      const res = await ctx.send(req);
      if (!RETRYABLE.has(res.status)) return res;
      await drain(res);
      return ctx.local('fallback', degraded(req.stream, modelOf(req.body), message));
    },
  };
}

function modelOf(body: Buffer | null): string {
  try {
    return String(
      (JSON.parse(body?.toString('utf8') ?? '{}') as { model?: unknown }).model ?? 'deepseek-v4-flash',
    );
  } catch {
    return 'deepseek-v4-flash';
  }
}

function degraded(stream: boolean, model: string, content: string): UpstreamResponse {
  const base = {
    id: `fallback-${Date.now()}`,
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: 'busybench-fallback',
  };
  const usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const headers = { 'x-busybench-fallback': '1' };
  if (!stream) {
    const body = {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
      usage,
    };
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
      upstream: 'local',
    };
  }
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const text = `${chunk({ role: 'assistant', content }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`;
  return {
    status: 200,
    headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8' },
    body: Buffer.from(text),
    upstream: 'local',
  };
}
