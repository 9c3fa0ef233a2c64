import { createServer } from 'node:net';

/**
 * A port free on loopback now, for servers that must be told their port in advance (Prometheus,
 * Alertmanager, nginx). Another process could take it before it is used; on this machine, where
 * busybench starts everything itself, that race is theoretical.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
  });
}
