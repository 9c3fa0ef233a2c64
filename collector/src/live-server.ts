import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Sla } from '../../loadtests/sla.js';
import { alertsFromWebhook } from './alert-webhook.js';
import { CollectorError } from './errors.js';
import { FileFollower } from './file-follower.js';
import { CHART_JS_PATH, livePage, RUN_PAGE_JS_PATH } from './html-page.js';
import { clientMetrics } from './prom-export.js';
import { eventsPathFor, RunEvents } from './run-events.js';
import { type RunView, runView, type StepKpis } from './run-view.js';
import { type RunWindow, runWindows } from './run-windows.js';
import { goodputBound, RunStats } from './step-stats.js';
import { runKpis, scrapeUpstream, stepKpis, type UpstreamTally, UpstreamTimeline } from './upstream.js';

export interface CollectorOptions {
  /** The NDJSON file the load generator writes (need not exist yet). */
  readonly results: string;
  /**
   * The files of the other load generators of the same plan (`--segment i/n`, one file each),
   * followed too: their lines add up in one run, each step's target rate counted once.
   */
  readonly moreResults?: readonly string[];
  readonly runId: string;
  readonly sla: Sla;
  /** Mock nodes (or a strategy with our metrics) to scrape: amplification, masking, phases. */
  readonly upstream: readonly string[];
  readonly scrapeEveryMs?: number;
}

export interface Collector {
  readonly app: FastifyInstance;
  readonly run: RunStats;
  readonly events: RunEvents;
  /** The whole run as it stands; `live: false` for the final report. */
  view(live?: boolean): RunView;
  /** Amplification and error masking over the whole run (null without upstream scrapes). */
  overallKpis(): { amplification: number | null; errorMasking: number | null };
  /** The run's time windows with the upstream's share of each (run-windows.ts). */
  windows(): RunWindow[];
  stop(): Promise<void>;
}

/**
 * The collector while a run goes on: follows the load generator's results file, scrapes the
 * upstream, takes Alertmanager's webhook, and serves all of it: /metrics (Prometheus), /api/live
 * (the whole view as JSON), /api/steps, /api/alerts, and the live page at /.
 * Phases, alerts and every upstream scrape are appended to `<results>.events.ndjson` as they
 * arrive, so `busybench report` rebuilds the same view after the collector is gone.
 */
export function createCollector(o: CollectorOptions): Collector {
  const run = new RunStats(goodputBound(o.sla.latencyMs));
  const events = new RunEvents(eventsPathFor(o.results));
  const timeline = new UpstreamTimeline();
  const scraping = o.upstream.length > 0;
  const kpis: StepKpis | undefined = scraping ? stepKpis(run, timeline) : undefined;
  const view = (live = true) => runView({ runId: o.runId, live, sla: o.sla, run, events, kpis });
  const registry = clientMetrics(run, o.runId, { kpis, view: () => view() });

  let timer: NodeJS.Timeout | undefined;
  if (scraping) {
    const lastCounts = new Map<string, UpstreamTally>();
    const scrape = async () => {
      const snapshot = await scrapeUpstream(o.upstream, Date.now(), lastCounts);
      timeline.add(snapshot);
      // Written down as it comes, so a report rebuilt after a kill has amplification and masking.
      events.upstream(snapshot);
      // The phase's own start when the node tells it: a scrape sees it up to a second late.
      if (snapshot.phase) {
        const { startedAt, ...phase } = snapshot.phase;
        events.phase({ time: startedAt ?? snapshot.time, ...phase });
      }
    };
    void scrape();
    timer = setInterval(() => void scrape(), o.scrapeEveryMs ?? 1000);
    timer.unref();
  }
  const followers = [o.results, ...(o.moreResults ?? [])].map(
    (file) => new FileFollower(file, (line) => run.ingestLine(line)),
  );
  for (const f of followers) f.start();

  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  // Bad bodies (not JSON, too large) answer in the same shape as a bad webhook payload.
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) =>
    reply
      .code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500)
      .send({ error: { code: err.code ?? 'COLLECTOR_ERR_INTERNAL', message: err.message } }),
  );
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
  app.get('/api/live', async () => view());
  app.get('/api/steps', async () => {
    const v = view();
    return { steps: v.steps, droppedIterations: v.droppedIterations, malformedLines: v.malformedLines };
  });
  app.get('/api/alerts', async () => ({ alerts: events.alerts }));
  app.post('/api/alerts', async (req, reply) => {
    try {
      const alerts = alertsFromWebhook(req.body);
      // One Alertmanager can serve several runs (compare): keep this run's alerts and those of
      // no run in particular (a target down); the others belong to another collector.
      const mine = alerts.filter((a) => a.labels.run_id === undefined || a.labels.run_id === o.runId);
      for (const a of mine) events.alert(a);
      return { received: mine.length, ignored: alerts.length - mine.length };
    } catch (err) {
      if (!(err instanceof CollectorError)) throw err;
      return reply
        .code(400)
        .send({ error: { code: err.code, message: err.message, problems: err.problems } });
    }
  });
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(livePage()));
  const chartJs = readFileSync(CHART_JS_PATH, 'utf8');
  const pageJs = readFileSync(RUN_PAGE_JS_PATH, 'utf8');
  app.get('/assets/chart.umd.min.js', async (_req, reply) => reply.type('text/javascript').send(chartJs));
  app.get('/assets/run-page.js', async (_req, reply) => reply.type('text/javascript').send(pageJs));

  return {
    app,
    run,
    events,
    view,
    overallKpis() {
      return scraping ? runKpis(run, timeline) : { amplification: null, errorMasking: null };
    },
    windows() {
      return runWindows(run, scraping ? timeline : null, events.phases());
    },
    async stop() {
      clearInterval(timer);
      for (const f of followers) f.stop();
      await app.close();
    },
  };
}
