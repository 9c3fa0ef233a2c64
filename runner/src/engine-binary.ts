import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../common/paths.js';
import { RunnerError, RunnerErrorCodes } from './errors.js';

/**
 * The Go load engine, built from loadtests/engine by scripts/build-engine.sh (which does
 * nothing when the binary is newer than its sources), so a fresh clone needs no step by hand.
 */
export function engineBinary(): string {
  const root = packageRoot();
  const bin = join(root, '.tools', 'bin', 'busybench-engine');
  const build = spawnSync(join(root, 'scripts', 'build-engine.sh'), ['engine'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0 || !existsSync(bin))
    throw new RunnerError(
      RunnerErrorCodes.ENGINE_BUILD_FAILED,
      'could not build the load engine (scripts/build-engine.sh failed; see above)',
    );
  return bin;
}
