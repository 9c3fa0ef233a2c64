import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allDashboards, JSON_DIR, render } from './all-dashboards.js';

/** `npm run dashboards`: writes the JSON; a test fails when the committed files drift from this. */
const built = allDashboards();
for (const { path, dashboard } of built) {
  mkdirSync(dirname(join(JSON_DIR, path)), { recursive: true });
  writeFileSync(join(JSON_DIR, path), render(dashboard));
}
process.stdout.write(`dashboards: wrote ${built.map((b) => b.path).join(', ')} to ${JSON_DIR}\n`);
