import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found by walking up: the same answer from src/ (tests) and from dist/ (the bin). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('busybench: package.json not found above this module');
    dir = parent;
  }
  // dist/ holds no package.json, so the first one up is the project's own.
  return dir;
}
