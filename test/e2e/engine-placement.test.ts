import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { BIN, requireBuild, runCli } from '../cli/cli-helpers.js';
import { startMock } from '../helpers/mock.js';
import { requireTool } from '../helpers/tools.js';

beforeAll(() => {
  requireBuild();
  engineBinary();
  requireTool('taskset', 'util-linux');
});

/** The cores each of this load's engines may run on (its plan file is in `dir`, unique to it). */
function enginesCpus(dir: string): string[] {
  let pids: string[] = [];
  try {
    pids = execFileSync('pgrep', ['-f', `busybench-engine --plan ${dir}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    // pgrep exits 1 when nothing matches (yet).
  }
  return pids.map(
    (pid) => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '',
  );
}

/**
 * A benchmark's placement (bench/search-bench.ts): BUSYBENCH_ENGINE_CPUS puts the load engine on
 * the cores it names, through taskset; without it the engine runs where its parent may.
 */
describe('BUSYBENCH_ENGINE_CPUS', () => {
  it('pins the load engine to the cores it names', async () => {
    const mock = await startMock();
    const load = (cpus: string | undefined) => {
      const dir = mkdtempSync(join(tmpdir(), 'busybench-place-'));
      const env = { ...process.env };
      if (cpus === undefined) delete env.BUSYBENCH_ENGINE_CPUS;
      else env.BUSYBENCH_ENGINE_CPUS = cpus;
      const child = spawn(
        process.execPath,
        [BIN, 'load', '-t', mock.url, '-r', '20', '-d', '8s', '-q', '--summary', join(dir, 'summary.json')],
        { env, stdio: 'ignore' },
      );
      return { dir, exited: new Promise((r) => child.on('close', r)) };
    };
    const pinned = load('0');
    const free = load(undefined);
    try {
      // Both engines up (a loaded machine may take seconds to start them).
      const end = Date.now() + 10_000;
      while (Date.now() < end && (enginesCpus(pinned.dir).length === 0 || enginesCpus(free.dir).length === 0))
        await new Promise((r) => setTimeout(r, 200));
      expect(enginesCpus(pinned.dir)).toEqual(['0']);
      const own = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      expect(enginesCpus(free.dir)).toEqual([own]);
    } finally {
      await Promise.all([pinned.exited, free.exited]);
      await mock.close();
    }
  }, 30_000);

  it("refuses a value that is not this machine's CPUs in one line, exit 2, before anything starts", async () => {
    for (const bad of ['x', '0-', '1-0', '64', '0,99']) {
      const r = await runCli(['run', '-s', 'passthrough', '-r', '10', '-d', '1s', '--no-stack'], 20_000, {
        ...process.env,
        BUSYBENCH_ENGINE_CPUS: bad,
      });
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`BUSYBENCH_ENGINE_CPUS="${bad}" is not a list of this machine's CPUs`);
      expect(r.stderr).toContain('RUNNER_ERR_ENGINE_CPUS');
    }
  }, 60_000);
});
