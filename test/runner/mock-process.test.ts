import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MOCK_NODE_FLAGS } from '../../common/mock-node-flags.js';
import { startMockProcess, startScenario } from '../../runner/src/mock-process.js';
import { requireBuild } from '../cli/cli-helpers.js';
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

describe('startMockProcess: the mock run and compare start', () => {
  it("runs with the mock's Node flags, before the script, and answers", async () => {
    requireBuild();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-mock-flags-'));
    const started = await startMockProcess({ nodes: 1, log: join(dir, 'mock.log') });
    try {
      const argv = readFileSync(`/proc/${started.pid}/cmdline`, 'utf8').split('\0');
      expect(argv.slice(1, 1 + MOCK_NODE_FLAGS.length)).toEqual([...MOCK_NODE_FLAGS]);
      expect(argv[1 + MOCK_NODE_FLAGS.length]).toMatch(/bin\/busybench\.js$/);
      expect(
        (await fetch(`${started.urls[0]}/models`, { headers: { authorization: 'Bearer sk-busybench' } }))
          .status,
      ).toBe(200);
    } finally {
      await started.stop();
    }
  });
});
