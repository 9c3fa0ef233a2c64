import { join } from 'node:path';
import { Command } from 'commander';
import Fastify from 'fastify';
import { FileFollower } from '../collector/src/file-follower.js';
import { clientMetrics } from '../collector/src/prom-export.js';
import { goodputBound, RunStats, type StepStats } from '../collector/src/step-stats.js';
import { resilienceKpis, scrapeUpstream, UpstreamTimeline } from '../collector/src/upstream.js';
import { packageRoot } from '../mock-server/src/paths.js';
import { fail, UsageError } from './fail.js';
import { loadSla } from './sla-file.js';

interface CollectFlags {
  results: string;
  host: string;
  port: string;
  runId?: string;
  upstream?: string;
  sla?: string;
}

/**
 * Follows a run's results while k6 writes them and serves the client's view live: Prometheus
 * text at /metrics, the per-step figures as JSON at /api/steps. Ctrl-C stops it.
 */
export function collectCommand(): Command {
  return new Command('collect')
    .description("follow a run's results live (busybench load --results) and serve them to Prometheus")
    .requiredOption('-r, --results <file>', 'the NDJSON file k6 is writing (need not exist yet)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('-p, --port <port>', 'port for /metrics and /api/steps', '9464')
    .option('--run-id <id>', 'run_id label (default: the time it started)')
    .option(
      '-u, --upstream <urls>',
      'mock nodes to scrape for attempts (comma-separated): amplification, error masking',
    )
    .option('--sla <file>', 'SLA whose latency line bounds goodput (default loadtests/sla.yaml)')
    .action(async (flags: CollectFlags) => {
      try {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError(`--port "${flags.port}" is not a port`);
        if (flags.results.endsWith('.gz')) {
          throw new UsageError(
            'live following needs plain NDJSON (a .gz file is only complete at the end); use busybench report for it',
          );
        }
        const sla = loadSla(flags.sla ?? join(packageRoot(), 'loadtests', 'sla.yaml'));
        const run = new RunStats(goodputBound(sla.latencyMs));
        const upstreamUrls = (flags.upstream ?? '').split(',').filter(Boolean);
        const bad = upstreamUrls.filter((u) => !/^https?:\/\/[^/]+/.test(u));
        if (bad.length > 0) throw new UsageError(`--upstream: not http(s) URLs: ${bad.join(', ')}`);
        const timeline = new UpstreamTimeline();
        const kpis = (s: StepStats) =>
          resilienceKpis(s.requests, s.failures, timeline.between(s.firstMs, s.lastMs));
        const registry = clientMetrics(
          run,
          flags.runId ?? new Date().toISOString(),
          upstreamUrls.length > 0 ? kpis : undefined,
        );
        if (upstreamUrls.length > 0) {
          const scrape = async () => timeline.add(await scrapeUpstream(upstreamUrls));
          await scrape();
          setInterval(() => void scrape(), 1000).unref();
        }
        const follower = new FileFollower(flags.results, (line) => run.ingestLine(line));
        follower.start();
        const app = Fastify({ logger: false });
        app.get('/metrics', async (_req, reply) =>
          reply.header('content-type', registry.contentType).send(await registry.metrics()),
        );
        app.get('/api/steps', async () => ({
          steps: [...run.steps.values()]
            .sort((a, b) => a.step - b.step)
            .map((s) => ({ ...s.summary(), ...(upstreamUrls.length > 0 ? kpis(s) : {}) })),
          droppedIterations: run.droppedIterations,
          malformedLines: run.malformedLines,
        }));
        const stop = async () => {
          follower.stop();
          await app.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
        await app.listen({ host: flags.host, port });
        const address = app.server.address();
        const shown = typeof address === 'object' && address ? address.port : port;
        process.stdout.write(
          `busybench collect following ${flags.results}, serving http://${flags.host}:${shown}/metrics\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
}
