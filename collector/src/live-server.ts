import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { bearerMatches } from '../../common/bearer-token.js';
import { LOCALES, type Locale } from '../../common/i18n/locale.js';
import { FASTIFY_TIMEOUTS } from '../../common/listener-timeouts.js';
import type { Sla } from '../../common/sla/sla.js';
import { alertsFromWebhook } from './alert-webhook.js';
import { type BatchLimits, DEFAULT_BATCH_LIMITS, LIMIT_FLAGS } from './batch-limits.js';
import { CollectorError, CollectorErrorCodes } from './errors.js';
import { FileFollower } from './file-follower.js';
import { CHART_JS_PATH, livePage, RUN_PAGE_JS_PATH } from './html-page.js';
import { type CompareLabels, clientMetrics } from './prom-export.js';
import { viewInLanguage } from './report-words.js';
import { EVENTS_FILE, ResultsReceiver } from './results-receiver.js';
import { eventsPathFor, RunEvents } from './run-events.js';
import { type RunView, runView, type StepKpis } from './run-view.js';
import { type RunWindow, runWindows } from './run-windows.js';
import { goodputBound, RunStats } from './step-stats.js';
import { scrapeQueueLength } from './strategy-queue.js';
import {
  type Idle,
  nodeMetricsUrls,
  runKpis,
  scrapeUpstream,
  stepKpis,
  type UpstreamTally,
  UpstreamTimeline,
  untilIdle,
} from './upstream.js';

export interface CollectorOptions {
  /** The NDJSON file the load generator writes (need not exist yet). */
  readonly results?: string;
  /**
   * Take results shipped over HTTP (`busybench load --ship`, POST /api/results) and keep them in
   * this directory, one file per runner; what it already holds is read back first (a restart).
   */
  readonly receive?: string;
  /**
   * The files of the other load generators of the same plan (`--segment i/n`, one file each),
   * followed too: their lines add up in one run, each step's target rate counted once.
   */
  readonly moreResults?: readonly string[];
  readonly runId: string;
  /**
   * The strategy the clients went through (`strategy` label on every series; `unnamed` when
   * not said): one value per collector, so it adds no cardinality within a run.
   */
  readonly strategy?: string;
  /** A compare run's id and experiment, as labels (prom-export.ts); none for a run of its own. */
  readonly compare?: CompareLabels;
  /** The live page's language (`collect --lang`); English by default. */
  readonly locale?: Locale;
  readonly sla: Sla;
  /** Mock nodes (or a strategy with our metrics) to scrape: amplification, masking, phases. */
  readonly upstream: readonly string[];
  /**
   * The strategy's metrics URLs (`collect --strategy-metrics`; `run` gives its strategy's):
   * scraped with the upstream for `busybench_strategy_queue_length`, the SLA's queue line.
   */
  readonly strategyMetrics?: readonly string[];
  readonly scrapeEveryMs?: number;
  /** What one shipped batch may be (batch-limits.ts); the defaults where not given. */
  readonly limits?: Partial<BatchLimits>;
  /**
   * The bearer token every POST (shipped results, Alertmanager's webhook) must carry
   * (`collect --token-file`); none: anyone who reaches the port may post (loopback only, or
   * `--insecure`).
   */
  readonly token?: string;
  /**
   * Shipped batches are on the disk (fdatasync) before they are acknowledged (`collect --fsync`):
   * a power loss then loses no acknowledged batch; without, the last seconds the kernel had not
   * written yet (the runner has already dropped them from its spool).
   */
  readonly fsync?: boolean;
}

export interface Collector {
  readonly app: FastifyInstance;
  readonly run: RunStats;
  readonly events: RunEvents;
  /** What `restore` found in the receiving directory (null without --receive). */
  readonly restored: { batches: number; cutOff: number; foreign: string[] } | null;
  /** The whole run as it stands; `live: false` for the final report. */
  view(live?: boolean): RunView;
  /** The run's time windows with the upstream's share of each (run-windows.ts). */
  windows(): RunWindow[];
  /**
   * Scrapes the upstream now, after any scrape under way (scrapes never overlap, so the
   * timeline's snapshots stay in time order): before the load, so the run's first window starts
   * from counts no request of the run is in.
   */
  scrapeNow(): Promise<void>;
  /**
   * The run's end, once its load generators have ended: stops the scrapes a second, waits until
   * nothing is under way at the upstream (and at `alsoWatch`: a strategy's metrics, read first),
   * scrapes it one last time and reads the results to their end, so every figure made of the
   * upstream's counters covers exactly the run's answers. Bounded by `timeoutMs`.
   */
  settle(o?: { alsoWatch?: readonly string[]; timeoutMs?: number }): Promise<Idle | null>;
  stop(): Promise<void>;
}

const gunzipAsync = promisify(gunzip);
/** The status of each coded refusal of a batch; any other is 400. */
const REFUSAL_STATUS: Readonly<Record<string, number>> = {
  [CollectorErrorCodes.TOO_LARGE]: 413,
  [CollectorErrorCodes.TOO_MANY_RUNNERS]: 429,
  [CollectorErrorCodes.FOREIGN_FILE]: 409,
};
/** Any other body (an Alertmanager webhook): Alertmanager's own batches are far below it. */
const BODY_LIMIT = 4 * 1024 * 1024;

/**
 * The collector while a run goes on: follows the load generator's results file, scrapes the
 * upstream, takes Alertmanager's webhook, and serves all of it: /metrics (Prometheus), /api/live
 * (the whole view as JSON), /api/steps, /api/alerts, and the live page at /.
 * Phases, alerts and every upstream scrape are appended to `<results>.events.ndjson` as they
 * arrive, so `busybench report` rebuilds the same view after the collector is gone.
 */
export function createCollector(o: CollectorOptions): Collector {
  const run = new RunStats(goodputBound(o.sla.latencyMs));
  if (o.results === undefined && o.receive === undefined)
    throw new Error('createCollector: give results to follow, a directory to receive into, or both');
  const events = new RunEvents(o.results ? eventsPathFor(o.results) : join(o.receive as string, EVENTS_FILE));
  const limits: BatchLimits = { ...DEFAULT_BATCH_LIMITS, ...o.limits };
  const receiver = o.receive ? new ResultsReceiver(o.receive, run, limits) : null;
  const restored = receiver?.restore() ?? null;
  const timeline = new UpstreamTimeline();
  const scraping = o.upstream.length > 0;
  const strategyMetrics = o.strategyMetrics ?? [];
  const kpis: StepKpis | undefined = scraping ? stepKpis(run, timeline) : undefined;
  const view = (live = true, withoutSeries = false) =>
    runView({
      runId: o.runId,
      live,
      sla: o.sla,
      run,
      events,
      kpis,
      ...(scraping ? { runKpis: () => runKpis(run, timeline) } : {}),
      withoutSeries,
    });
  // A scrape reads the verdict, the knee, recovery and the runners: not the charts' series.
  const registry = clientMetrics(run, o.runId, {
    kpis,
    strategy: o.strategy,
    compare: o.compare,
    view: () => view(true, true),
  });

  let timer: NodeJS.Timeout | undefined;
  const lastCounts = new Map<string, UpstreamTally>();
  const scrape = async () => {
    const now = Date.now();
    const [upstream, queueLength] = await Promise.all([
      scrapeUpstream(o.upstream, now, lastCounts),
      strategyMetrics.length > 0 ? scrapeQueueLength(strategyMetrics) : null,
    ]);
    const snapshot = queueLength === null ? upstream : { ...upstream, queueLength };
    if (queueLength !== null) run.queue.add(now, queueLength);
    // Without mock nodes there are no counts to write down (a report would read zeros as counts);
    // the queue's reading still goes down, so `busybench report` judges its line again.
    if (!scraping) {
      if (queueLength !== null) events.queue(now, queueLength);
      return;
    }
    timeline.add(snapshot);
    // Written down as it comes, so a report rebuilt after a kill has amplification and masking.
    events.upstream(snapshot);
    // The phase's own start when the node tells it: a scrape sees it up to a second late.
    if (snapshot.phase) {
      const { startedAt, ...phase } = snapshot.phase;
      events.phase({ time: startedAt ?? snapshot.time, ...phase });
    }
  };
  // One scrape at a time, in the order asked: a slow one is never overtaken by the next.
  let scrapes = Promise.resolve();
  let waiting = false;
  const scrapeNow = () => {
    scrapes = scrapes.then(scrape);
    return scrapes;
  };
  const anything = scraping || strategyMetrics.length > 0;
  if (anything) {
    void scrapeNow();
    timer = setInterval(() => {
      // A tick while a scrape is still out waits for the next one rather than queueing up.
      if (waiting) return;
      waiting = true;
      void scrapeNow().finally(() => {
        waiting = false;
      });
    }, o.scrapeEveryMs ?? 1000);
    timer.unref();
  }
  const followed = o.results ? [o.results, ...(o.moreResults ?? [])] : [];
  const followers = followed.map((file) => {
    const source = { tally: null };
    return new FileFollower(file, (line) => run.ingestLine(line, source));
  });
  for (const f of followers) f.start();

  // On stop, every connection is closed, a stranger's half-sent request too: a stop never waits
  // on a client (a body stalled mid-way would hold it for the request timeout).
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    ...FASTIFY_TIMEOUTS,
    forceCloseConnections: true,
  });
  // Bad bodies (not JSON, too large) answer in the same shape as a bad webhook payload; a body
  // over its limit with the collector's code and the flag that sets the limit.
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    if (err.statusCode === 413) {
      const results = req.url.startsWith('/api/results');
      return reply.code(413).send({
        error: {
          code: CollectorErrorCodes.TOO_LARGE,
          message: results
            ? `the batch is over ${limits.maxBatchBytes} bytes as sent (${LIMIT_FLAGS.maxBatchBytes})`
            : `the body is over ${BODY_LIMIT} bytes`,
        },
      });
    }
    return reply
      .code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500)
      .send({ error: { code: err.code ?? CollectorErrorCodes.INTERNAL, message: err.message } });
  });
  // What is posted changes the run (results, alerts): with a token, only who holds it may post,
  // checked before the body is read. What is read (the page, /metrics, /api/live) stays open, as
  // Prometheus scrapes it.
  const token = o.token;
  if (token !== undefined)
    app.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'POST' || bearerMatches(req.headers.authorization, token)) return;
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="busybench-collector"')
        .send({
          error: {
            code: CollectorErrorCodes.UNAUTHORIZED,
            message:
              'this collector takes posts with its token only: Authorization: Bearer <the --token-file of busybench collect>',
          },
        });
    });
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
  // The view as the collector made it (English words); `?lang=zh-CN` says its SLA lines and missing
  // segments in that language, every other field the same: what the live page polls.
  app.get<{ Querystring: { lang?: Locale } }>(
    '/api/live',
    { schema: { querystring: { type: 'object', properties: { lang: { enum: [...LOCALES] } } } } },
    async (req) => viewInLanguage(view(), req.query.lang ?? 'en'),
  );
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
  // Results shipped by runners: raw NDJSON (gzip when content-encoding says so), a batch being a
  // quarter second of one runner's requests; its limits in batch-limits.ts.
  app.addContentTypeParser(
    'application/x-ndjson',
    { parseAs: 'buffer', bodyLimit: limits.maxBatchBytes },
    (_req, body, done) => done(null, body),
  );

  app.post('/api/results', async (req, reply) => {
    if (!receiver)
      return reply.code(409).send({
        error: {
          code: CollectorErrorCodes.NOT_RECEIVING,
          message: 'this collector takes no shipped results: start it with busybench collect --receive <dir>',
        },
      });
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // Inflated off the event loop, and only up to the limit: a small bomb stops there.
      const body =
        req.headers['content-encoding'] === 'gzip'
          ? await gunzipAsync(raw, { maxOutputLength: limits.maxInflatedBytes })
          : raw;
      const runner = req.headers['x-busybench-runner'];
      const accepted = receiver.accept(runner, req.headers['x-busybench-seq'], body);
      // A duplicate too: its first answer may have been lost before the sync ended.
      if (o.fsync === true) await receiver.sync(runner as string);
      return accepted;
    } catch (err) {
      if (err instanceof CollectorError)
        return reply
          .code(REFUSAL_STATUS[err.code] ?? 400)
          .send({ error: { code: err.code, message: err.message, problems: err.problems } });
      if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        return reply.code(413).send({
          error: {
            code: CollectorErrorCodes.TOO_LARGE,
            message: `the batch inflates past ${limits.maxInflatedBytes} bytes (${LIMIT_FLAGS.maxInflatedBytes})`,
          },
        });
      if ((err as NodeJS.ErrnoException).code?.startsWith('Z_'))
        return reply.code(400).send({
          error: {
            code: CollectorErrorCodes.BAD_BATCH,
            message: `the body is not whole gzip: ${(err as Error).message}`,
          },
        });
      throw err;
    }
  });
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(livePage(o.locale)));
  const chartJs = readFileSync(CHART_JS_PATH, 'utf8');
  const pageJs = readFileSync(RUN_PAGE_JS_PATH, 'utf8');
  app.get('/assets/chart.umd.min.js', async (_req, reply) => reply.type('text/javascript').send(chartJs));
  app.get('/assets/run-page.js', async (_req, reply) => reply.type('text/javascript').send(pageJs));

  return {
    app,
    run,
    events,
    restored,
    view,
    windows() {
      return runWindows(run, scraping ? timeline : null, events.phases());
    },
    scrapeNow: () => (anything ? scrapeNow() : Promise.resolve()),
    async settle(s = {}) {
      clearInterval(timer);
      let idle: Idle | null = null;
      if (scraping) {
        idle = await untilIdle([...(s.alsoWatch ?? []), ...(await nodeMetricsUrls(o.upstream))], {
          timeoutMs: s.timeoutMs,
        });
        await scrapeNow();
      }
      for (const f of followers) f.poll();
      return idle;
    },
    async stop() {
      clearInterval(timer);
      for (const f of followers) f.stop();
      await app.close();
      receiver?.close();
    },
  };
}
