import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { DEFAULT_MIX, type Plan } from '../../loadtests/plan.js';
import { buildProfile } from '../../loadtests/profiles.js';
import { run } from '../helpers/tools.js';

/**
 * deploy/kubernetes/k6-operator/testrun.yaml is not decoded into its type (k6-operator's Go
 * module is not served here). What can be checked without it: the plan it hands the k6 scripts,
 * and that the scripts bundle into the one file a ConfigMap can hold.
 */
const ROOT = packageRoot();
const K8S = join(ROOT, 'deploy', 'kubernetes');

vi.mock('k6/metrics', () => {
  class Metric {
    constructor(readonly name: string) {}
  }
  return { Counter: Metric, Rate: Metric, Trend: Metric };
});
/** The k6 scripts' plan reader, imported at run time (as test/docker-compose.test.ts does). */
interface ConfigModule {
  readConfig(env: Record<string, string | undefined>): { plan: Plan; summaryPath: string };
}
const CONFIG = '../../loadtests/config.ts';
const { readConfig } = (await import(/* @vite-ignore */ CONFIG)) as ConfigModule;

const text = readFileSync(join(K8S, 'k6-operator', 'testrun.yaml'), 'utf8');
const testRun = parse(text) as {
  apiVersion: string;
  kind: string;
  metadata: { namespace: string };
  spec: {
    parallelism: number;
    script: { configMap: { name: string; file: string } };
    runner: { image: string; env: Array<{ name: string; value: string }> };
  };
};
const env = Object.fromEntries(testRun.spec.runner.env.map((e) => [e.name, e.value]));

describe('the k6-operator TestRun', () => {
  it('runs the runners Job’s test through the k6 scripts: the plan they accept', () => {
    expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun' });
    expect(testRun.spec.runner.image).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
    const { plan, summaryPath } = readConfig(env);
    expect(summaryPath).toBe('/tmp/summary.json');
    expect(plan.target).toBe('http://busybench-mock:8000');
    expect(plan.allowRemote).toBe(true);
    expect(plan.profile).toEqual(
      buildProfile({ name: 'stepped', rates: [500, 1000, 1500], stepSeconds: 60, rampSeconds: 0 }),
    );
    expect(plan.mix).toEqual(DEFAULT_MIX);
    expect(plan.sla).toEqual(DEFAULT_SLA);
    // busybench load's default cap: two seconds of the peak rate, at least 1 000.
    expect(plan.maxInFlight).toBe(3000);
  });

  it('splits it over as many pods as the runners Job, in the Job’s namespace', () => {
    const job = parse(readFileSync(join(K8S, 'base', 'runners.yaml'), 'utf8'));
    expect(testRun.spec.parallelism).toBe(job.spec.completions);
    const local = parse(readFileSync(join(K8S, 'overlays', 'local', 'kustomization.yaml'), 'utf8'));
    expect(testRun.metadata.namespace).toBe(local.namespace);
  });

  it('reads a script that the command in its comment bundles into one flat file', () => {
    // The command the comment gives, run as written.
    const command = /npx (esbuild [^\n]*\\\n#\s+[^\n]*)/.exec(text)?.[1];
    expect(command).toBeDefined();
    const args = (command as string)
      .replace(/\\\n#\s+/, ' ')
      .split(/\s+/)
      .slice(1)
      .map((a) => a.replace(/^'(.*)'$/, '$1'));
    const out = join(mkdtempSync(join(tmpdir(), 'busybench-k6-')), 'main.js');
    const esbuild = join(ROOT, 'node_modules', '.bin', 'esbuild');
    const r = run(
      esbuild,
      args.map((a) => (a.startsWith('--outfile=') ? `--outfile=${out}` : a)),
      ROOT,
    );
    expect(r.code, r.out).toBe(0);
    const bundle = readFileSync(out, 'utf8');
    // Only k6's own modules are left to import: no sibling file the ConfigMap could not hold.
    const imports = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const m of imports) expect(m).toMatch(/^k6(\/|$)/);
    // A ConfigMap holds at most 1 MiB.
    expect(Buffer.byteLength(bundle)).toBeLessThan(1024 * 1024);
    expect(testRun.spec.script.configMap.file).toBe('main.js');
    expect(text).toContain(`--from-file=main.js=`);
  });
});
