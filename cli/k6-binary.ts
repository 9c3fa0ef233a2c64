import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../mock-server/src/paths.js';
import { UsageError } from './fail.js';

/**
 * The k6 to run: BUSYBENCH_K6 (or --k6) if set, else the pinned build in .tools/bin, built on
 * first use by scripts/install-k6.sh so that a fresh machine needs no step by hand.
 */
export function k6Binary(explicit?: string): string {
  const chosen = explicit ?? process.env.BUSYBENCH_K6;
  if (chosen) {
    if (!existsSync(chosen)) throw new UsageError(`k6 not found at ${chosen} (BUSYBENCH_K6 / --k6)`);
    return chosen;
  }
  const root = packageRoot();
  const pinned = join(root, '.tools', 'bin', 'k6');
  if (!existsSync(pinned)) {
    const build = spawnSync(join(root, 'scripts', 'install-k6.sh'), { stdio: 'inherit' });
    if (build.status !== 0 || !existsSync(pinned)) {
      throw new UsageError(
        'could not build k6 (scripts/install-k6.sh failed; see above), or set BUSYBENCH_K6',
      );
    }
  }
  return pinned;
}
