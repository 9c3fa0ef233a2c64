import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { type BatchLimits, DEFAULT_BATCH_LIMITS, LIMIT_FLAGS } from '../collector/src/batch-limits.js';
import { reportPage } from '../collector/src/html-page.js';
import { createCollector } from '../collector/src/live-server.js';
import { readTokenFile } from '../common/bearer-token.js';
import { loadSla } from '../common/sla/sla-file.js';
import { isLoopbackAddress } from '../loadtests/guard.js';
import { fail } from './fail.js';
import { portFlag, throwIfProblems, urlsFlag } from './flag-checks.js';
import { LANG_OPTION, langFlag } from './lang-flag.js';

/**
 * A label value a dashboard legend shows whole: what run and compare name strategies (`retry`,
 * chains such as `retry+breaker`, a URL's host and port), no spaces, quotes or braces.
 */
const STRATEGY_LABEL = /^[A-Za-z0-9_.+:/@-]{1,128}$/;

interface CollectFlags {
  results?: string;
  receive?: string;
  host: string;
  port: string;
  runId?: string;
  strategy?: string;
  upstream?: string;
  strategyMetrics?: string;
  sla?: string;
  html?: string;
  lang?: string;
  maxBatchBytes?: string;
  maxInflatedBytes?: string;
  maxBatchLines?: string;
  maxRunners?: string;
  maxSteps?: string;
  tokenFile?: string;
  insecure?: boolean;
  fsync?: boolean;
}

/** Each limit's flag (batch-limits.ts), its key and what it bounds. */
const LIMIT_OPTIONS = [
  ['maxBatchBytes', 'a shipped batch as sent, bytes'],
  ['maxInflatedBytes', 'a shipped batch once inflated (gzip), bytes'],
  ['maxBatchLines', 'lines in one shipped batch'],
  ['maxRunners', 'runners shipping to this collector'],
  ['maxSteps', "steps of a runner's plan"],
] as const;

/**
 * Follows a run's results while the load generator writes them and serves it live: the page at /, Prometheus
 * text at /metrics, JSON at /api/live and /api/steps, Alertmanager's webhook at /api/alerts.
 * Ctrl-C stops it (and writes the final HTML report when asked to).
 */
export function collectCommand(): Command {
  const command = new Command('collect')
    .description("follow a run's results live (busybench load --results): live page, /metrics, alert webhook")
    .option('-r, --results <file>', 'the results file the load generator is writing (need not exist yet)')
    .option(
      '--receive <dir>',
      'take results runners ship over HTTP (busybench load --ship) at POST /api/results; kept in <dir>, one file per runner, read back on restart',
    )
    .option(
      '--host <host>',
      'address to bind (beyond loopback: give --token-file, or say --insecure)',
      '127.0.0.1',
    )
    .option(
      '--token-file <file>',
      'posts (shipped results, the alert webhook) must carry this token: Authorization: Bearer <token> (one line, at least 32 characters)',
    )
    .option(
      '--insecure',
      'listen beyond loopback without a token: anyone who reaches the port may post results and alerts',
    )
    .option('-p, --port <port>', 'port for the live page, /metrics, /api/* and the webhook', '9464')
    .option('--run-id <id>', 'run_id label (default: the time it started)')
    .option(
      '--strategy <name>',
      'strategy label on every series: the strategy the clients went through (default: unnamed); dashboards compare by it',
    )
    .option(
      '-u, --upstream <urls>',
      'mock nodes to scrape (comma-separated; dns+http://name:port: every address the name resolves to): amplification, error masking, fault phases for recovery time',
    )
    .option(
      '--strategy-metrics <urls>',
      "the strategy's address (comma-separated; its /metrics is read): its queue, busybench_strategy_queue_length, each scrape, for the SLA's queueLength line",
    )
    .option(
      '--sla <file>',
      'SLA to judge live and bound goodput with (default: success >= 99.95 %, p99 < 800 ms, TTFT p99 < 2 s on streams, as loadtests/sla.yaml)',
    )
    .option(
      '--fsync',
      'with --receive: each batch on the disk before it is acknowledged (a power loss loses none); costs a disk flush per batch',
    )
    .option('--html <file>', 'on stop, write the final report here (self-contained HTML, in --lang)')
    .option(...LANG_OPTION);
  for (const [key, what] of LIMIT_OPTIONS)
    command.option(
      `${LIMIT_FLAGS[key]} <n>`,
      `with --receive: at most this many: ${what} (default ${DEFAULT_BATCH_LIMITS[key]})`,
    );
  return command.action(async (flags: CollectFlags) => {
    try {
      const problems: string[] = [];
      const port = portFlag('port', flags.port, problems, true);
      if (flags.results === undefined && flags.receive === undefined)
        problems.push('give --results <file> to follow, --receive <dir> to take shipped results, or both');
      if (flags.fsync === true && flags.receive === undefined) problems.push('--fsync goes with --receive');
      if (flags.results?.endsWith('.gz'))
        problems.push(
          'live following needs plain NDJSON (a .gz file is only complete at the end); use busybench report for it',
        );
      const upstream = urlsFlag('upstream', flags.upstream ?? '', problems, true);
      const strategyMetrics = urlsFlag('strategy-metrics', flags.strategyMetrics ?? '', problems).map(
        metricsPath,
      );
      if (flags.strategy !== undefined && !STRATEGY_LABEL.test(flags.strategy))
        problems.push(`--strategy "${flags.strategy}": letters, digits and . _ + : / @ - only, at most 128`);
      const locale = langFlag(flags.lang, problems);
      const limits: Partial<Record<keyof BatchLimits, number>> = {};
      for (const [key] of LIMIT_OPTIONS) {
        const raw = flags[key];
        if (raw === undefined) continue;
        if (!/^\d{1,12}$/.test(raw) || Number(raw) < 1)
          problems.push(`${LIMIT_FLAGS[key]} "${raw}" must be a whole number >= 1`);
        limits[key] = Number(raw);
      }
      if (!isLoopbackHost(flags.host) && flags.tokenFile === undefined && flags.insecure !== true)
        problems.push(
          `--host ${flags.host} is reachable beyond this machine: give --token-file (runners: --ship-token-file; Alertmanager: credentials_file), or --insecure to take posts from anyone`,
        );
      throwIfProblems(problems);
      const token =
        flags.tokenFile === undefined ? undefined : readTokenFile(flags.tokenFile, '--token-file');
      const sla = loadSla(flags.sla);
      if (sla.queueLength !== undefined && strategyMetrics.length === 0)
        process.stderr.write(
          `busybench collect: the SLA's line "queue length < ${sla.queueLength}" is judged on the strategy's queue: give --strategy-metrics, else it is not judged\n`,
        );
      const runId = flags.runId ?? new Date().toISOString();
      const collector = createCollector({
        results: flags.results,
        receive: flags.receive,
        runId,
        strategy: flags.strategy,
        locale,
        sla,
        upstream,
        strategyMetrics,
        limits,
        ...(token === undefined ? {} : { token }),
        fsync: flags.fsync === true,
      });
      for (const file of collector.restored?.foreign ?? [])
        process.stderr.write(
          `busybench collect: ${join(flags.receive as string, file)} is not a file this collector wrote: left as it is, and batches for its runner refused\n`,
        );
      if (collector.restored && collector.restored.batches > 0)
        process.stdout.write(
          `busybench collect: read back ${collector.restored.batches} batches already received in ${flags.receive}` +
            (collector.restored.cutOff > 0
              ? ` (${collector.restored.cutOff} cut short by a kill: dropped, the runner resends them)`
              : '') +
            '\n',
        );
      const stop = async () => {
        // The upstream's counts as they stand when the user stops watching: the report's end.
        await collector.scrapeNow();
        await collector.stop();
        if (flags.html) {
          writeFileSync(flags.html, reportPage(collector.view(false), locale));
          process.stdout.write(`busybench collect: report written to ${flags.html}\n`);
        }
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await collector.app.listen({ host: flags.host, port });
      const address = collector.app.server.address();
      const shown = typeof address === 'object' && address ? address.port : port;
      const what = [
        flags.results ? `following ${flags.results}` : '',
        flags.receive ? `receiving into ${flags.receive} (POST /api/results)` : '',
      ].filter(Boolean);
      process.stdout.write(
        `busybench collect ${what.join(', ')}: live page http://${flags.host}:${shown}/ ` +
          `(metrics /metrics, alert webhook /api/alerts${token === undefined ? '' : '; posts need the token'})\n`,
      );
    } catch (err) {
      fail(err);
    }
  });
}

/** The addresses only this machine reaches: 127.0.0.0/8, ::1, `localhost`. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host.replace(/^\[(.*)\]$/, '$1'));
}

/** A strategy's address to its metrics: `http://h:p` → `http://h:p/metrics` (a /metrics URL kept). */
const metricsPath = (url: string) => (/\/metrics$/.test(url) ? url : `${url.replace(/\/+$/, '')}/metrics`);
