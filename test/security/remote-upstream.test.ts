import { describe, expect, it } from 'vitest';
import { requireBuild, runCli } from '../cli/cli-helpers.js';

/**
 * `busybench load` refuses remote targets; a strategy proxy on loopback in front of a remote API
 * (`strategy -u https://remote`) got round that at 94b6d0d. Its upstreams follow the same rule.
 */
describe('busybench strategy -u', () => {
  it('refuses an upstream off this machine without --allow-remote, in one line each, exit 2', async () => {
    requireBuild();
    const run = await runCli(
      ['strategy', 'passthrough', '-u', 'http://10.1.2.3:8000,http://localhost@192.0.2.7:80', '-p', '0'],
      20_000,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('refusing to load http://10.1.2.3:8000');
    expect(run.stderr).toContain('host 192.0.2.7 has address 192.0.2.7');
    expect(run.stderr).toContain('--allow-remote');
  });
});
