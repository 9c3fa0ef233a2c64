import Fastify, { type FastifyInstance } from 'fastify';
import type { Strategy } from './strategy.js';
import { StrategyContext } from './strategy.js';
import { endToEndHeaders, localError, type ProxyRequest, Upstream } from './upstream.js';

/**
 * The HTTP proxy every reference strategy runs in: takes any request (the DeepSeek API's
 * paths), hands it to the strategy, and sends back what it returns — streaming bodies as they
 * flow. Serves the strategy's own /metrics. A strategy that throws answers a DeepSeek-shaped 500.
 */
const STREAM = /"stream"\s*:\s*true/;

export function proxyServer(
  strategy: Strategy,
  upstreamUrls: readonly string[],
): {
  app: FastifyInstance;
  ctx: StrategyContext;
} {
  const upstreams = upstreamUrls.map((u) => new Upstream(u.replace(/\/+$/, '')));
  const ctx = new StrategyContext(strategy.name, upstreams);
  if (strategy.gauges) ctx.addGauges(strategy.gauges);
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  // Bodies go upstream untouched: the upstream judges them (and answers DeepSeek's 400/422).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addHook('onClose', async () => {
    await Promise.all(upstreams.map((u) => u.close()));
  });

  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', ctx.registry.contentType).send(await ctx.registry.metrics()),
  );
  app.all('/*', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : null;
    const req: ProxyRequest = {
      method: request.method,
      path: request.url,
      headers: endToEndHeaders(request.headers),
      body,
      stream: body !== null && STREAM.test(body.subarray(0, 4096).toString('utf8')),
    };
    ctx.inFlight.inc();
    let res: Awaited<ReturnType<Strategy['handle']>>;
    try {
      res = await strategy.handle(req, ctx);
    } catch (err) {
      res = localError(
        500,
        'strategy_failed',
        `Server Error: strategy ${strategy.name} failed: ${(err as Error).message}`,
      );
    }
    ctx.responses.inc({ status: String(res.status) });
    if (Buffer.isBuffer(res.body)) ctx.inFlight.dec();
    else res.body.once('close', () => ctx.inFlight.dec());
    return reply.code(res.status).headers(res.headers).send(res.body);
  });
  return { app, ctx };
}
