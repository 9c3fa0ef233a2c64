/**
 * The benchmark's baseline: a plain fastify route answering the same JSON the mock answers, with
 * fastify's defaults. Whatever the mock costs beyond this is the price of being a faithful mock.
 * Usage: node plain-fastify-server.js <port> <response.json>
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port = '0', file = ''] = process.argv.slice(2);
const body = JSON.parse(readFileSync(file, 'utf8')) as object;
const app = Fastify({ logger: false });
app.post('/chat/completions', async () => body);
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write(`plain fastify listening on ${port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
