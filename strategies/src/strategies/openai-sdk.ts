import { Readable } from 'node:stream';
import OpenAI from 'openai';
import type { Options } from '../options.js';
import type { Strategy, StrategyContext } from '../strategy.js';
import { endToEndHeaders, localError, type ProxyRequest, type Upstream } from '../upstream.js';

/**
 * The official `openai` SDK's own retries, behind a thin HTTP shim: each request is sent with
 * `client.chat.completions.create(...)`, so the SDK decides to retry (408/409/429/5xx, with its
 * backoff and Retry-After handling, `maxRetries` times). A strategy nobody here wrote: what a
 * team gets by default. Attempts are counted through the SDK's `fetch` hook.
 */
export function openaiSdk(o: Options): Strategy {
  const maxRetries = o.number('maxRetries', 2, 0, 10);
  const timeoutMs = o.number('timeoutMs', 120_000, 100);
  const clients = new Map<string, OpenAI>();
  const clientFor = (ctx: StrategyContext, upstream: Upstream, apiKey: string) => {
    const key = `${upstream.url}\u0000${apiKey}`;
    let client = clients.get(key);
    if (!client) {
      client = new OpenAI({
        baseURL: upstream.url,
        apiKey,
        maxRetries,
        timeout: timeoutMs,
        fetch: async (url, init) => {
          const res = await fetch(url, init);
          ctx.count(upstream, res.status);
          return res;
        },
      });
      clients.set(key, client);
    }
    return client;
  };
  return {
    name: 'openai-sdk',
    handle: async (req: ProxyRequest, ctx) => {
      let body: OpenAI.ChatCompletionCreateParams;
      try {
        body = JSON.parse(req.body?.toString('utf8') ?? '') as OpenAI.ChatCompletionCreateParams;
      } catch {
        return localError(400, 'invalid_request_error', 'Invalid request body format: not JSON');
      }
      const apiKey = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || 'none';
      const upstream = ctx.next();
      try {
        const res = await clientFor(ctx, upstream, apiKey).chat.completions.create(body).asResponse();
        return {
          status: res.status,
          headers: endToEndHeaders(Object.fromEntries(res.headers.entries())),
          body: res.body ? Readable.fromWeb(res.body as never) : Buffer.alloc(0),
          upstream: upstream.url,
        };
      } catch (err) {
        if (err instanceof OpenAI.APIError && typeof err.status === 'number')
          return {
            status: err.status,
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify({ error: err.error ?? { message: err.message } })),
            upstream: upstream.url,
          };
        return localError(
          502,
          'bad_gateway',
          `upstream ${upstream.url} unreachable: ${(err as Error).message}`,
          upstream.url,
        );
      }
    },
  };
}
