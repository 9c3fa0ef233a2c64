#!/usr/bin/env node
/**
 * Writes the copies the Kubernetes manifests need (Kustomize reads no file outside its folder):
 * the scenario, the rules, the Alertmanager configuration, the dashboards (both languages) and
 * their kustomization, and the prometheus-operator overlay's PrometheusRules built from the rules.
 *
 *   node deploy/kubernetes/sync.mjs           rewrite every copy from its source
 *   node deploy/kubernetes/sync.mjs --check   write nothing; exit 1 naming each copy that differs
 *
 * test/deploy/kubernetes-sync.test.ts fails when a copy differs from what this would write.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Document, parse } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const DASHBOARDS = join(ROOT, 'dashboards', 'json');
/**
 * The rule files Prometheus loads, by the name of their copy here: the hand-written ones and the
 * SLOs Sloth generated (alerts/slos/, their compressed variant).
 */
export const RULE_SOURCES = {
  'busybench-recording.yml': 'alerts/rules/busybench-recording.yml',
  'busybench-alerts.yml': 'alerts/rules/busybench-alerts.yml',
  'busybench-slos-compressed.yml': 'alerts/slos/generated/busybench.compressed.rules.yml',
};
const RULES = Object.keys(RULE_SOURCES);
const sourceOf = (file) => RULE_SOURCES[file];

/** The collector's address in docker-compose, and in the cluster (its Service). */
const COMPOSE_WEBHOOK = 'http://collector:9464/api/alerts';
const CLUSTER_WEBHOOK = 'http://busybench-collector:9464/api/alerts';

const header = (source) =>
  `# Written by deploy/kubernetes/sync.mjs from ${source}: edit that file, then run\n` +
  '# `node deploy/kubernetes/sync.mjs` (a test fails while this copy differs).\n';

const read = (path) => readFileSync(join(ROOT, path), 'utf8');

/** Drops the comment block a file starts with (it speaks of where that file is used). */
function withoutLeadingComments(text) {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i].startsWith('#') || lines[i].trim() === '')) i++;
  return lines.slice(i).join('\n');
}

function alertmanagerConfig() {
  const source = 'alerts/alertmanager.docker.yml';
  const body = withoutLeadingComments(read(source));
  const found = body.split(COMPOSE_WEBHOOK).length - 1;
  if (found !== 1)
    throw new Error(`sync: expected ${COMPOSE_WEBHOOK} once in ${source}, found it ${found} times`);
  return (
    `${header(source)}` +
    "# Alertmanager in the cluster: every alert to the collector's webhook, at its Service.\n" +
    body.replace(COMPOSE_WEBHOOK, CLUSTER_WEBHOOK)
  );
}

/**
 * The dashboards to copy: the English ones at the top of dashboards/json, each other language's
 * in a folder of its own (zh-CN/). The sidecar writes every ConfigMap's keys into one folder, so a
 * translation's key carries its language (`slo-zh-cn.json`); its name, the ConfigMap's.
 */
function dashboardCopies() {
  const jsonIn = (dir) =>
    readdirSync(join(DASHBOARDS, dir))
      .filter((f) => f.endsWith('.json'))
      .sort();
  const languages = readdirSync(DASHBOARDS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return [
    ...jsonIn('').map((file) => ({ copy: file, key: file })),
    ...languages.flatMap((lang) =>
      jsonIn(lang).map((file) => ({
        copy: `${lang}/${file}`,
        key: file.replace(/\.json$/, `-${lang.toLowerCase()}.json`),
      })),
    ),
  ];
}

function dashboardsKustomization(copies) {
  const generators = copies
    .map(({ copy, key }) => {
      const file = key === copy ? copy : `${key}=${copy}`;
      return `  - name: busybench-dashboard-${key.replace(/\.json$/, '')}\n    files:\n      - ${file}\n`;
    })
    .join('');
  return (
    `${header('dashboards/json/')}` +
    '# One ConfigMap per dashboard, labelled for the Grafana sidecar (kube-prometheus-stack and the\n' +
    '# Grafana Helm chart watch grafana_dashboard: "1" in every namespace they are told to).\n' +
    'apiVersion: kustomize.config.k8s.io/v1beta1\n' +
    'kind: Kustomization\n' +
    'generatorOptions:\n' +
    '  # Fixed names: with a hash suffix every change would leave the old ConfigMap behind\n' +
    '  # (kubectl apply does not prune), and the sidecar would load both, one dashboard uid twice.\n' +
    '  disableNameSuffixHash: true\n' +
    '  labels:\n' +
    '    grafana_dashboard: "1"\n' +
    '    app.kubernetes.io/part-of: busybench\n' +
    '  annotations:\n' +
    '    # The folder, where the sidecar is set to read one (grafana.sidecar.dashboards.folderAnnotation).\n' +
    '    grafana_folder: busybench\n' +
    'configMapGenerator:\n' +
    generators
  );
}

/** One PrometheusRule per rule file: the same groups, evaluated every second. */
function prometheusRules() {
  const docs = RULES.map((file) => {
    const spec = parse(read(sourceOf(file)));
    // The compressed windows are seconds long; the operator's Prometheus evaluates every 30 s by
    // default, so each group asks for 1 s (the local stack's and docker-compose's global).
    spec.groups = spec.groups.map(({ name, ...rest }) => ({ name, interval: '1s', ...rest }));
    const doc = new Document({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: file.replace(/\.yml$/, ''),
        labels: { 'app.kubernetes.io/part-of': 'busybench', release: 'kube-prometheus-stack' },
      },
      spec,
    });
    const release = doc.getIn(['metadata', 'labels'], true).items.find((p) => p.key.value === 'release');
    release.key.commentBefore =
      ' kube-prometheus-stack selects rules by its Helm release name (ruleSelector); set yours,\n' +
      ' or install the chart with prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues=false.';
    doc.contents.commentBefore = ` From ${sourceOf(file)}.`;
    return doc.toString({ lineWidth: 0 });
  });
  return (
    `${header('alerts/rules/*.yml')}` +
    "# busybench's rules for a Prometheus Operator (kube-prometheus-stack): the rule files as\n" +
    "# PrometheusRule objects, unchanged but for each group's 1 s interval.\n" +
    docs.map((d) => `---\n${d}`).join('')
  );
}

/** Every file this script owns, relative to deploy/kubernetes, with the content it should have. */
export function expectedFiles() {
  const files = new Map();
  files.set(
    'base/copies/peak-hour.yaml',
    header('mock-server/scenarios/peak-hour.yaml') + read('mock-server/scenarios/peak-hour.yaml'),
  );
  for (const rule of RULES) files.set(`base/copies/${rule}`, header(sourceOf(rule)) + read(sourceOf(rule)));
  files.set('base/copies/alertmanager.yml', alertmanagerConfig());
  const dashboards = dashboardCopies();
  // JSON has no comments: the dashboards are copied byte for byte.
  for (const { copy } of dashboards)
    files.set(`base/dashboards/${copy}`, read(join('dashboards', 'json', copy)));
  files.set('base/dashboards/kustomization.yaml', dashboardsKustomization(dashboards));
  files.set('overlays/prometheus-operator/prometheusrules.yaml', prometheusRules());
  return files;
}

/** Copies written before whose source is gone (a dashboard removed): they would still deploy. */
export function staleFiles(expected = expectedFiles()) {
  const dir = join(HERE, 'base', 'dashboards');
  if (!existsSync(dir)) return [];
  const under = (sub) =>
    readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? under(join(sub, e.name)) : [join(sub, e.name)],
    );
  return under('')
    .map((f) => `base/dashboards/${f}`)
    .filter((f) => !expected.has(f));
}

/** The copies that differ from what expectedFiles() gives (missing ones included). */
export function differences(expected = expectedFiles()) {
  const differ = [...expected]
    .filter(([path, text]) => {
      const file = join(HERE, path);
      return !existsSync(file) || readFileSync(file, 'utf8') !== text;
    })
    .map(([path]) => path);
  return [...differ, ...staleFiles(expected)];
}

function main(argv) {
  const expected = expectedFiles();
  if (argv.includes('--check')) {
    const differ = differences(expected);
    for (const path of differ) process.stderr.write(`sync: ${path} differs from its source\n`);
    if (differ.length > 0) {
      process.stderr.write('sync: run `node deploy/kubernetes/sync.mjs` to rewrite the copies\n');
      process.exit(1);
    }
    return;
  }
  for (const path of staleFiles(expected)) rmSync(join(HERE, path));
  for (const [path, text] of expected) {
    mkdirSync(dirname(join(HERE, path)), { recursive: true });
    writeFileSync(join(HERE, path), text);
  }
  process.stdout.write(
    `sync: ${expected.size} files written under ${relative(process.cwd(), HERE) || '.'}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
