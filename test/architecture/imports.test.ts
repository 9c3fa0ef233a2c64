import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/paths.js';

/**
 * The house plan, kept true: components import the kit (common/) and never each other's code;
 * only cli/ and runner/ put components together. bench/ and test/ are exempt. The contract's
 * data files (loadtests/engine/contract/*.json) are read by the Go engine, which can embed files
 * of its own module only, and by the kit: they are the shared definitions, not code. The runner
 * does not import the CLI: both start things through the runner's launcher.
 */
const ROOT = packageRoot();
const COMPONENTS = [
  'common',
  'mock-server',
  'loadtests',
  'collector',
  'strategies',
  'stack',
  'dashboards',
  'alerts',
  'deploy',
  'runner',
  'cli',
] as const;
const MAY_IMPORT_ANY = new Set(['cli', 'runner']);
const SHARED_DATA = /^loadtests\/engine\/contract\/[^/]+\.json$/;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const componentOf = (repoPath: string) => repoPath.split('/')[0] as string;

/** Every import of `file` (repo-relative) that crosses into another component against the plan. */
function violations(file: string, text: string): string[] {
  const from = componentOf(file);
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), m[1] as string));
    const to = componentOf(target);
    if (to === from || !(COMPONENTS as readonly string[]).includes(to)) continue;
    // The CLI starts things through the runner's launcher, never the reverse.
    const allowed = to === 'common' || SHARED_DATA.test(target) || (MAY_IMPORT_ANY.has(from) && to !== 'cli');
    if (allowed) continue;
    found.push(`${file} imports ${target}`);
  }
  return found;
}

describe('the house plan: who imports whom', () => {
  it('no component imports another component’s code (only cli/ and runner/ put them together)', () => {
    const found: string[] = [];
    for (const c of COMPONENTS)
      for (const file of sources(join(ROOT, c))) {
        const repoPath = relative(ROOT, file);
        found.push(...violations(repoPath, readFileSync(file, 'utf8')));
      }
    expect(found).toEqual([]);
  });

  it('the kit imports no component (but the shared contract data)', () => {
    for (const file of sources(join(ROOT, 'common'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(ROOT, resolve(dirname(file), m[1] as string));
        expect(
          componentOf(target) === 'common' || SHARED_DATA.test(target),
          `${relative(ROOT, file)} imports ${target}`,
        ).toBe(true);
      }
    }
  });

  it('catches a crossing when there is one (the check can fail)', () => {
    expect(violations('collector/src/x.ts', "import { a } from '../../mock-server/src/app.js';")).toEqual([
      'collector/src/x.ts imports mock-server/src/app.js',
    ]);
    expect(
      violations('strategies/src/x.ts', "import type { S } from '../../stack/src/local-stack.js';"),
    ).toHaveLength(1);
    expect(
      violations('loadtests/flows/x.ts', "import { c } from '../../collector/src/step-stats.ts';"),
    ).toHaveLength(1);
    expect(violations('runner/src/x.ts', "import { a } from '../../cli/fail.js';")).toHaveLength(1);
    expect(violations('cli/x.ts', "import { a } from '../runner/src/launch-load.js';")).toEqual([]);
    expect(violations('collector/src/x.ts', "import { a } from '../../common/paths.js';")).toEqual([]);
  });
});
