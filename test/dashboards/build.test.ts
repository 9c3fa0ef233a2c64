import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, dashboardQueries, JSON_DIR, render } from '../../dashboards/src/build.js';
import { DATASOURCE, type GrafanaPanel } from '../../dashboards/src/panels.js';

describe('dashboards as code', () => {
  it('the committed JSON is what the code builds (run npm run dashboards after a change)', () => {
    expect(readdirSync(JSON_DIR).sort()).toEqual(Object.keys(DASHBOARDS).sort());
    for (const [file, d] of Object.entries(DASHBOARDS))
      expect(readFileSync(join(JSON_DIR, file), 'utf8'), `${file} drifted`).toBe(render(d));
  });

  it('read Prometheus through the datasource variable only, never a fixed uid', () => {
    for (const [file, d] of Object.entries(DASHBOARDS)) {
      const text = render(d);
      const uids = [...text.matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1]);
      // The dashboard's own uid, then only the variable.
      expect(new Set(uids.slice(1)), file).toEqual(new Set([DATASOURCE.uid]));
      const vars = (d as { templating: { list: Array<{ name: string; type: string }> } }).templating.list;
      expect(vars[0]).toMatchObject({ name: 'datasource', type: 'datasource' });
    }
  });

  it('lay panels on the grid without overlaps, each with a query', () => {
    for (const [file, d] of Object.entries(DASHBOARDS)) {
      const panels = (d as { panels: GrafanaPanel[] }).panels;
      const cells = new Set<string>();
      for (const p of panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w, `${file}: ${p.title}`).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            expect(cells.has(`${i},${j}`), `${file}: ${p.title} overlaps`).toBe(false);
            cells.add(`${i},${j}`);
          }
      }
      expect(dashboardQueries(d).length).toBeGreaterThan(8);
    }
  });

  it('are provisioned: a datasource and a provider whose path docker-compose mounts', () => {
    const root = join(JSON_DIR, '..', 'provisioning');
    expect(existsSync(join(root, 'datasources', 'busybench.yml'))).toBe(true);
    expect(readFileSync(join(root, 'dashboards', 'busybench.yml'), 'utf8')).toContain(
      'path: /var/lib/grafana/dashboards/busybench',
    );
  });
});
