import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { FASTIFY_TIMEOUTS } from '../../common/listener-timeouts.js';
import { type ApiError, type ApiErrorStatus, anthropicErrorText, apiError } from './api-error.js';
import type { Account } from './busy/accounts.js';
import { logFailure } from './log.js';
import type { MockNode } from './node.js';
import { accountInfoRoutes } from './routes/account-info.js';
import { adminRoutes } from './routes/admin.js';
import { anthropicRoutes } from './routes/anthropic-messages.js';
import { completionRoutes } from './routes/completions.js';
import { schemaErrorToApi } from './schemas/schema-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
    apiKey: string;
  }
}

/** The API paths that need a key; /metrics and /admin do not. */
const PUBLIC_PREFIXES = ['/metrics', '/admin', '/health'];

/**
 * One node's HTTP app. Tests load it with `inject()`; server.ts listens. Every answer on the API
 * paths, errors included, is DeepSeek-shaped.
 */
export function buildApp(node: MockNode): FastifyInstance {
  const { server } = node.config;
  const app = Fastify({
    // Fastify's logger makes a child logger per request; only the verbose levels are worth that.
    // At the quiet levels the mock's own failures go through logFailure() below.
    logger: server.logLevel === 'info' || server.logLevel === 'debug' ? { level: server.logLevel } : false,
    // Per-request log lines would cost more than the whole mock's work per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: server.bodyLimitBytes,
    // A client has so long to send its request; held connections and blackholes are answers,
    // which no timeout bounds (common/listener-timeouts.ts).
    ...FASTIFY_TIMEOUTS,
    keepAliveTimeout: 65_000,
    forceCloseConnections: true,
    return503OnClosing: true,
    // serde accepts no "5" for 5 and keeps unknown fields out of the way: so do we.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
  });
  app.decorateRequest('account', null);
  app.decorateRequest('apiKey', '');

  // Callback style, not async: this hook runs on every request, and a promise each is measurable.
  app.addHook('onRequest', (req, reply, done) => {
    if (PUBLIC_PREFIXES.some((p) => req.url.startsWith(p))) return done();
    const key = apiKeyOf(req.headers, req.url);
    const account = key ? node.shared.accounts.find(key) : undefined;
    if (!account) {
      node.metrics?.request(endpointOf(req.routeOptions.url ?? req.url), 'unknown', 401, 'none');
      const message = key
        ? `Authentication Fails, Your api key: ****${key.slice(-4)} is invalid`
        : 'Authentication Fails (no api key provided)';
      sendApiError(reply, req.url, apiError(401, message));
      return;
    }
    req.account = account;
    req.apiKey = key;
    done();
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const answer = error.validation
      ? schemaErrorToApi(error.validation)
      : fromFastifyError(error, server.bodyLimitBytes);
    if (answer.status >= 500) logFailure(node, 'mock failed before serving', error);
    node.metrics?.request(
      endpointOf(req.routeOptions.url ?? req.url),
      'unknown',
      answer.status,
      req.account?.id ?? 'none',
    );
    return sendApiError(reply, req.url, answer);
  });

  app.setNotFoundHandler((req, reply) => {
    node.metrics?.request('other', 'unknown', 404, 'none');
    return sendApiError(reply, req.url, apiError(404, `Not Found: ${req.method} ${req.url.split('?')[0]}`));
  });

  app.get('/health', async () => ({ status: 'ok', node: node.name }));
  app.get('/metrics', async (_req, reply) => {
    if (!node.metrics) return reply.code(404).send({ error: 'metrics are disabled in the config' });
    return reply
      .header('content-type', node.metrics.registry.contentType)
      .send(await node.metrics.registry.metrics());
  });
  refuseOversizedBeforeContinue(app, node);
  completionRoutes(app, node);
  anthropicRoutes(app, node);
  accountInfoRoutes(app, node);
  if (node.config.admin.enabled) adminRoutes(app, node);
  return app;
}

const isAnthropic = (url: string) => url.startsWith('/anthropic/');

/**
 * The key a request carries: `Authorization: Bearer` everywhere; on /anthropic also
 * `x-api-key` (what the Anthropic SDK sends), Authorization first when both are there.
 */
function apiKeyOf(headers: IncomingHttpHeaders, url: string): string {
  const header = headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (bearer || !isAnthropic(url)) return bearer;
  const xApiKey = headers['x-api-key'];
  return typeof xApiKey === 'string' ? xApiKey.trim() : '';
}

/** An error in the shape of the route asked: DeepSeek's own, or the Messages API's. */
const errorText = (url: string, error: ApiError) =>
  isAnthropic(url) ? anthropicErrorText(error) : JSON.stringify(error.body);

function sendApiError(reply: FastifyReply, url: string, error: ApiError) {
  return reply.code(error.status).header('content-type', 'application/json').send(errorText(url, error));
}

const bodyTooLarge = (limit: number) =>
  apiError(413, `Request body is too large: the limit is ${limit} bytes`);

/**
 * A client that sends `Expect: 100-continue` waits for our word before sending its body. Node
 * says "100 Continue" to everyone unless told otherwise, and then a body over the limit was cut
 * off with the connection. A declared length over the limit gets its 413 first, instead, and
 * the connection closes without the body ever being sent.
 */
function refuseOversizedBeforeContinue(app: FastifyInstance, node: MockNode): void {
  const limit = node.config.server.bodyLimitBytes;
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      const path = (req.url ?? '/').split('?')[0] as string;
      const known = app.hasRoute({ method: (req.method ?? 'POST') as 'POST', url: path });
      node.metrics?.request(known ? endpointOf(path) : 'other', 'unknown', 413, 'none');
      const text = errorText(path, bodyTooLarge(limit));
      res.writeHead(413, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
        connection: 'close',
      });
      res.end(text);
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });
}

/** "/v1/chat/completions" and "/chat/completions" are one endpoint, for low-cardinality labels. */
export function endpointOf(url: string): string {
  const path = url.split('?')[0] ?? url;
  if (path === '/anthropic/messages') return '/anthropic/v1/messages';
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

function fromFastifyError(error: FastifyError, limit: number) {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge(limit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError(415, 'Invalid request: Content-Type must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiError(400, 'Failed to parse the request body as JSON: the body is empty');
  }
  const status = error.statusCode ?? 500;
  if (status === 400 || error instanceof SyntaxError) {
    return apiError(400, `Failed to parse the request body as JSON: ${error.message}`);
  }
  if (status > 400 && status < 500) return apiError(status as ApiErrorStatus, error.message);
  return apiError(500);
}
