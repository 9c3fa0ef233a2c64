import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { admin, startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/**
 * `POST /admin/scenario {"name": "<any path>"}` opened any file the mock could read, and a YAML
 * file came back quoted in the parse error (94b6d0d). A name is now a built-in's only.
 */
describe("the mock's scenario by name", () => {
  it('opens no path it is sent, and says nothing of the file', async () => {
    mock = await startMock();
    const dir = mkdtempSync(join(tmpdir(), 'busybench-secret-'));
    const secret = join(dir, 'secret.yaml');
    writeFileSync(secret, 'x: y: topsecret-line\n');
    const valid = join(dir, 'valid.yaml');
    writeFileSync(valid, 'name: mine\nduration: 10s\nphases:\n  - at: 0s\n    name: calm\n');
    for (const name of [secret, valid, '/etc/passwd', '../../../etc/passwd', 'outage-recovery/../../x']) {
      const res = await admin(mock.url, 'POST', '/admin/scenario', { name });
      expect(res.status, name).toBe(400);
      expect(res.json.error.code, name).toBe('MOCK_ERR_SCENARIO_NOT_FOUND');
      expect(JSON.stringify(res.json), name).not.toContain('topsecret');
      expect(res.json.error.message, name).toContain('send a scenario of your own inline');
    }
    // A built-in by name, and a scenario inline, still play.
    expect((await admin(mock.url, 'POST', '/admin/scenario', { name: 'outage-recovery' })).status).toBe(200);
    const inline = { name: 'mine', duration: '10s', phases: [{ at: '0s', name: 'calm' }] };
    expect((await admin(mock.url, 'POST', '/admin/scenario', { scenario: inline })).json.phase).toBe('calm');
  });
});
