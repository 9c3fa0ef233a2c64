import { type ChildProcess, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findBinary } from '../../common/find-binary.js';
import { freePort } from '../../common/free-port.js';
import { spawnOwned } from '../../common/owned-child.js';
import { packageRoot } from '../../common/paths.js';
import { StrategyError, StrategyErrorCodes } from './errors.js';
import type { Options } from './options.js';

/**
 * The HAProxy sibling of the nginx strategy: Debian's HAProxy 2.6 with the upstream of DeepSeek
 * operations guides (leastconn, health checks, `retry-on` with `option redispatch`, POSTs
 * replayed from a buffered body) and their four-level priority queue on `x-priority`
 * (`haproxy/haproxy.cfg.template` says how each class is served).
 */
export const HAPROXY_TEMPLATE = join(packageRoot(), 'strategies', 'haproxy', 'haproxy.cfg.template');

/** A soft stop lets answers under way finish for this long; then HAProxy closes them itself. */
const HARD_STOP_MS = 2_000;
/** Past the hard stop, whatever is left of the process group is killed. */
const KILL_AFTER_MS = 4_500;

export type HealthCheck = 'health' | 'models' | 'off';

export interface HaproxyOptions {
  readonly retries: number;
  /** Requests a node takes at once from the proxy, all classes together. */
  readonly maxconn: number;
  /** Of those, per node: P0's reserve, P1's own share, and what everyone shares. */
  readonly urgentSlots: number;
  readonly interactiveSlots: number;
  readonly sharedSlots: number;
  readonly queueTimeoutMs: number;
  readonly interactiveWaitMs: number;
  readonly check: HealthCheck;
  readonly checkIntervalMs: number;
  readonly bufferKb: number;
}

export function haproxyOptions(o: Options): HaproxyOptions {
  const integer = (key: string, v: number) => {
    if (!Number.isInteger(v)) o.problems.push(`${key}="${v}" must be a whole number`);
    return v;
  };
  const retries = integer('retries', o.number('retries', 3, 0, 10));
  const maxconn = integer('maxconn', o.number('maxconn', 12, 3, 10_000));
  const reserve = o.number('reserve', 0.2, 0.01, 0.9);
  const interactive = o.number('interactive', 0.1, 0.01, 0.9);
  // Each class of its own keeps at least one slot a node, or it would have none.
  const urgentSlots = Math.max(1, Math.round(maxconn * reserve));
  const interactiveSlots = Math.max(1, Math.round(maxconn * interactive));
  const sharedSlots = maxconn - urgentSlots - interactiveSlots;
  if (sharedSlots < 1)
    o.problems.push(
      `maxconn=${maxconn} with reserve=${reserve} and interactive=${interactive} leaves no shared slot ` +
        `(${urgentSlots} + ${interactiveSlots} of ${maxconn} a node)`,
    );
  return {
    retries,
    maxconn,
    urgentSlots,
    interactiveSlots,
    sharedSlots,
    queueTimeoutMs: integer('queueTimeoutMs', o.number('queueTimeoutMs', 30_000, 1, 600_000)),
    interactiveWaitMs: integer('interactiveWaitMs', o.number('interactiveWaitMs', 500, 1, 60_000)),
    check: o.choice<HealthCheck>('check', 'health', ['health', 'models', 'off']),
    checkIntervalMs: integer('checkIntervalMs', o.number('checkIntervalMs', 2_000, 100, 60_000)),
    bufferKb: integer('bufferKb', o.number('bufferKb', 64, 16, 1_024)),
  };
}

export interface HaproxyConfig extends HaproxyOptions {
  readonly listen: string;
  readonly statsListen: string;
  readonly upstreams: readonly string[];
}

/** The health check lines of the shared backend (the others track its servers). */
function checkLines(c: HaproxyConfig): string {
  switch (c.check) {
    case 'health':
      // The mock's /health needs no key and is not counted in its ground truth.
      return '  option httpchk GET /health\n  http-check expect status 200';
    case 'models':
      // Without a key the real API answers 401: any answer short of a 5xx proves the node up.
      return '  option httpchk GET /models\n  http-check expect rstatus ^[1-4]';
    case 'off':
      return '';
  }
}

export function haproxyConfig(c: HaproxyConfig): string {
  const servers = (slots: number, tracked: boolean) =>
    c.upstreams
      .map((u, i) => {
        const health =
          c.check === 'off'
            ? ''
            : tracked
              ? ` track shared/node${i}`
              : ` check inter ${c.checkIntervalMs} fall 3 rise 2`;
        return `  server node${i} ${new URL(u).host} maxconn ${slots}${health}`;
      })
      .join('\n');
  return readFileSync(HAPROXY_TEMPLATE, 'utf8')
    .replaceAll('{{MAXCONN}}', String(c.maxconn))
    .replaceAll('{{SHARED}}', String(c.sharedSlots))
    .replaceAll('{{URGENT}}', String(c.urgentSlots))
    .replaceAll('{{INTERACTIVE}}', String(c.interactiveSlots))
    .replaceAll('{{QUEUE_TIMEOUT}}', `${c.queueTimeoutMs}ms`)
    .replaceAll('{{INTERACTIVE_WAIT}}', `${c.interactiveWaitMs}ms`)
    .replace('{{BUFSIZE}}', String(c.bufferKb * 1024))
    .replace('{{HARD_STOP}}', `${HARD_STOP_MS}ms`)
    .replace('{{RETRIES}}', String(c.retries))
    .replace('{{LISTEN}}', c.listen)
    .replace('{{STATS_LISTEN}}', c.statsListen)
    .replace('{{CHECK}}', checkLines(c))
    .replace('{{SHARED_SERVERS}}', servers(c.sharedSlots, false))
    .replace('{{URGENT_SERVERS}}', servers(c.urgentSlots, true))
    .replace('{{INTERACTIVE_SERVERS}}', servers(c.interactiveSlots, true));
}

export interface RunningHaproxy {
  readonly url: string;
  /** HAProxy's own Prometheus exporter, on a port of its own. */
  readonly metricsUrl: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Writes the config, checks it with `haproxy -c`, starts HAProxy, and resolves once it answers. */
export async function startHaproxy(
  options: HaproxyOptions,
  upstreams: readonly string[],
  o: { port: number; host?: string; dir: string },
): Promise<RunningHaproxy> {
  const haproxy = findBinary('haproxy');
  if (!haproxy)
    throw new StrategyError(StrategyErrorCodes.HAPROXY, 'haproxy is not installed: apt-get install haproxy');
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const host = o.host ?? '127.0.0.1';
  // Written into the config: an address or a name, nothing that could start another directive.
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host) && !/^\[[0-9A-Fa-f:.]{2,45}\]$/.test(host))
    throw new StrategyError(
      StrategyErrorCodes.HAPROXY,
      `--host "${host.slice(0, 64)}" is not an address or a host name`,
    );
  const statsPort = await freePort();
  const conf = join(dir, 'haproxy.cfg');
  writeFileSync(
    conf,
    haproxyConfig({
      ...options,
      upstreams,
      listen: `${host}:${o.port}`,
      statsListen: `127.0.0.1:${statsPort}`,
    }),
  );
  const check = spawnSync(haproxy, ['-c', '-q', '-f', conf], { encoding: 'utf8' });
  if (check.status !== 0)
    throw new StrategyError(
      StrategyErrorCodes.HAPROXY,
      `haproxy -c rejected ${conf}: ${`${check.stdout}${check.stderr}`.trim()}`,
    );
  const log = join(dir, 'haproxy.log');
  const fd = openSync(log, 'a');
  // -db: in the foreground, one process: the signals below reach HAProxy itself.
  const child = spawnOwned(haproxy, ['-db', '-f', conf], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${o.port}`;
  const metricsUrl = `http://127.0.0.1:${statsPort}/metrics`;
  const until = Date.now() + 10_000;
  // HAProxy's own exporter answers once it listens; asking it touches no node.
  for (;;) {
    try {
      const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(500) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until || child.exitCode !== null) {
      // One that runs but never answered is not left behind.
      await stopHaproxy(child);
      throw new StrategyError(StrategyErrorCodes.HAPROXY, `haproxy did not start; see ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, metricsUrl, child, stop: () => stopHaproxy(child) };
}

/**
 * A soft stop: HAProxy stops listening, closes idle keep-alive connections, lets answers under
 * way finish, and closes those still running at `hard-stop-after`; should it still be there
 * after that, its process group is killed.
 */
async function stopHaproxy(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGUSR1');
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, KILL_AFTER_MS);
  await exited;
  clearTimeout(timer);
}
