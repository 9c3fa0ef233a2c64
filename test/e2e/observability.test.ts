import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/live-server.js';
import { allDashboards, dashboardQueries } from '../../dashboards/src/all-dashboards.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { setTargets } from '../../stack/src/local-stack.js';
import { requireBuild, runCli, startCli } from '../cli/cli-helpers.js';
import { admin, type TestMock } from '../helpers/mock.js';
import { type Observed, startObserved } from '../helpers/observed-stack.js';

/**
 * The whole observability path, for real: the mock plays an outage, the engine runs a stepped test
 * through a bulkhead in front of it, the collector follows it (and scrapes the bulkhead's queue), Debian's Prometheus scrapes both with the project's rules (the Sloth SLOs'
 * too) and sends to Debian's Alertmanager, which calls the collector's webhook. A second
 * collector, `busybench collect --strategy retry`, follows the same run as a compare run's
 * collector does, so the client series come in two strategies (`unnamed`, the first's default,
 * and `retry`), each under its own run id as in a compare run. Then every dashboard panel's query is run through Prometheus's HTTP API and must
 * return data; the strategy comparison's, one series per strategy.
 */

let mock: TestMock;
let collector: Collector;
let prometheus: string;
let observed: Observed | undefined;
let retryCollector: ReturnType<typeof startCli> | undefined;
const dir = mkdtempSync(join(tmpdir(), 'busybench-obs-'));
const started = Date.now();

beforeAll(async () => {
  requireBuild();
  engineBinary();
  observed = await startObserved(dir, 'obs', 20);
  ({ mock, collector, prometheus } = observed);
  // The same results under another name: each collector keeps its events beside the file it follows.
  symlinkSync(join(dir, 'results.json'), join(dir, 'results-retry.json'));
  retryCollector = startCli(
    [
      ...['collect', '-r', join(dir, 'results-retry.json'), '-p', '0', '--run-id', 'obs-retry'],
      ...['--strategy', 'retry', '-u', mock.url],
    ],
    /live page http:\/\/127\.0\.0\.1:(\d+)\//,
  );
  const retryPort = /127\.0\.0\.1:(\d+)/.exec(await retryCollector.output)?.[1];
  const address = collector.app.server.address();
  const firstPort = typeof address === 'object' && address ? address.port : 0;
  setTargets(join(dir, 'stack'), 'busybench-collector', [
    `http://127.0.0.1:${firstPort}`,
    `http://127.0.0.1:${retryPort}`,
  ]);
}, 60_000);

afterAll(async () => {
  if (retryCollector) {
    retryCollector.child.kill('SIGTERM');
    await retryCollector.exited;
  }
  await observed?.stop();
});

const firing = (name: string) =>
  collector.events.alerts.some((a) => a.alertname === name && a.status === 'firing');
const resolved = (name: string) =>
  collector.events.alerts.some((a) => a.alertname === name && a.status === 'resolved');

/**
 * The availability SLO's burn-rate page in compressed windows (Sloth's, alerts/slos/), one per
 * run and strategy: the first collector's (strategy `unnamed`) notifications, in order.
 */
const BURN = 'BusybenchAvailabilityBudgetBurnCompressed';
const burnPages = (strategy = 'unnamed') =>
  collector.events.alerts.filter(
    (a) => a.alertname === BURN && a.labels.severity === 'page' && a.labels.strategy === strategy,
  );

async function until(what: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 500));
  return what();
}

describe('alerts and dashboards against a real Prometheus and Alertmanager', () => {
  it("an outage fires the availability SLO's compressed burn-rate page and the 5xx alert at the webhook; they resolve after recovery", async () => {
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
        // Through a bulkhead (room for 64): its queue is what the queue panel shows.
        observed?.strategy as string,
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
        // Users, so the fairness panels have their series.
        '--users',
        '50:zipf:1.1',
        '--results',
        join(dir, 'results.json'),
        '--summary',
        join(dir, 'summary.json'),
      ],
      120_000,
    );
    expect(load.code).toBe(99); // the outage breaks the SLA
    expect(
      burnPages().some((a) => a.status === 'firing'),
      JSON.stringify(collector.events.alerts),
    ).toBe(true);
    expect(firing('Frequent5xx')).toBe(true);
    // The 5 s and 30 s windows clear within a minute of the outage's end; the 1-minute 5xx count a
    // minute later.
    expect(
      await until(() => burnPages().some((a) => a.status === 'resolved') && resolved('Frequent5xx'), 90_000),
    ).toBe(true);
    const pages = burnPages();
    expect(pages[0]?.status).toBe('firing');
    expect(pages.at(-1)?.status).toBe('resolved');
    expect(pages[0]?.labels.run_id).toBe('obs');
    // The strategy label reaches the SLO's alerts: the retry collector's series (its own run id,
    // so the first collector's webhook, which keeps its own run's alerts, does not take them)
    // burned on their own in Prometheus.
    const params = new URLSearchParams({
      query: `ALERTS{alertname="${BURN}",severity="page",run_id="obs-retry",strategy="retry"}`,
      start: String(started / 1000),
      end: String(Date.now() / 1000),
      step: '1',
    });
    const retryBurn = (await (await fetch(`${prometheus}/api/v1/query_range?${params}`)).json()) as {
      data?: { result: unknown[] };
    };
    expect(retryBurn.data?.result.length, JSON.stringify(retryBurn)).toBeGreaterThan(0);
    expect(burnPages('retry')).toEqual([]);
    // Recovery was measured from the phases the collector scraped.
    expect(collector.view().recovery).toEqual([
      expect.objectContaining({ phase: 'outage', status: 'recovered' }),
    ]);
  }, 200_000);

  it("every dashboard panel's query returns data from that run; the strategy comparison's, one series per strategy", async () => {
    const end = Date.now() / 1000;
    // Grafana's variables as Grafana fills them for this run: every value ("All"), and the range
    // of the time picker over the run.
    // A variable's All is its own regex (`.+`, or `.*` for a label some series lack).
    const fill = (expr: string, all: ReadonlyMap<string, string>) =>
      expr
        .replaceAll('$__rate_interval', '5s')
        .replaceAll('$__range', `${Math.ceil(end - started / 1000)}s`)
        .replace(/\$(\w+)\b/g, (whole, name: string) => all.get(name) ?? whole);
    const failures: string[] = [];
    let checked = 0;
    // The Chinese set has the same queries (test/dashboards/build.test.ts): the English one is run.
    for (const { path, dashboard } of allDashboards().filter((b) => b.locale === 'en')) {
      const all = new Map(
        (dashboard.templating?.list ?? []).flatMap((v) =>
          v.type === 'query' ? [[v.name, v.allValue ?? '.+'] as const] : [],
        ),
      );
      for (const { panel, expr } of dashboardQueries(dashboard)) {
        const query = fill(expr, all);
        if (/\$\w/.test(query)) failures.push(`${path} / ${panel}: a variable left unfilled (${query})`);
        const params = new URLSearchParams({
          query,
          start: String(started / 1000),
          end: String(end),
          step: '2',
        });
        const res = (await (await fetch(`${prometheus}/api/v1/query_range?${params}`)).json()) as {
          status: string;
          error?: string;
          data?: { result: Array<{ metric: Record<string, string> }> };
        };
        checked++;
        const series = res.data?.result ?? [];
        if (res.status !== 'success') failures.push(`${path} / ${panel}: ${res.error} (${query})`);
        else if (series.length === 0) failures.push(`${path} / ${panel}: no data (${query})`);
        else if (path === 'strategy-comparison.json') {
          const strategies = [...new Set(series.map((s) => s.metric.strategy))].sort();
          if (strategies.join() !== 'retry,unnamed')
            failures.push(
              `${path} / ${panel}: strategies ${strategies.join()}, want retry,unnamed (${query})`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(70);
  }, 120_000);
});
