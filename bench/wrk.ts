import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  readonly requestsPerSec: number;
  /** CPU seconds the server process used per second of the run (1 = one core saturated). */
  readonly serverCpu: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A wrk Lua script that POSTs `body` with the mock's headers. */
export function postScript(body: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'busybench-wrk-'));
  const file = join(dir, 'post.lua');
  const text = JSON.stringify(body).replaceAll('\\', '\\\\').replaceAll("'", "\\'");
  writeFileSync(
    file,
    `wrk.method = "POST"\nwrk.body = '${text}'\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer sk-busybench"\n`,
  );
  return file;
}

/** User + system CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the stat line, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** Runs wrk pinned to `core` against the server process `serverPid`, and reads its summary. */
export async function wrk(
  url: string,
  script: string,
  opts: { core: number; seconds: number; connections: number; serverPid: number },
): Promise<WrkResult> {
  const cpuBefore = cpuSeconds(opts.serverPid);
  const t0 = performance.now();
  const args = [
    '-c',
    String(opts.core),
    'wrk',
    '-t1',
    `-c${opts.connections}`,
    `-d${opts.seconds}s`,
    '--latency',
    '-s',
    script,
    url,
  ];
  const { stdout } = await run('taskset', args, { timeout: (opts.seconds + 30) * 1000 });
  const serverCpu = (cpuSeconds(opts.serverPid) - cpuBefore) / ((performance.now() - t0) / 1000);
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? 0);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const percentile = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(stdout);
    return m ? Number(m[1]) * scale[m[2] as keyof typeof scale] : 0;
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requestsPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    serverCpu,
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
    errors: errors ? errors.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
  };
}
