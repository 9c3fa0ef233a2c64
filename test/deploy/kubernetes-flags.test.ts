import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { MOCK_NODE_FLAGS } from '../../common/mock-node-flags.js';
import { packageRoot } from '../../common/paths.js';
import { loadScenario } from '../../mock-server/src/busy/scenario.js';
import { DEFAULT_CONFIG } from '../../mock-server/src/config/defaults.js';
import { run } from '../helpers/tools.js';

/**
 * The busybench commands the Kubernetes manifests run, checked against the CLI itself: every
 * flag a container passes is one `busybench <command> --help` lists, and the runners' Job agrees
 * with its own --segment. (deploy/kubernetes/validate checks the rendered objects in Go.)
 */
const ROOT = packageRoot();
const K8S = join(ROOT, 'deploy', 'kubernetes');

interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, any>;
}

/** Every manifest file: not the kustomizations, not the copies of the repository's files. */
function manifestFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return ['copies', 'dashboards', 'validate'].includes(name) ? [] : manifestFiles(path);
    return name.endsWith('.yaml') && name !== 'kustomization.yaml' ? [path] : [];
  });
}

const manifests: Array<{ file: string; m: Manifest }> = manifestFiles(K8S).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => ({
    file: relative(K8S, file),
    m: d.toJS() as Manifest,
  })),
);

/** The pod specs anywhere in an object (a Deployment's template, a Job's, ...). */
function podSpecs(node: unknown): Array<{ containers: Container[]; initContainers?: Container[] }> {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray((node as { containers?: unknown }).containers))
    return [node as { containers: Container[] }];
  return Object.values(node).flatMap(podSpecs);
}

/** Containers whose arguments are a busybench command: the image's entrypoint is the CLI. */
const invocations = manifests.flatMap(({ file, m }) =>
  podSpecs(m).flatMap((spec) =>
    [...(spec.initContainers ?? []), ...spec.containers]
      .filter((c) => /^busybench(:|$)/.test(c.image ?? '') && c.command === undefined)
      .map((c) => ({ where: `${file} ${m.kind}/${m.metadata.name} ${c.name}`, args: c.args ?? [] })),
  ),
);

const helpCache = new Map<string, Set<string>>();
/** The options `busybench <command> --help` lists, short and long. */
function optionsOf(command: string): Set<string> {
  const cached = helpCache.get(command);
  if (cached) return cached;
  const r = run(process.execPath, [join(ROOT, 'bin', 'busybench.js'), command, '--help']);
  expect(r.code, r.out).toBe(0);
  const options = new Set<string>();
  for (const line of r.out.split('\n')) {
    const m = /^ {2}(?:(-[A-Za-z]), )?(--[a-z][\w-]*)/.exec(line);
    if (m?.[1]) options.add(m[1]);
    if (m?.[2]) options.add(m[2]);
  }
  expect(options.size, `no options read from busybench ${command} --help`).toBeGreaterThan(2);
  helpCache.set(command, options);
  return options;
}

function flagsOf(args: string[]): string[] {
  return args.filter((a) => a.startsWith('-')).map((a) => a.split('=')[0] as string);
}

function argAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

function byKind(kind: string, name: string): Manifest {
  const found = manifests.find(({ m }) => m.kind === kind && m.metadata.name === name);
  expect(found, `${kind}/${name}`).toBeDefined();
  return (found as { m: Manifest }).m;
}

const baseJob = byKind('Job', 'busybench-runners');

/** The runners' Job as overlays/five-runners makes it: its JSON patch applied (test and replace). */
function fiveRunnersJob(): Manifest {
  const k = parse(readFileSync(join(K8S, 'overlays', 'five-runners', 'kustomization.yaml'), 'utf8')) as {
    patches: Array<{ target: { kind: string; name: string }; patch: string }>;
  };
  const patch = k.patches.find((p) => p.target.kind === 'Job' && p.target.name === 'busybench-runners');
  expect(patch).toBeDefined();
  const job = structuredClone(baseJob);
  for (const op of parse((patch as { patch: string }).patch) as Array<{
    op: string;
    path: string;
    value: unknown;
  }>) {
    const keys = op.path.split('/').slice(1);
    const last = keys.pop() as string;
    const parent = keys.reduce<any>((node, k) => node[k], job);
    if (op.op === 'test') expect(parent[last], `test ${op.path}`).toEqual(op.value);
    else if (op.op === 'replace') parent[last] = op.value;
    else throw new Error(`five-runners: op ${op.op} not applied by this test`);
  }
  return job;
}

describe('the Kubernetes manifests', () => {
  it('run the mock, the collector and the runners through the busybench image', () => {
    expect(invocations.map((i) => i.args[0]).sort()).toEqual(['collect', 'load', 'mock']);
  });

  // One case per command, so a flag the CLI does not have yet fails that command alone.
  it.each(['mock', 'collect', 'load'])('pass `busybench %s` only flags its --help lists', (command) => {
    for (const { where, args } of invocations.filter((i) => i.args[0] === command)) {
      const known = optionsOf(command);
      const unknown = flagsOf(args.slice(1)).filter((f) => !known.has(f));
      expect(unknown, `${where}: busybench ${command} has no ${unknown.join(', ')}`).toEqual([]);
    }
  });

  it('start the mock as its container does, with a scenario the mock accepts', () => {
    const mock = byKind('Deployment', 'busybench-mock');
    const args = ((mock.spec as any).template.spec.containers[0] as Container).args ?? [];
    // The scenario's path in the pod, mapped to the file its ConfigMap is generated from.
    expect(argAfter(args, '--scenario')).toBe('/etc/busybench/scenario.yaml');
    const scenario = join(K8S, 'base', 'copies', 'peak-hour.yaml');
    const local = args.map((a) => (a === '/etc/busybench/scenario.yaml' ? scenario : a));
    const r = run(process.execPath, [join(ROOT, 'bin', 'busybench.js'), ...local, '--print-config']);
    expect(r.code, r.out).toBe(0);
    const config = JSON.parse(r.out) as {
      seed: number;
      server: { host: string; port: number; nodes: number };
    };
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8000, nodes: 1 });
    expect(config.seed).toBe(42);
    // --print-config does not read the scenario; the mock's own loader does, and checks it whole.
    const loaded = loadScenario(scenario, DEFAULT_CONFIG.behaviour);
    expect(loaded.phases.map((p) => p.name)).toContain('15:00 surge');
  });

  it('give the mock its Node flags (a young generation its answers die in) through NODE_OPTIONS', () => {
    const mock = byKind('Deployment', 'busybench-mock');
    const container = (mock.spec as any).template.spec.containers[0] as {
      env?: Array<{ name: string; value: string }>;
    };
    const options = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value;
    expect(options).toBe(MOCK_NODE_FLAGS.join(' '));
  });

  it.each([
    ['base', baseJob, 3],
    ['overlays/five-runners', fiveRunnersJob(), 5],
  ] as const)('%s: every runner sends segment i/n of n, n = completions = parallelism', (_, job, n) => {
    const spec = job.spec as {
      completions: number;
      parallelism: number;
      completionMode: string;
      template: any;
    };
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.completions).toBe(n);
    expect(spec.parallelism).toBe(n);
    const runner = spec.template.spec.containers[0] as Container;
    expect(argAfter(runner.args ?? [], '--segment')).toBe(`$(JOB_COMPLETION_INDEX)/${n}`);
  });

  it('ship the runners’ results to the collector’s Service, on its port', () => {
    const runner = (baseJob.spec as any).template.spec.containers[0] as Container;
    const ship = new URL(argAfter(runner.args ?? [], '--ship') as string);
    const service = byKind('Service', ship.hostname);
    const collector = byKind('Deployment', 'busybench-collector');
    // The Service selects the collector's pods, on the port the collector listens on.
    expect(service.spec?.selector).toEqual(collector.spec?.selector.matchLabels);
    expect(service.spec?.ports.map((p: { port: number }) => p.port)).toContain(Number(ship.port));
    const collect = (collector.spec as any).template.spec.containers[0] as Container;
    expect(argAfter(collect.args ?? [], '--port')).toBe(ship.port);
  });

  it('point the runners at the mock’s Service and the collector at every node, through the headless one', () => {
    const runner = (baseJob.spec as any).template.spec.containers[0] as Container;
    const mock = byKind('Deployment', 'busybench-mock');
    const target = new URL(argAfter(runner.args ?? [], '-t') as string);
    expect(byKind('Service', target.hostname).spec?.selector).toEqual(mock.spec?.selector.matchLabels);
    const collect = (byKind('Deployment', 'busybench-collector').spec as any).template.spec.containers[0];
    const upstream = argAfter(collect.args, '--upstream') as string;
    expect(upstream).toMatch(/^dns\+http:\/\//);
    const nodes = new URL(upstream.slice('dns+'.length));
    const headless = byKind('Service', nodes.hostname);
    expect(headless.spec?.clusterIP).toBe('None');
    expect(headless.spec?.selector).toEqual(mock.spec?.selector.matchLabels);
    const mockArgs = (mock.spec as any).template.spec.containers[0].args as string[];
    expect(argAfter(mockArgs, '--port')).toBe(nodes.port);
  });
});
