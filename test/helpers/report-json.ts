import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../cli/cli-helpers.js';

/** `busybench report ARGS --json DIR/NAME` (exit 0 or 99), its JSON read back. */
export async function reportJson<T>(args: string[], dir: string, name: string): Promise<T> {
  const json = join(dir, name);
  const res = await runCli(['report', ...args, '--json', json], 60_000);
  expect([0, 99], res.stderr).toContain(res.code);
  return JSON.parse(readFileSync(json, 'utf8')) as T;
}
