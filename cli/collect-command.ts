import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { reportPage } from '../collector/src/html-page.js';
import { createCollector } from '../collector/src/live-server.js';
import { packageRoot } from '../mock-server/src/paths.js';
import { fail } from './fail.js';
import { portFlag, throwIfProblems, urlsFlag } from './flag-checks.js';
import { loadSla } from './sla-file.js';

interface CollectFlags {
  results: string;
  host: string;
  port: string;
  runId?: string;
  upstream?: string;
  sla?: string;
  html?: string;
}

/**
 * Follows a run's results while the load generator writes them and serves it live: the page at /, Prometheus
 * text at /metrics, JSON at /api/live and /api/steps, Alertmanager's webhook at /api/alerts.
 * Ctrl-C stops it (and writes the final HTML report when asked to).
 */
export function collectCommand(): Command {
  return new Command('collect')
    .description("follow a run's results live (busybench load --results): live page, /metrics, alert webhook")
    .requiredOption(
      '-r, --results <file>',
      'the results file the load generator is writing (need not exist yet)',
    )
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('-p, --port <port>', 'port for the live page, /metrics, /api/* and the webhook', '9464')
    .option('--run-id <id>', 'run_id label (default: the time it started)')
    .option(
      '-u, --upstream <urls>',
      'mock nodes to scrape (comma-separated): amplification, error masking, fault phases for recovery time',
    )
    .option('--sla <file>', 'SLA to judge live and bound goodput with (default loadtests/sla.yaml)')
    .option('--html <file>', 'on stop, write the final report here (self-contained HTML)')
    .action(async (flags: CollectFlags) => {
      try {
        const problems: string[] = [];
        const port = portFlag('port', flags.port, problems, true);
        if (flags.results.endsWith('.gz'))
          problems.push(
            'live following needs plain NDJSON (a .gz file is only complete at the end); use busybench report for it',
          );
        const upstream = urlsFlag('upstream', flags.upstream ?? '', problems);
        throwIfProblems(problems);
        const sla = loadSla(flags.sla ?? join(packageRoot(), 'loadtests', 'sla.yaml'));
        const runId = flags.runId ?? new Date().toISOString();
        const collector = createCollector({ results: flags.results, runId, sla, upstream });
        const stop = async () => {
          await collector.stop();
          if (flags.html) {
            writeFileSync(flags.html, reportPage(collector.view(false)));
            process.stdout.write(`busybench collect: report written to ${flags.html}\n`);
          }
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
        await collector.app.listen({ host: flags.host, port });
        const address = collector.app.server.address();
        const shown = typeof address === 'object' && address ? address.port : port;
        process.stdout.write(
          `busybench collect following ${flags.results}: live page http://${flags.host}:${shown}/ ` +
            `(metrics /metrics, alert webhook /api/alerts)\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
}
