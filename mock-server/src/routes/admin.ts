import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { bearerMatches, readTokenFile } from '../../../common/bearer-token.js';
import { loadBuiltinScenario, parseScenario } from '../busy/scenario.js';
import { validateConfig } from '../config/load.js';
import { deepMerge, isPlainObject } from '../config/merge.js';
import type { MockConfig } from '../config/schema.js';
import { MockError, type MockErrorCode, MockErrorCodes } from '../errors.js';
import type { MockNode } from '../node.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/**
 * Parts of the config fixed for the life of the process (ports, shared accounts, metrics, who
 * may use this API: a client could otherwise open it to the network).
 */
const FIXED: ReadonlyArray<keyof MockConfig> = ['server', 'accounts', 'auth', 'metrics', 'seed', 'admin'];

/**
 * Runtime control of one node: read or replace its config, play or stop a scenario, reset
 * counters, read its state. Loopback clients only, unless admin.allowRemote is set: then a remote
 * client must send admin.tokenFile's token as a bearer (read once, here, at start-up).
 */
export function adminRoutes(app: FastifyInstance, node: MockNode): void {
  const { allowRemote, tokenFile } = node.config.admin;
  const token = allowRemote && tokenFile !== undefined ? readTokenFile(tokenFile, 'admin.tokenFile') : null;
  app.register(async (admin) => {
    admin.addHook('onRequest', async (req, reply) => {
      if (LOOPBACK.has(req.socket.remoteAddress ?? '')) return;
      if (token === null)
        return reply
          .code(403)
          .send(adminError(MockErrorCodes.ADMIN_FORBIDDEN, 'the admin API answers loopback clients only'));
      if (!bearerMatches(req.headers.authorization, token))
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="busybench-mock-admin"')
          .send(
            adminError(
              MockErrorCodes.ADMIN_UNAUTHORIZED,
              'a remote admin client sends the token: Authorization: Bearer <the admin token file>',
            ),
          );
    });

    admin.get('/admin/config', async () => node.config);
    admin.put('/admin/config', async (req, reply) => replace(node, req.body, reply, false));
    admin.patch('/admin/config', async (req, reply) => replace(node, req.body, reply, true));

    admin.get('/admin/scenario', async () => node.timeline.status());
    admin.post('/admin/scenario', async (req, reply) => {
      const body = (isPlainObject(req.body) ? req.body : {}) as {
        name?: unknown;
        scenario?: unknown;
        speed?: unknown;
        loop?: unknown;
      };
      try {
        const base = node.timeline.baseBehaviour;
        const scenario =
          typeof body.name === 'string'
            ? loadBuiltinScenario(body.name, base)
            : parseScenario(body.scenario, base, 'request body');
        const speed = typeof body.speed === 'number' && body.speed > 0 ? body.speed : 1;
        node.timeline.start(scenario, { speed, loop: body.loop === true });
        return node.timeline.status();
      } catch (err) {
        return fail(reply, err);
      }
    });
    admin.delete('/admin/scenario', async () => {
      node.timeline.stop();
      return node.timeline.status();
    });

    admin.post('/admin/reset', async () => {
      node.reset();
      node.shared.accounts.reset();
      node.shared.rateLimiter.reset();
      node.shared.promptCache.clear();
      return { reset: true };
    });

    admin.get('/admin/state', async () => ({
      node: node.name,
      inFlight: node.capacity.inFlight,
      maxInFlight: node.capacity.maxInFlight,
      queued: node.capacity.queue.size,
      held: node.capacity.held.size,
      scenario: node.timeline.status(),
      accounts: node.shared.accounts.accounts.map((a) => ({
        id: a.id,
        balance: a.balance,
        inFlight: a.inFlight,
      })),
    }));

    admin.post('/admin/accounts/:id/balance', async (req, reply) => {
      const account = node.shared.accounts.accounts.find((a) => a.id === (req.params as { id: string }).id);
      const balance = (req.body as { balance?: unknown } | null)?.balance;
      if (!account)
        return reply.code(404).send(adminError(MockErrorCodes.ADMIN_NOT_FOUND, 'no such account'));
      if (typeof balance !== 'number' || !Number.isFinite(balance)) {
        return reply
          .code(400)
          .send(adminError(MockErrorCodes.CONFIG_INVALID, 'body must be {"balance": <number>}'));
      }
      account.balance = balance;
      return { id: account.id, balance };
    });
  });
}

function replace(node: MockNode, body: unknown, reply: FastifyReply, merge: boolean) {
  try {
    const next = validateConfig(
      merge ? deepMerge(node.config, body) : { ...node.config, ...(isPlainObject(body) ? body : {}) },
    );
    const changed = FIXED.filter((k) => !isDeepStrictEqual(next[k], node.config[k]));
    if (changed.length > 0) {
      return reply
        .code(400)
        .send(
          adminError(
            MockErrorCodes.CONFIG_FIXED,
            `${changed.join(', ')} cannot change while running; restart the mock`,
          ),
        );
    }
    node.replaceConfig(next);
    return next;
  } catch (err) {
    return fail(reply, err);
  }
}

function fail(reply: FastifyReply, err: unknown) {
  if (err instanceof MockError) return reply.code(400).send(adminError(err.code, err.message, err.problems));
  throw err;
}

function adminError(code: MockErrorCode, message: string, problems: readonly string[] = []) {
  return { error: { code, message, problems } };
}
