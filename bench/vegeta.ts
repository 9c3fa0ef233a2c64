import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The reference open-model generator, built from the Go module proxy into `.tools/bench` (never committed). */
export const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12@v12.13.0';

/** Path to the vegeta binary under `root/.tools/bench`, built with the local Go when missing. */
export function vegetaBinary(root: string): string {
  const dir = join(root, '.tools', 'bench');
  const bin = join(dir, 'vegeta');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  process.stdout.write(`building vegeta (${VEGETA_MODULE}) into ${dir}\n`);
  const built = spawnSync(go, ['install', VEGETA_MODULE], {
    cwd: dir,
    env: { ...process.env, GOBIN: dir, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (built.status !== 0 || !existsSync(bin)) throw new Error(`go install ${VEGETA_MODULE} failed`);
  return bin;
}

/** A one-line `-format=json` targets file: POST `url` with `body` and the mock's headers. */
export function jsonTargets(file: string, url: string, body: object): string {
  const target = {
    method: 'POST',
    url,
    body: Buffer.from(JSON.stringify(body)).toString('base64'),
    header: { 'Content-Type': ['application/json'], Authorization: ['Bearer sk-busybench'] },
  };
  writeFileSync(file, `${JSON.stringify(target)}\n`);
  return file;
}

/** The fields of `vegeta report -type=json` the bench reads (latencies in ns). */
export interface VegetaReport {
  readonly requests: number;
  /** Achieved send rate (requests / time between the first and the last send). */
  readonly rate: number;
  /** Successful answers / (duration + wait). */
  readonly throughput: number;
  /** Share of answers with a 2xx/3xx status. */
  readonly success: number;
  readonly latencies: { readonly '50th': number; readonly '99th': number; readonly max: number };
  readonly status_codes: Record<string, number>;
  readonly errors: readonly string[] | null;
}

/** `vegeta report -type=json` of a results file. */
export async function vegetaReport(bin: string, results: string): Promise<VegetaReport> {
  const { stdout } = await run(bin, ['report', '-type=json', results], {
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as VegetaReport;
}
