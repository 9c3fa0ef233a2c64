import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { AccountRegistry } from './busy/accounts.js';
import { RateLimiter } from './busy/rate-limiter.js';
import type { MockConfig } from './config/schema.js';
import { MockError, MockErrorCodes } from './errors.js';
import { PromptCache } from './generation/prompt-cache.js';
import { MockNode, type SharedState } from './node.js';

export interface RunningNode {
  readonly node: MockNode;
  readonly app: FastifyInstance;
  readonly url: string;
}

export interface Cluster {
  readonly nodes: readonly RunningNode[];
  close(): Promise<void>;
}

/**
 * Starts `server.nodes` mock nodes on consecutive ports (port 0: each on a free port), sharing
 * accounts, rate limits and the prompt cache as one DeepSeek account would. Scenarios start once
 * every node listens, so their clocks agree.
 */
export async function startCluster(config: MockConfig): Promise<Cluster> {
  const shared: SharedState = {
    accounts: new AccountRegistry(config.accounts, config.auth.allowUnknownKeys),
    rateLimiter: new RateLimiter(),
    promptCache: new PromptCache(),
  };
  const running: RunningNode[] = [];
  const close = async () => {
    await Promise.all(
      running.map(({ node, app }) => {
        node.timeline.stop(false);
        return app.close();
      }),
    );
  };
  try {
    for (let i = 0; i < config.server.nodes; i++) {
      const node = new MockNode(i, config, shared);
      const app = buildApp(node);
      const port = config.server.port === 0 ? 0 : config.server.port + i;
      const address = await listen(app, config.server.host, port);
      running.push({ node, app, url: address });
    }
    for (const { node } of running) node.startConfiguredScenario();
  } catch (err) {
    await close();
    throw err;
  }
  return { nodes: running, close };
}

/**
 * Connections waiting to be accepted. Node's default (511) overflowed under a trace's bursts
 * (hundreds of new connections within a millisecond at 2 800 req/s): clients read resets the
 * API itself would not have sent. The kernel caps it at net.core.somaxconn (4 096 here).
 */
const LISTEN_BACKLOG = 4096;

async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    await app.listen({ host, port, backlog: LISTEN_BACKLOG });
  } catch (err) {
    await app.close();
    const reason =
      (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is in use' : (err as Error).message;
    throw new MockError(MockErrorCodes.LISTEN_FAILED, `cannot listen on ${host}:${port}: ${reason}`);
  }
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${actual}`;
}
