import { spawnSync } from 'node:child_process';
import { findBinary } from '../../common/find-binary.js';

/** A Debian tool the tests need: missing, the test fails and says how to get it (never skips). */
export function requireTool(name: string, pkg: string): string {
  const path = findBinary(name);
  if (!path)
    throw new Error(`${name} is not installed: run make test (it installs ${pkg}) or apt-get install ${pkg}`);
  return path;
}

export function run(cmd: string, args: string[], cwd?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

export { freePort } from '../../common/free-port.js';
