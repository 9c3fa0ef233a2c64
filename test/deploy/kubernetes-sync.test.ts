import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import { run } from '../helpers/tools.js';

/**
 * Kustomize reads no file outside its folder, so deploy/kubernetes holds copies of the scenario,
 * the rules, the Alertmanager configuration and the dashboards, and the PrometheusRules built
 * from the rules. deploy/kubernetes/sync.mjs writes them; these tests fail while one differs.
 */
const ROOT = packageRoot();
const K8S = join(ROOT, 'deploy', 'kubernetes');
const SCRIPT = join(K8S, 'sync.mjs');

/** sync.mjs is plain JavaScript, run by node as it is: imported at run time, typed by hand. */
interface SyncModule {
  RULE_SOURCES: Record<string, string>;
  expectedFiles(): Map<string, string>;
  differences(expected?: Map<string, string>): string[];
}
const { expectedFiles, differences, RULE_SOURCES } = (await import(/* @vite-ignore */ SCRIPT)) as SyncModule;

const readK8s = (path: string) => readFileSync(join(K8S, path), 'utf8');
const readRoot = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The dashboards' JSON files, relative to dashboards/json: English at the top, zh-CN/ and so on. */
const dashboardFiles = (sub = ''): string[] =>
  readdirSync(join(ROOT, 'dashboards', 'json', sub), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? dashboardFiles(join(sub, e.name)) : [join(sub, e.name)]))
    .sort();

describe('deploy/kubernetes copies (node deploy/kubernetes/sync.mjs rewrites them)', () => {
  it('are what sync.mjs writes from their sources, none missing, none left over', () => {
    expect(differences()).toEqual([]);
  });

  it('sync.mjs --check agrees, and names a copy that differs', () => {
    const r = run(process.execPath, [SCRIPT, '--check']);
    expect(r.code, r.out).toBe(0);
    // The comparison has teeth: a copy that is not what the source gives is named.
    const expected = expectedFiles();
    expected.set('base/copies/peak-hour.yaml', `${expected.get('base/copies/peak-hour.yaml')}# edited\n`);
    expect(differences(expected)).toEqual(['base/copies/peak-hour.yaml']);
  });

  it('keep each source whole: only a header, and for Alertmanager the collector’s address, differ', () => {
    const scenario = readK8s('base/copies/peak-hour.yaml');
    expect(scenario.endsWith(readRoot('mock-server/scenarios/peak-hour.yaml'))).toBe(true);
    for (const rule of ['busybench-recording.yml', 'busybench-alerts.yml'])
      expect(parse(readK8s(`base/copies/${rule}`))).toEqual(parse(readRoot(`alerts/rules/${rule}`)));
    const source = parse(readRoot('alerts/alertmanager.docker.yml'));
    source.receivers[0].webhook_configs[0].url = 'http://busybench-collector:9464/api/alerts';
    expect(parse(readK8s('base/copies/alertmanager.yml'))).toEqual(source);
    expect(dashboardFiles().length).toBeGreaterThan(5);
    for (const file of dashboardFiles())
      expect(readK8s(`base/dashboards/${file}`), file).toBe(readRoot(`dashboards/json/${file}`));
  });

  it('give every dashboard, in each language, a ConfigMap the Grafana sidecar picks up under a key of its own', () => {
    const k = parse(readK8s('base/dashboards/kustomization.yaml'));
    expect(k.generatorOptions.labels.grafana_dashboard).toBe('1');
    // `key=path`: the sidecar writes every key into one folder, so a translation's key differs.
    const entries: Array<[string, string]> = k.configMapGenerator
      .flatMap((g: { files: string[] }) => g.files)
      .map((f: string) => (f.includes('=') ? f.split('=') : [f, f]));
    expect(entries.map(([, path]) => path).sort()).toEqual(dashboardFiles());
    expect(new Set(entries.map(([key]) => key)).size).toBe(entries.length);
  });

  it('build a PrometheusRule per rule file with the same groups, each evaluated every second', () => {
    const docs = readK8s('overlays/prometheus-operator/prometheusrules.yaml')
      .split(/^---\n/m)
      .slice(1)
      .map((d) => parse(d));
    expect(docs.map((d) => d.metadata.name)).toEqual([
      'busybench-recording',
      'busybench-alerts',
      'busybench-slos-compressed',
    ]);
    for (const doc of docs) {
      expect(doc).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
      const source = parse(readRoot(RULE_SOURCES[`${doc.metadata.name}.yml`] as string));
      expect(doc.spec.groups.map((g: { interval: string }) => g.interval)).toEqual(
        source.groups.map(() => '1s'),
      );
      expect(doc.spec.groups.map(({ interval: _, ...g }: { interval: string }) => g)).toEqual(source.groups);
    }
  });
});
