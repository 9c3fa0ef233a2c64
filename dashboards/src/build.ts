import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../common/paths.js';
import { mockUpstream } from './mock-upstream.js';
import type { GrafanaPanel } from './panels.js';
import { sloAlerts } from './slo-alerts.js';
import { steppedStress } from './stepped-stress.js';

/** Every dashboard by its file name under dashboards/json/ (what Grafana provisions). */
export const DASHBOARDS: Record<string, unknown> = {
  'stepped-stress.json': steppedStress,
  'mock-upstream.json': mockUpstream,
  'slo-alerts.json': sloAlerts,
};

export const JSON_DIR = join(packageRoot(), 'dashboards', 'json');

export const render = (d: unknown) => `${JSON.stringify(d, null, 2)}\n`;

/** Every query of a dashboard's panels, with the panel's title (the tests run each one). */
export function dashboardQueries(d: unknown): Array<{ panel: string; expr: string }> {
  const dash = d as { panels: Array<GrafanaPanel & { targets?: Array<{ expr: string }> }> };
  return dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

/** `npm run dashboards`: writes the JSON; a test fails when the committed files drift from this. */
if (process.argv[1]?.endsWith('build.js')) {
  mkdirSync(JSON_DIR, { recursive: true });
  for (const [file, d] of Object.entries(DASHBOARDS)) writeFileSync(join(JSON_DIR, file), render(d));
  process.stdout.write(`dashboards: wrote ${Object.keys(DASHBOARDS).join(', ')} to ${JSON_DIR}\n`);
}
