import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findBinary } from '../../common/find-binary.js';
import { spawnOwned } from '../../common/owned-child.js';
import { packageRoot } from '../../common/paths.js';
import { StrategyError, StrategyErrorCodes } from './errors.js';
import type { Options } from './options.js';

/**
 * A real strategy nobody here wrote: Debian's nginx with the upstream block DeepSeek operations
 * guides publish (`least_conn`, `max_fails`/`fail_timeout`, `proxy_next_upstream error timeout
 * http_502 http_503 http_504`, `keepalive`). As written there it never fails a POST over to
 * another node — nginx retries non-idempotent requests only with `non_idempotent` — so
 * `nonIdempotent=1` adds it, to measure the difference.
 */
export const NGINX_TEMPLATE = join(packageRoot(), 'strategies', 'nginx', 'nginx.conf.template');

export interface NginxConfig {
  readonly listen: string;
  readonly upstreams: readonly string[];
  readonly prefix: string;
  readonly maxFails: number;
  readonly failTimeoutS: number;
  readonly nonIdempotent: boolean;
  /** nginx's balancing: the guides' `least_conn`, or its default weighted round robin. */
  readonly algorithm: 'least_conn' | 'round-robin';
  /** `weight=` of each server, in the order of the upstreams (the balancer's `weights=3,1`). */
  readonly weights: readonly number[];
}

export function nginxConfig(c: NginxConfig): string {
  const servers = c.upstreams
    .map((u, i) => {
      const weight = c.weights[i] ?? 1;
      return `    server ${new URL(u).host}${weight === 1 ? '' : ` weight=${weight}`} max_fails=${c.maxFails} fail_timeout=${c.failTimeoutS}s;`;
    })
    .join('\n');
  const next = `error timeout http_502 http_503 http_504${c.nonIdempotent ? ' non_idempotent' : ''}`;
  return readFileSync(NGINX_TEMPLATE, 'utf8')
    .replaceAll('{{PREFIX}}', c.prefix)
    .replace('{{BALANCE}}', c.algorithm === 'least_conn' ? '    least_conn;\n' : '')
    .replace('{{SERVERS}}', servers)
    .replace('{{LISTEN}}', c.listen)
    .replace('{{NEXT_UPSTREAM}}', next);
}

export function nginxOptions(o: Options) {
  const weights = o.list('weights', []);
  // Whole numbers only: they are written into nginx's config as they are.
  for (const w of weights)
    if (!/^\d{1,3}$/.test(w) || Number(w) < 1)
      o.problems.push(`weights: "${w}" must be a whole number from 1 to 999`);
  return {
    maxFails: o.number('maxFails', 3, 0),
    failTimeoutS: o.number('failTimeoutS', 10, 1),
    nonIdempotent: o.number('nonIdempotent', 0, 0, 1) === 1,
    algorithm: o.choice('algorithm', 'least_conn', ['least_conn', 'round-robin'] as const),
    weights: weights.map(Number),
  };
}

/** Writes the config, checks it with `nginx -t`, starts nginx, and resolves once it answers. */
export async function startNginx(
  options: ReturnType<typeof nginxOptions>,
  upstreams: readonly string[],
  port: number,
  dir: string,
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  if (options.weights.length > 0 && options.weights.length !== upstreams.length)
    throw new StrategyError(StrategyErrorCodes.BAD_OPTIONS, `bad options for strategy nginx`, [
      `weights: ${options.weights.length} given for ${upstreams.length} upstreams; one each, in their order`,
    ]);
  const nginx = findBinary('nginx');
  if (!nginx)
    throw new StrategyError(StrategyErrorCodes.NGINX, 'nginx is not installed: apt-get install nginx');
  const prefix = resolve(dir);
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ ...options, upstreams, prefix, listen: `127.0.0.1:${port}` }));
  const test = spawnSync(nginx, ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
  if (test.status !== 0)
    throw new StrategyError(StrategyErrorCodes.NGINX, `nginx -t rejected ${conf}: ${test.stderr.trim()}`);
  const child = spawnOwned(nginx, ['-p', prefix, '-c', conf], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      await fetch(`${url}/models`, { signal: AbortSignal.timeout(500) });
      break;
    } catch {
      if (Date.now() > until || child.exitCode !== null)
        throw new StrategyError(
          StrategyErrorCodes.NGINX,
          `nginx did not start; see ${join(prefix, 'error.log')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      // Graceful: idle keep-alive connections close, answers under way may finish...
      child.kill('SIGQUIT');
      // ...for 2 s: a graceful nginx waits for an LLM answer as long as it takes.
      const fast = setTimeout(() => child.kill('SIGTERM'), 2_000);
      // The whole group: a SIGKILL of the master alone leaves its workers serving.
      const kill = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 4_500);
      await exited;
      clearTimeout(fast);
      clearTimeout(kill);
    },
  };
}
