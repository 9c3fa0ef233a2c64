/**
 * The frame's floor: the thinnest proxy Node can be, node:http in front of undici's raw dispatch
 * (the same two libraries as our frame), round robin over the nodes, no strategy, no metrics, no
 * checks. What our frame costs beyond this is our own layers; what this costs beyond nginx is
 * Node's. A non-streaming answer is read whole and written in one go with its length (as our
 * frame does); an SSE answer is written chunk by chunk as it comes.
 * Usage: node plain-node-proxy.js <port> <upstream-url,...>
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const [port = '0', list = ''] = process.argv.slice(2);
const pools = list
  .split(',')
  .map((u) => new Pool(u, { connections: 512, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 }));
const HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'host',
  'content-length',
  'expect',
  'te',
  'trailer',
  'upgrade',
]);
let turn = 0;

const server = createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!HOP.has(name)) headers[name] = raw[i + 1] as string;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const pool = pools[turn++ % pools.length] as Pool;
    let status = 0;
    let out: string[] = [];
    let streaming = false;
    const parts: Buffer[] = [];
    pool.dispatch(
      {
        method: req.method as 'POST',
        path: req.url ?? '/',
        headers,
        body: body.length > 0 ? body : undefined,
      },
      {
        onConnect() {},
        onHeaders(s, rawHeaders) {
          status = s;
          out = [];
          for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
            const name = (rawHeaders[i] as Buffer).toString('latin1').toLowerCase();
            const value = (rawHeaders[i + 1] as Buffer).toString('latin1');
            if (name === 'content-type' && value.startsWith('text/event-stream')) streaming = true;
            if (!HOP.has(name)) out.push(name, value);
          }
          if (streaming) res.writeHead(status, out);
          return true;
        },
        onData(chunk) {
          if (streaming) res.write(chunk);
          else parts.push(chunk);
          return true;
        },
        onComplete() {
          if (streaming) {
            res.end();
            return;
          }
          const answer = Buffer.concat(parts);
          res.writeHead(status, [...out, 'content-length', String(answer.length)]);
          res.end(answer);
        },
        onError() {
          if (res.headersSent) res.destroy();
          else res.writeHead(502).end();
        },
      },
    );
  });
});
server.listen(Number(port), '127.0.0.1', 4096, () => {
  process.stdout.write(
    `plain node proxy listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`,
  );
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void Promise.all(pools.map((p) => p.destroy())).then(() => process.exit(0));
});
