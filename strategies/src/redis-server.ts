import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../../common/find-binary.js';
import { freePort } from '../../common/free-port.js';
import { spawnOwned } from '../../common/owned-child.js';
import { StrategyError, StrategyErrorCodes } from './errors.js';

/**
 * Debian's redis-server as a child of ours, for a cache nobody gave a Redis to: loopback only,
 * nothing written to disk (`--save ''`, `--appendonly no`: a cache that outlived the run would
 * answer the next run from the last one), in a temp dir removed at stop.
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startRedisServer(
  o: { port?: number; binary?: string | null } = {},
): Promise<RedisServer> {
  const { binary = findBinary('redis-server') } = o;
  if (!binary || !existsSync(binary))
    throw new StrategyError(
      StrategyErrorCodes.REDIS,
      `redis-server is not installed${binary ? ` (no ${binary})` : ''}: apt-get install redis-server, or give the cache a Redis with -o redisUrl=redis://host:6379`,
    );
  const port = o.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'busybench-redis-'));
  const log = join(dir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--logfile', log, '--daemonize', 'no');
  const child = spawnOwned(binary, args, { stdio: 'ignore' });
  let spawnError: Error | null = null;
  child.once('error', (err) => {
    spawnError = err;
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null || spawnError !== null;

  const stop = async (): Promise<void> => {
    if (!gone()) {
      child.kill('SIGTERM');
      // A stopped (SIGSTOP) or stuck server does not act on SIGTERM.
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const until = Date.now() + 10_000;
  while (!(await pong(port))) {
    if (gone() || Date.now() > until) {
      const why = spawnError ? (spawnError as Error).message : tail(log);
      await stop();
      throw new StrategyError(
        StrategyErrorCodes.REDIS,
        `redis-server did not start on 127.0.0.1:${port}: ${why}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, child, stop };
}

/** Whether a Redis answers PING on the port (raw RESP: no client to set up and tear down). */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      got += d.toString();
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ') || 'no log';
  } catch {
    return 'no log';
  }
}
