import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { packageRoot } from '../../common/paths.js';

/**
 * The configuration files of the local stack, made from the project's own (alerts/) so that
 * what runs here is what the tests and docker-compose check: Prometheus scraping the mock nodes
 * and the collector every second with the project's rules, Alertmanager sending to the collector.
 */
export const ALERTS_DIR = join(packageRoot(), 'alerts');
export const RULE_FILES = ['busybench-recording.yml', 'busybench-alerts.yml'].map((f) =>
  join(ALERTS_DIR, 'rules', f),
);

/** Scrape jobs read their targets from files, so `busybench run` can point them elsewhere live. */
export const TARGET_JOBS = ['busybench-mock', 'busybench-collector', 'busybench-strategy'] as const;
export type TargetJob = (typeof TARGET_JOBS)[number];

export function prometheusConfig(o: {
  targetsDir: string;
  /** host:port of Alertmanager and of Prometheus itself. */
  alertmanager: string;
  prometheus: string;
  scrapeInterval: string;
}): string {
  return stringify({
    global: { scrape_interval: o.scrapeInterval, evaluation_interval: o.scrapeInterval },
    rule_files: RULE_FILES,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [o.alertmanager] }] }] },
    scrape_configs: [
      ...TARGET_JOBS.map((job) => ({
        job_name: job,
        file_sd_configs: [{ files: [join(o.targetsDir, `${job}.json`)], refresh_interval: '5s' }],
      })),
      { job_name: 'prometheus', static_configs: [{ targets: [o.prometheus] }] },
      { job_name: 'alertmanager', static_configs: [{ targets: [o.alertmanager] }] },
    ],
  });
}

/** A file_sd target list: host:port of each URL. */
export function targetsFile(urls: readonly string[]): string {
  return `${JSON.stringify([{ targets: urls.map((u) => new URL(u).host), labels: {} }], null, 2)}\n`;
}

/** The project's Alertmanager config with the webhook pointed at this collector. */
export function alertmanagerConfig(collectorUrl: string, file = 'alertmanager.yml'): string {
  const text = readFileSync(join(ALERTS_DIR, file), 'utf8');
  return text.replace('http://127.0.0.1:9464/api/alerts', `${collectorUrl.replace(/\/+$/, '')}/api/alerts`);
}
