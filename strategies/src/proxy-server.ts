import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LISTENER_TIMEOUTS } from '../../common/listener-timeouts.js';
import { FrameCost } from './frame-cost.js';
import type { Strategy } from './strategy.js';
import { StrategyContext } from './strategy.js';
import { asksForStream } from './stream-request.js';
import { dropTestHeaders, refusedTarget } from './test-controls.js';
import {
  ClientWatch,
  endToEndHeaders,
  localError,
  type ProxyRequest,
  Upstream,
  type UpstreamResponse,
} from './upstream.js';

/** Bodies past this are refused (413) before the strategy sees them, as the API refuses them. */
const BODY_LIMIT = 16 * 1024 * 1024;
/**
 * Longer than any client's idle timeout we know of (Go 90 s is the exception, and it retries an
 * idle connection the server closed): a server that closes first races the client's next request.
 */
const KEEP_ALIVE_MS = 75_000;

export interface ProxyOptions {
  /**
   * Forward the mock's test controls: its admin API (`/admin/...`) and the per-request fault
   * headers (`x-busybench-error`, `x-busybench-fault`). Off by default: the mock trusts its
   * loopback clients, and the proxy is one, so without this anyone who reaches the proxy could
   * reconfigure the mock or force its faults (test-controls.ts).
   */
  readonly testControls?: boolean;
}

export interface ProxyApp {
  readonly server: Server;
  /** Listens; resolves to the proxy's base URL. Starts the strategy's own parts first. */
  listen(o: { host?: string; port?: number }): Promise<string>;
  /**
   * Stops taking requests, closes idle keep-alive connections at once, lets answers under way
   * finish for at most `deadlineMs`, then closes whatever is left: resolves within the deadline
   * (plus the strategy's own close) whatever clients keep open.
   */
  close(deadlineMs?: number): Promise<void>;
}

/**
 * The HTTP proxy every reference strategy runs in: takes any request (the DeepSeek API's
 * paths), hands it to the strategy, and sends back what it returns — streaming bodies as they
 * flow. Serves the strategy's own /metrics. A strategy that throws answers a DeepSeek-shaped 500.
 *
 * Plain `node:http`, not fastify: a proxy routes nothing, and at thousands of requests a second
 * every layer between the socket and the strategy is the frame measuring itself (the numbers
 * that chose this are in strategies/README.md, Performance).
 */
export function proxyServer(
  strategy: Strategy,
  upstreamUrls: readonly string[],
  o: ProxyOptions = {},
): { app: ProxyApp; ctx: StrategyContext } {
  const upstreams = upstreamUrls.map((u) => new Upstream(u.replace(/\/+$/, '')));
  const ctx = new StrategyContext(strategy.name, upstreams);
  if (strategy.gauges) ctx.addGauges(strategy.gauges);
  ctx.addQueueGauge(strategy.queueLength ?? (() => 0));
  // What the frame itself costs a request (frame-cost.ts): `busybench run` says it beside the figures.
  const cost = new FrameCost();
  cost.register(ctx.registry);
  let closing = false;

  const handle = async (
    method: string,
    url: string,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer | null,
  ) => {
    const headers = endToEndHeaders(req.headers);
    if (!o.testControls) dropTestHeaders(headers);
    const client = new ClientWatch();
    // A client that hangs up before its answer is written stops what its request has upstream.
    res.once('close', () => {
      if (!res.writableFinished) client.hungUp();
    });
    const request: ProxyRequest = {
      method,
      path: url,
      headers,
      body,
      // An answer that streams is forwarded as a stream whatever this says.
      stream: body !== null && asksForStream(body),
      caller: headers.authorization ?? headers['x-api-key'] ?? '',
      client,
    };
    try {
      return await strategy.handle(request, ctx);
    } catch (err) {
      return localError(
        500,
        'strategy_failed',
        `Server Error: strategy ${strategy.name} failed: ${(err as Error).message}`,
      );
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    if (method === 'GET' && url === '/metrics') {
      ctx.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': ctx.registry.contentType });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${err.message}\n`);
        },
      );
      return;
    }
    const refused = o.testControls ? null : refusedTarget(url);
    if (refused) {
      refuse(req, res, refused);
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) {
      tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
      else if (!res.headersSent) tooLarge(req, res);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > BODY_LIMIT) return;
      // Counted once the request is whole: one whose client broke off mid-body never reaches here.
      ctx.inFlight++;
      const body =
        size === 0 ? null : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      // The synchronous handling: up to the handler's first yield (the strategy's synchronous
      // code, and its dispatch when nothing waits before it), then from its answer to the
      // answer written (a stream: its head).
      const bodyAt = performance.now();
      const answered = handle(method, url, req, res, body);
      const waitAt = performance.now();
      answered
        .then((answer) => {
          const backAt = performance.now();
          respond(res, answer);
          cost.record(waitAt - bodyAt + (performance.now() - backAt));
        })
        // An answer that cannot be written (a header value a strategy made up): cut, not a crash.
        .catch(() => res.destroy());
    });
  };

  /** Answers a request the proxy does not forward, without reading its body, and hangs up after. */
  const refuse = (req: IncomingMessage, res: ServerResponse, answer: UpstreamResponse): void => {
    ctx.responded(answer.status);
    const body = answer.body as Buffer;
    res.shouldKeepAlive = false;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
    res.end(body, () => req.destroy());
  };

  /** Refuses a body over the limit at once, without reading the rest of it, and hangs up after. */
  const tooLarge = (req: IncomingMessage, res: ServerResponse): void =>
    refuse(
      req,
      res,
      localError(413, 'body_too_large', `Request body is too large: the limit is ${BODY_LIMIT} bytes`),
    );

  /** Sends an answer: a buffer in one write, a flowing body chunk by chunk as it comes. */
  const respond = (res: ServerResponse, answer: UpstreamResponse): void => {
    ctx.responded(answer.status);
    // While shutting down, each answer closes its connection: nothing new rides on it.
    if (closing) res.shouldKeepAlive = false;
    const body = answer.body;
    if (Buffer.isBuffer(body)) {
      ctx.inFlight--;
      if (answer.cut) {
        // The node's own length stays: the client sees fewer bytes than announced, then the cut.
        res.writeHead(answer.status, answer.headers);
        res.write(body);
        res.destroy();
        return;
      }
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      ctx.inFlight--;
    };
    // A client that left while the strategy worked: its 'close' has passed already, so the
    // stream is closed here (it would otherwise stall its upstream connection, paused forever).
    if (res.destroyed || res.req.socket.destroyed) {
      body.on('error', () => {});
      body.destroy();
      finish();
      return;
    }
    res.writeHead(answer.status, answer.headers);
    body.on('data', (chunk: Buffer) => {
      if (!res.write(chunk)) body.pause();
    });
    res.on('drain', () => body.resume());
    body.once('end', () => {
      res.end();
      finish();
    });
    // An upstream body that broke off is cut for the client too, never ended as if whole.
    body.once('error', () => {
      res.destroy();
      finish();
    });
    res.once('close', () => {
      if (!body.readableEnded) body.destroy();
      finish();
    });
  };

  // A client has so long to send its request (never a deadline on the answer).
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS, ...LISTENER_TIMEOUTS }, onRequest);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  /** The one shutdown: a second close() waits for the first, never returns before it. */
  let closed: Promise<void> | undefined;
  const app: ProxyApp = {
    server,
    async listen({ host = '127.0.0.1', port = 0 }) {
      await strategy.start?.(ctx);
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          // A trace's bursts open hundreds of connections at once: Node's default backlog (511)
          // overflowed and clients read resets (the mock's listener takes the same 4 096).
          server.listen(port, host, 4096, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        // A port in use: what the strategy started (a redis-server) stops with the failure.
        await strategy.close?.();
        throw err;
      }
      const address = server.address() as AddressInfo;
      return `http://${address.address}:${address.port}`;
    },
    close(deadlineMs = 3_000) {
      closed ??= shutDown(deadlineMs);
      return closed;
    },
  };

  const shutDown = async (deadlineMs: number): Promise<void> => {
    closing = true;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // An answer whose head went out before the shutdown began leaves its connection idle, still
    // keep-alive, when it ends: swept every 100 ms (a listener per answer would cost every request).
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
    await Promise.race([drained, deadline]);
    clearInterval(sweep);
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await Promise.all(upstreams.map((u) => u.destroy()));
    await strategy.close?.();
    cost.close();
  };
  return { app, ctx };
}
