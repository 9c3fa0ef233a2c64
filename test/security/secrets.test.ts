import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../cli/load-command.js';
import { runCli } from '../cli/cli-helpers.js';
import { mockProcess, withEngineAndMocks } from '../helpers/mock-process.js';

withEngineAndMocks();

const flags = {
  target: 'http://127.0.0.1:8000',
  profile: 'smoke',
  ramp: '0s',
  timeout: '60s',
  engine: 'engine',
};

/**
 * Keys and credentials stay out of the command line and out of files others can read: plan files
 * with keys were 0644 and a password in a target URL was written to results (issue 26).
 */
describe('secrets', () => {
  it('--keys takes @FILE and env:NAME, so keys need not stand in the command line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'busybench-keys-')), 'keys');
    writeFileSync(file, 'sk-one\nsk-two\n');
    expect((await loadPlan({ ...flags, keys: `@${file}` })).mix.keys).toEqual(['sk-one', 'sk-two']);
    process.env.BUSYBENCH_TEST_KEYS = 'sk-a,sk-b';
    expect((await loadPlan({ ...flags, keys: 'env:BUSYBENCH_TEST_KEYS' })).mix.keys).toEqual([
      'sk-a',
      'sk-b',
    ]);
    delete process.env.BUSYBENCH_TEST_KEYS;
    await expect(loadPlan({ ...flags, keys: 'env:BUSYBENCH_TEST_KEYS' })).rejects.toThrow(
      '--keys env:BUSYBENCH_TEST_KEYS: the environment variable BUSYBENCH_TEST_KEYS is not set',
    );
    await expect(loadPlan({ ...flags, keys: '@/nonexistent/keys' })).rejects.toThrow(
      '--keys @/nonexistent/keys: cannot read it (ENOENT)',
    );
  });

  it('writes the plan (its keys) 0600, and no password of a target URL into results or the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-secrets-'));
    const mock = await mockProcess({});
    const target = mock.url.replace('http://', 'http://someone:pa55word@');
    const summary = join(dir, 's.json');
    const results = join(dir, 'r.ndjson');
    const run = await runCli(
      [
        'load',
        '-t',
        target,
        '-p',
        'smoke',
        '-r',
        '5',
        '-d',
        '1s',
        '--keys',
        'sk-busybench',
        '--summary',
        summary,
        '--results',
        results,
        '-q',
      ],
      30_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const plan = join(dir, 's.plan.json');
    expect(statSync(plan).mode & 0o777).toBe(0o600);
    for (const f of [summary, results]) expect(readFileSync(f, 'utf8'), f).not.toContain('pa55word');
    expect(run.stdout + run.stderr).not.toContain('pa55word');
  }, 60_000);
});
