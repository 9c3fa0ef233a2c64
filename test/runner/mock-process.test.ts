import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScenario } from '../../runner/src/mock-process.js';
import { admin, startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('startScenario: what run and compare play on the mock', () => {
  it('sends a file of its own inline (the mock opens no path), a built-in by name', async () => {
    mock = await startMock({ server: { nodes: 2 } });
    const urls = mock.cluster.nodes.map((n) => n.url);
    const file = join(mkdtempSync(join(tmpdir(), 'busybench-scenario-')), 'mine.yaml');
    writeFileSync(file, 'name: mine\nduration: 1m\nphases:\n  - at: 0s\n    name: mine-calm\n');
    await startScenario(urls, file, 2);
    for (const u of urls) expect((await admin(u, 'GET', '/admin/scenario')).json.phase).toBe('mine-calm');
    await startScenario(urls, 'outage-recovery', 1);
    for (const u of urls)
      expect((await admin(u, 'GET', '/admin/scenario')).json.scenario).toBe('outage-recovery');
    await expect(startScenario(urls, join(tmpdir(), 'missing.yaml'), 1)).rejects.toThrow(/cannot read/);
  });
});
