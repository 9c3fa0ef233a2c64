import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

/** The Go programs scripts/build-engine.sh builds, by the name it takes. */
const COMMANDS = { engine: 'busybench-engine', frame: 'busybench-frame' } as const;

/**
 * One of our Go programs (the load engine, the Go frame), built first by scripts/build-engine.sh,
 * which does nothing when the binary is newer than its sources: a fresh clone needs no step by
 * hand. The build's own lines go to stderr, so a command's stdout stays its output. Null when
 * the build failed (its errors are on stderr): the caller throws its own coded error.
 */
export function goBinary(program: keyof typeof COMMANDS): string | null {
  const root = packageRoot();
  const bin = join(root, '.tools', 'bin', COMMANDS[program]);
  const build = spawnSync(join(root, 'scripts', 'build-engine.sh'), [program], {
    stdio: ['ignore', 2, 'inherit'],
  });
  return build.status === 0 && existsSync(bin) ? bin : null;
}
