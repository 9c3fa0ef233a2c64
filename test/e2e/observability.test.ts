import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/live-server.js';
import { DASHBOARDS, dashboardQueries } from '../../dashboards/src/build.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { requireBuild, runCli } from '../cli/cli-helpers.js';
import { admin, type TestMock } from '../helpers/mock.js';
import { type Observed, startObserved } from '../helpers/observed-stack.js';

/**
 * The whole observability path, for real: the mock plays an outage, the engine runs a stepped test, the
 * collector follows it, Debian's Prometheus scrapes both with the project's rules and sends to
 * Debian's Alertmanager, which calls the collector's webhook. Then every dashboard panel's query
 * is run through Prometheus's HTTP API and must return data.
 */

let mock: TestMock;
let collector: Collector;
let prometheus: string;
let observed: Observed | undefined;
const dir = mkdtempSync(join(tmpdir(), 'busybench-obs-'));
const started = Date.now();

beforeAll(async () => {
  requireBuild();
  engineBinary();
  observed = await startObserved(dir, 'obs', 20);
  ({ mock, collector, prometheus } = observed);
}, 60_000);

afterAll(async () => {
  await observed?.stop();
});

const firing = (name: string) =>
  collector.events.alerts.some((a) => a.alertname === name && a.status === 'firing');
const resolved = (name: string) =>
  collector.events.alerts.some((a) => a.alertname === name && a.status === 'resolved');

async function until(what: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 500));
  return what();
}

describe('alerts and dashboards against a real Prometheus and Alertmanager', () => {
  it('an outage fires the compressed burn-rate and 5xx alerts at the webhook; they resolve after recovery', async () => {
    await admin(mock.url, 'POST', '/admin/scenario', {
      scenario: {
        name: 'obs-outage',
        duration: '10m',
        phases: [
          { at: '0s', name: 'calm' },
          {
            at: '12s',
            name: 'outage',
            set: { faults: { errors: { '503': 0.7 } }, capacity: { maxInFlight: 1 } },
          },
          { at: '24s', name: 'recovered' },
        ],
      },
    });
    const load = await runCli(
      [
        'load',
        '-t',
        mock.url,
        '-p',
        'stepped',
        '-r',
        '20,40',
        '-d',
        '20s',
        '--ramp',
        '1s',
        '-q',
        '--stream-ratio',
        '0.3',
        '--results',
        join(dir, 'results.json'),
        '--summary',
        join(dir, 'summary.json'),
      ],
      120_000,
    );
    expect(load.code).toBe(99); // the outage breaks the SLA
    expect(firing('BusybenchBenchBurnFast'), JSON.stringify(collector.events.alerts)).toBe(true);
    expect(firing('Frequent5xx')).toBe(true);
    // The 5 s window clears within seconds of the outage's end; the 1-minute 5xx count a minute later.
    expect(await until(() => resolved('BusybenchBenchBurnFast') && resolved('Frequent5xx'), 90_000)).toBe(
      true,
    );
    const fast = collector.events.alerts.filter((a) => a.alertname === 'BusybenchBenchBurnFast');
    expect(fast[0]?.status).toBe('firing');
    expect(fast.at(-1)?.status).toBe('resolved');
    expect(fast[0]?.labels.run_id).toBe('obs');
    // Recovery was measured from the phases the collector scraped.
    expect(collector.view().recovery).toEqual([
      expect.objectContaining({ phase: 'outage', status: 'recovered' }),
    ]);
  }, 200_000);

  it("every dashboard panel's query returns data from that run", async () => {
    const end = Date.now() / 1000;
    const failures: string[] = [];
    for (const [file, d] of Object.entries(DASHBOARDS)) {
      for (const { panel, expr } of dashboardQueries(d)) {
        // Grafana's variables as Grafana would fill them for this run.
        const query = expr.replaceAll('$run_id', '.+').replaceAll('$__rate_interval', '5s');
        const params = new URLSearchParams({
          query,
          start: String(started / 1000),
          end: String(end),
          step: '2',
        });
        const res = (await (await fetch(`${prometheus}/api/v1/query_range?${params}`)).json()) as {
          status: string;
          error?: string;
          data?: { result: unknown[] };
        };
        if (res.status !== 'success') failures.push(`${file} / ${panel}: ${res.error} (${query})`);
        else if ((res.data?.result.length ?? 0) === 0)
          failures.push(`${file} / ${panel}: no data (${query})`);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
