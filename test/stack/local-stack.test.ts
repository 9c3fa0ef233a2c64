import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULE_FILES, SLO_RULE_FILES } from '../../stack/src/stack-config.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { freePort, requireTool } from '../helpers/tools.js';

beforeAll(() => {
  requireBuild();
  requireTool('prometheus', 'prometheus');
  requireTool('prometheus-alertmanager', 'prometheus-alertmanager');
});

describe('busybench stack up|down', () => {
  it("starts Debian's Prometheus and Alertmanager with busybench's config, and stops them", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'busybench-stack-')), 'stack');
    const [prom, am] = [await freePort(), await freePort()];
    const args = ['--dir', dir, '--prometheus-port', String(prom), '--alertmanager-port', String(am)];
    const up = await runCli(
      ['stack', 'up', ...args, '--mock', 'http://127.0.0.1:8000,http://127.0.0.1:8001'],
      60_000,
    );
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`prometheus http://127.0.0.1:${prom}`);
    try {
      const rules = (await (await fetch(`http://127.0.0.1:${prom}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: unknown[] }> };
      };
      // Every rule of the project's files: the hand-written ones (34) and the SLOs Sloth made.
      const inFiles = [...RULE_FILES, ...SLO_RULE_FILES].reduce(
        (n, f) =>
          n +
          (parse(readFileSync(f, 'utf8')).groups as Array<{ rules: unknown[] }>).reduce(
            (k, g) => k + g.rules.length,
            0,
          ),
        0,
      );
      expect(inFiles).toBeGreaterThan(34);
      expect(rules.data.groups.flatMap((g) => g.rules).length).toBe(inFiles);
      // Remote write is on: an empty write is a bad request, not a missing endpoint.
      expect((await fetch(`http://127.0.0.1:${prom}/api/v1/write`, { method: 'POST' })).status).toBe(400);
      // The scrape targets come from files, picked up within seconds.
      let jobs: string[] = [];
      for (let i = 0; i < 40 && !jobs.includes('busybench-mock'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        const t = (await (await fetch(`http://127.0.0.1:${prom}/api/v1/targets`)).json()) as {
          data: { activeTargets: Array<{ labels: { job: string } }> };
        };
        jobs = t.data.activeTargets.map((x) => x.labels.job);
      }
      expect(jobs.filter((j) => j === 'busybench-mock')).toHaveLength(2);
      expect(jobs).toContain('busybench-collector');
      const status = (await (await fetch(`http://127.0.0.1:${am}/api/v2/status`)).json()) as {
        config: { original: string };
      };
      expect(status.config.original).toContain('http://127.0.0.1:9464/api/alerts');
      // A second up is a no-op on what runs.
      const pid = readFileSync(join(dir, 'prometheus.pid'), 'utf8');
      expect((await runCli(['stack', 'up', ...args], 60_000)).code).toBe(0);
      expect(readFileSync(join(dir, 'prometheus.pid'), 'utf8')).toBe(pid);
    } finally {
      const down = await runCli(['stack', 'down', '--dir', dir], 30_000);
      expect(down.stdout).toContain('stopped');
    }
    await expect(fetch(`http://127.0.0.1:${prom}/-/ready`)).rejects.toThrow();
    expect((await runCli(['stack', 'down', '--dir', dir])).stdout).toContain('nothing was running');
  }, 120_000);

  it('says what is wrong with its flags, all at once, exit 2', async () => {
    const r = await runCli(['stack', 'up', '--prometheus-port', 'x', '--mock', 'ftp://a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prometheus-port "x" is not a port/);
    expect(r.stderr).toMatch(/--mock: "ftp:\/\/a" is not an http\(s\) URL/);
  });
});
