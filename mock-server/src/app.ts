import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { type ApiErrorStatus, apiError } from './api-error.js';
import type { Account } from './busy/accounts.js';
import { logFailure } from './log.js';
import type { MockNode } from './node.js';
import { accountInfoRoutes } from './routes/account-info.js';
import { adminRoutes } from './routes/admin.js';
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
    // Held connections and blackholes outlive Node's default request timeout on purpose.
    requestTimeout: 0,
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
    const header = req.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const account = key ? node.shared.accounts.find(key) : undefined;
    if (!account) {
      node.metrics?.request(endpointOf(req.routeOptions.url ?? req.url), 'unknown', 401, 'none');
      const message = key
        ? `Authentication Fails, Your api key: ****${key.slice(-4)} is invalid`
        : 'Authentication Fails (no api key provided)';
      reply.code(401).send(apiError(401, message).body);
      return;
    }
    req.account = account;
    req.apiKey = key;
    done();
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const answer = error.validation ? schemaErrorToApi(error.validation) : fromFastifyError(error);
    if (answer.status >= 500) logFailure(node, 'mock failed before serving', error);
    node.metrics?.request(
      endpointOf(req.routeOptions.url ?? req.url),
      'unknown',
      answer.status,
      req.account?.id ?? 'none',
    );
    return reply.code(answer.status).send(answer.body);
  });

  app.setNotFoundHandler((req, reply) => {
    node.metrics?.request('other', 'unknown', 404, 'none');
    return reply.code(404).send(apiError(404, `Not Found: ${req.method} ${req.url.split('?')[0]}`).body);
  });

  app.get('/health', async () => ({ status: 'ok', node: node.name }));
  app.get('/metrics', async (_req, reply) => {
    if (!node.metrics) return reply.code(404).send({ error: 'metrics are disabled in the config' });
    return reply
      .header('content-type', node.metrics.registry.contentType)
      .send(await node.metrics.registry.metrics());
  });
  completionRoutes(app, node);
  accountInfoRoutes(app, node);
  if (node.config.admin.enabled) adminRoutes(app, node);
  return app;
}

/** "/v1/chat/completions" and "/chat/completions" are one endpoint, for low-cardinality labels. */
export function endpointOf(url: string): string {
  const path = url.split('?')[0] ?? url;
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

function fromFastifyError(error: FastifyError) {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError(413, `Request body is too large: ${error.message}`);
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
