import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import {
  allDashboards,
  DASHBOARD_FILES,
  dashboardQueries,
  JSON_DIR,
  render,
} from '../../dashboards/src/all-dashboards.js';
import { GRAFANA_VERSION, SCHEMA_VERSION } from '../../dashboards/src/grafana-version.js';
import { DATASOURCE } from '../../dashboards/src/query.js';

const built = allDashboards();
const english = built.filter((b) => b.locale === 'en');
const chinese = built.filter((b) => b.locale === 'zh-CN');

/** Every file under dir, relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name)).map((f) => join(e.name, f))
      : [relative(dir, join(dir, e.name))],
  );
}

const panelsOf = (d: Dashboard) => (d.panels ?? []) as Array<Panel | RowPanel>;
const variablesOf = (d: Dashboard) => (d.templating?.list ?? []) as VariableModel[];
const hasHan = (s: string) => /\p{Script=Han}/u.test(s);

describe('dashboards as code', () => {
  it('the committed JSON is what the code builds, in both languages (run npm run dashboards after a change)', () => {
    expect(files(JSON_DIR).sort()).toEqual(built.map((b) => b.path).sort());
    for (const { path, dashboard } of built)
      expect(readFileSync(join(JSON_DIR, path), 'utf8'), `${path} drifted`).toBe(render(dashboard));
    expect(english.map((b) => b.path).sort()).toEqual(Object.keys(DASHBOARD_FILES).sort());
  });

  it('read Prometheus through the datasource variable only, never a fixed uid', () => {
    for (const { path, dashboard } of built) {
      const uids = [...render(dashboard).matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1]);
      // The dashboard's own uid, then only the variable.
      expect(
        uids.filter((u) => u !== dashboard.uid),
        path,
      ).not.toHaveLength(0);
      expect(new Set(uids.filter((u) => u !== dashboard.uid)), path).toEqual(new Set([DATASOURCE.uid]));
      expect(variablesOf(dashboard)[0], path).toMatchObject({ name: 'datasource', type: 'datasource' });
    }
  });

  it('lay panels on the grid without overlaps, each with a title, a description and a query', () => {
    for (const { path, dashboard } of built) {
      const cells = new Set<string>();
      const ids = new Set<number>();
      for (const p of panelsOf(dashboard)) {
        const { x, y, w, h } = p.gridPos ?? { x: 0, y: 0, w: 0, h: 0 };
        expect(x + w, `${path}: ${p.title}`).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            expect(cells.has(`${i},${j}`), `${path}: ${p.title} overlaps`).toBe(false);
            cells.add(`${i},${j}`);
          }
        expect(ids.has(p.id ?? 0), `${path}: panel id ${p.id} twice`).toBe(false);
        ids.add(p.id ?? 0);
        expect(p.title, path).toBeTruthy();
        if (p.type === 'row') continue;
        expect((p as Panel).description, `${path}: ${p.title}`).toBeTruthy();
        expect((p as Panel).targets?.length, `${path}: ${p.title}`).toBeGreaterThan(0);
      }
      expect(dashboardQueries(dashboard).length, path).toBeGreaterThan(8);
    }
  });

  it('refer only to variables they define (titles, queries, repeats)', () => {
    let checked = 0;
    for (const { path, dashboard } of built) {
      const defined = new Set(variablesOf(dashboard).map((v) => v.name));
      const used = [
        ...panelsOf(dashboard).flatMap((p) => [...(p.title ?? '').matchAll(/\$(\w+)/g)].map((m) => m[1])),
        ...dashboardQueries(dashboard).flatMap(({ expr }) => [...expr.matchAll(/\$(\w+)/g)].map((m) => m[1])),
        ...panelsOf(dashboard).flatMap((p) => ((p as Panel).repeat ? [(p as Panel).repeat] : [])),
      ].filter((name) => !name?.startsWith('__'));
      for (const name of used) expect(defined, `${path}: $${name}`).toContain(name);
      checked += used.length;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('filter the client view by run: run_id several at once, All as .+', () => {
    for (const { path, dashboard } of built) {
      const run = variablesOf(dashboard).find((v) => v.name === 'run_id');
      if (path.endsWith('mock-upstream.json')) {
        expect(run, path).toBeUndefined();
        continue;
      }
      expect(run, path).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.+' });
      for (const { panel, expr } of dashboardQueries(dashboard))
        if (expr.includes('busybench_client_'))
          expect(expr, `${path}: ${panel}`).toContain('run_id=~"$run_id"');
    }
  });

  it('the Chinese set is the English one in Chinese: same panels and queries, every title and description translated', () => {
    expect(chinese.map((b) => b.path.replace(/^zh-CN\//, ''))).toEqual(english.map((b) => b.path));
    for (const [i, en] of english.entries()) {
      const zh = chinese[i]?.dashboard as Dashboard;
      const path = chinese[i]?.path;
      expect(zh.uid).toBe(`${en.dashboard.uid}-zh-cn`);
      expect(zh.tags).toEqual(['busybench', 'zh-CN']);
      expect(
        dashboardQueries(zh).map((q) => q.expr),
        path,
      ).toEqual(dashboardQueries(en.dashboard).map((q) => q.expr));
      const layout = (d: Dashboard) => panelsOf(d).map((p) => [p.type, p.gridPos]);
      expect(layout(zh), path).toEqual(layout(en.dashboard));
      const texts = (d: Dashboard) => [
        d.title ?? '',
        d.description ?? '',
        ...panelsOf(d).flatMap((p) => [
          p.title ?? '',
          p.type === 'row' ? '' : ((p as Panel).description ?? ''),
        ]),
      ];
      for (const [j, text] of texts(zh).entries()) {
        if (text === '') continue;
        expect(hasHan(text), `${path}: "${text}" is not Chinese`).toBe(true);
        expect(text, path).not.toBe(texts(en.dashboard)[j]);
      }
    }
  });

  it('compare strategies one series each: a strategy variable and every client query split by strategy', () => {
    const comparison = english.find((b) => b.path === 'strategy-comparison.json')?.dashboard as Dashboard;
    expect(variablesOf(comparison).find((v) => v.name === 'strategy')).toMatchObject({
      type: 'query',
      multi: true,
      includeAll: true,
      allValue: '.+',
    });
    const queries = dashboardQueries(comparison);
    expect(queries.length).toBeGreaterThan(10);
    for (const { panel, expr } of queries) {
      expect(expr, panel).toContain('strategy=~"$strategy"');
      expect(expr, panel).toMatch(/ by \((le, )?strategy(, outcome)?\)/);
    }
  });

  it("the SLO dashboard reads only series Sloth's generated rules record, and every SLO in the spec has them", () => {
    const dir = join(packageRoot(), 'alerts', 'slos', 'generated');
    const records = new Set<string>();
    const slos = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.rules.yml'))) {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as {
        groups: Array<{ rules: Array<{ record?: string; labels?: Record<string, string> }> }>;
      };
      for (const rule of doc.groups.flatMap((g) => g.rules))
        if (rule.record) {
          records.add(rule.record);
          if (rule.labels?.sloth_slo) slos.add(rule.labels.sloth_slo);
        }
    }
    const spec = parse(
      readFileSync(join(packageRoot(), 'alerts', 'slos', 'busybench.sloth.yml'), 'utf8'),
    ) as {
      slos: Array<{ name: string }>;
    };
    // The panels take the SLOs from the rules, so an SLO of the spec shows once its rules exist.
    for (const { name } of spec.slos) expect(slos, name).toContain(name);
    const dashboard = english.find((b) => b.path === 'slo.json')?.dashboard as Dashboard;
    const used = new Set(
      dashboardQueries(dashboard).flatMap(({ expr }) =>
        [...expr.matchAll(/\b(slo:[a-z_:]+)(?=\{)/g)].map((m) => m[1]),
      ),
    );
    expect(used.size).toBeGreaterThan(4);
    for (const name of used) expect(records, name).toContain(name);
    expect([...records].some((r) => /^slo:sli_error:ratio_rate.+/.test(r))).toBe(true);
    expect(records).toContain('sloth_slo_info');
    const burn = panelsOf(dashboard).find((p) => (p as Panel).repeat === 'sloth_slo') as Panel;
    expect(burn.targets?.length).toBe(1);
  });

  it("are read by the Grafana docker-compose runs: the SDK's schema version, the Grafana it was made for", () => {
    for (const { path, dashboard } of built) expect(dashboard.schemaVersion, path).toBe(SCHEMA_VERSION);
    const compose = parse(readFileSync(join(packageRoot(), 'docker-compose.yml'), 'utf8')) as {
      services: { grafana: { image: string } };
    };
    expect(compose.services.grafana.image).toBe(`grafana/grafana:${GRAFANA_VERSION}`);
  });

  it('are provisioned, both languages: a datasource and a provider whose path docker-compose mounts', () => {
    const root = join(JSON_DIR, '..', 'provisioning');
    expect(existsSync(join(root, 'datasources', 'busybench.yml'))).toBe(true);
    const provider = parse(readFileSync(join(root, 'dashboards', 'busybench.yml'), 'utf8')) as {
      providers: Array<{ options: { path: string }; folder: string }>;
    };
    expect(provider.providers.map((p) => p.options.path)).toContain('/var/lib/grafana/dashboards/busybench');
    const compose = parse(readFileSync(join(packageRoot(), 'docker-compose.yml'), 'utf8')) as {
      services: { grafana: { volumes: string[] } };
    };
    expect(compose.services.grafana.volumes).toContain(
      './dashboards/json:/var/lib/grafana/dashboards/busybench:ro',
    );
  });
});
