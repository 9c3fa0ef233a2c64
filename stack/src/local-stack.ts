import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findBinary } from '../../common/find-binary.js';
import { StackError, StackErrorCodes } from './errors.js';
import { alertmanagerConfig, prometheusConfig, type TargetJob, targetsFile } from './stack-config.js';

/**
 * The local stack without Docker: Debian's prometheus and prometheus-alertmanager started with
 * the project's configs on loopback, detached (they outlive `busybench stack up`), their pids,
 * configs, data and logs in one directory, so `down` stops exactly what `up` started.
 */
export interface StackOptions {
  /** Where configs, data, logs and pids live (default .busybench/stack). */
  readonly dir: string;
  readonly prometheusPort: number;
  readonly alertmanagerPort: number;
  readonly mockUrls: readonly string[];
  readonly collectorUrl: string;
  /** The collector's token file (`collect --token-file`): Alertmanager's webhook sends it. */
  readonly collectorTokenFile?: string;
  readonly strategyUrls?: readonly string[];
  readonly scrapeInterval?: string;
}

export interface StackUrls {
  readonly prometheus: string;
  readonly alertmanager: string;
}

const BINARIES = { prometheus: 'prometheus', alertmanager: 'prometheus-alertmanager' } as const;
type Part = keyof typeof BINARIES;
const PARTS = Object.keys(BINARIES) as Part[];

export function missingTools(): string[] {
  return Object.values(BINARIES).filter((b) => !findBinary(b));
}

const pidFile = (dir: string, part: Part) => join(dir, `${part}.pid`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runningPid(dir: string, part: Part): number | null {
  const file = pidFile(dir, part);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

/** Points a scrape job at other targets; Prometheus notices the file within seconds. */
export function setTargets(dir: string, job: TargetJob, urls: readonly string[]): void {
  writeFileSync(join(resolve(dir), 'targets', `${job}.json`), targetsFile(urls));
}

async function ready(url: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function portFree(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
    return false;
  } catch {
    return true;
  }
}

/** Starts what is not running yet, waits until both answer /-/ready, and says where they are. */
export async function stackUp(o: StackOptions): Promise<StackUrls> {
  const missing = missingTools();
  if (missing.length > 0)
    throw new StackError(
      StackErrorCodes.MISSING_TOOL,
      `${missing.join(' and ')} not installed: apt-get install prometheus prometheus-alertmanager (or use docker-compose.yml)`,
    );
  const dir = resolve(o.dir);
  mkdirSync(join(dir, 'targets'), { recursive: true });
  const promAddr = `127.0.0.1:${o.prometheusPort}`;
  const amAddr = `127.0.0.1:${o.alertmanagerPort}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    prometheusConfig({
      targetsDir: join(dir, 'targets'),
      alertmanager: amAddr,
      prometheus: promAddr,
      scrapeInterval: o.scrapeInterval ?? '1s',
    }),
  );
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    alertmanagerConfig(o.collectorUrl, { tokenFile: o.collectorTokenFile }),
  );
  setTargets(dir, 'busybench-mock', o.mockUrls);
  setTargets(dir, 'busybench-collector', [o.collectorUrl]);
  setTargets(dir, 'busybench-strategy', o.strategyUrls ?? []);

  const args: Record<Part, string[]> = {
    prometheus: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=${promAddr}`,
      '--web.enable-remote-write-receiver',
      // Without this the first notification of a new alert can wait a minute.
      '--rules.alert.resend-delay=1s',
      '--storage.tsdb.retention.time=7d',
    ],
    alertmanager: [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=${amAddr}`,
      // One instance: no gossip port to open.
      '--cluster.listen-address=',
    ],
  };
  const ports: Record<Part, number> = { prometheus: o.prometheusPort, alertmanager: o.alertmanagerPort };
  for (const part of PARTS) {
    if (runningPid(dir, part)) continue;
    if (!(await portFree(ports[part])))
      throw new StackError(
        StackErrorCodes.PORT_BUSY,
        `port ${ports[part]} is taken: is another ${part} running?`,
      );
    const log = openSync(join(dir, `${part}.log`), 'a');
    const child = spawn(findBinary(BINARIES[part]) as string, args[part], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    writeFileSync(pidFile(dir, part), String(child.pid));
  }
  const urls = { prometheus: `http://${promAddr}`, alertmanager: `http://${amAddr}` };
  for (const part of PARTS) {
    if (!(await ready(urls[part], 30_000)))
      throw new StackError(
        StackErrorCodes.NOT_READY,
        `${part} did not become ready within 30 s; see ${join(dir, `${part}.log`)}`,
      );
  }
  return urls;
}

/**
 * For a command that starts the stack for itself (`run`, `compare`): the stack goes when the
 * command does, even when it quits at once (a second Ctrl-C) and there is no time to wait, by a
 * SIGTERM to both as this process exits. Gives the orderly stop for the normal end.
 */
export function ownStack(dir: string): () => Promise<boolean> {
  const atExit = () => {
    for (const part of PARTS) {
      const pid = runningPid(resolve(dir), part);
      try {
        if (pid) process.kill(pid, 'SIGTERM');
      } catch {
        // Gone already.
      }
    }
  };
  process.on('exit', atExit);
  // Kept until both are down: a second Ctrl-C during the orderly stop (waiting on Prometheus)
  // must still reach Alertmanager.
  return async () => {
    const stopped = await stackDown(dir);
    process.off('exit', atExit);
    return stopped;
  };
}

/** Stops what `up` started (TERM, then KILL after 10 s); true when something was running. */
export async function stackDown(dir: string): Promise<boolean> {
  let stopped = false;
  for (const part of PARTS) {
    const pid = runningPid(resolve(dir), part);
    if (pid) {
      process.kill(pid, 'SIGTERM');
      stopped = true;
      const until = Date.now() + 10_000;
      while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(pidFile(resolve(dir), part), { force: true });
  }
  return stopped;
}
