import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Finds a binary on PATH (or /usr/bin and /usr/sbin, where Debian puts the tools we run). */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/sbin'];
  for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  return null;
}
