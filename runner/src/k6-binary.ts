import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { RunnerError, RunnerErrorCodes } from './errors.js';

const NOT_FOUND =
  'k6 not found: --engine k6 runs the k6 you installed (on PATH, or BUSYBENCH_K6=/path/to/k6); ' +
  'busybench does not install k6 (AGPL). The default engine needs nothing: drop --engine k6';

/**
 * The user's k6, for `--engine k6`: --k6, else BUSYBENCH_K6, else `k6` on PATH. busybench never
 * builds or downloads k6 (it is AGPL); the default engine (loadtests/engine) needs none.
 */
export function k6Binary(explicit?: string): string {
  const chosen = explicit || process.env.BUSYBENCH_K6;
  if (chosen) {
    const found = chosen.includes('/') || chosen.includes('\\') ? executable(chosen) : onPath(chosen);
    if (!found)
      throw new RunnerError(
        RunnerErrorCodes.K6_NOT_FOUND,
        `${NOT_FOUND} (${explicit ? '--k6' : 'BUSYBENCH_K6'} is ${chosen})`,
      );
    return found;
  }
  const found = onPath(process.platform === 'win32' ? 'k6.exe' : 'k6');
  if (!found) throw new RunnerError(RunnerErrorCodes.K6_NOT_FOUND, NOT_FOUND);
  return found;
}

/** The first executable file `name` in the PATH's directories. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const found = executable(join(dir, name));
    if (found) return found;
  }
  return undefined;
}

function executable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}
