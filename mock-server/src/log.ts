import type { MockNode } from './node.js';

/**
 * A failure of the mock itself (a bug, never a client's bad input): one JSON line on stderr,
 * at every log level but "silent".
 */
export function logFailure(node: MockNode, msg: string, err: unknown): void {
  if (node.config.server.logLevel === 'silent') return;
  const e = err as Error;
  process.stderr.write(
    `${JSON.stringify({ level: 'error', node: node.name, msg, err: { message: e?.message, stack: e?.stack } })}\n`,
  );
}
