import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportPage } from '../../collector/src/html-page.js';
import { createCollector } from '../../collector/src/live-server.js';
import type { RunOverall } from '../../collector/src/run-overall.js';
import type { RunView } from '../../collector/src/run-view.js';
import type { RunWindow } from '../../collector/src/run-windows.js';
import { terminalReport } from '../../collector/src/terminal-report.js';
import { nodeMetricsUrls, untilIdle } from '../../collector/src/upstream.js';
import type { Locale } from '../../common/i18n/locale.js';
import type { Sla } from '../../common/sla/sla.js';
import { buildPlan, type PlanInput } from '../../loadtests/build-plan.js';
import type { Plan } from '../../loadtests/plan.js';
import { buildProfile } from '../../loadtests/profiles.js';
import { checkLoopbackTarget } from '../../loadtests/target-check.js';
import { type StackUrls, setTargets } from '../../stack/src/local-stack.js';
import { isUrl, type StrategySpec } from '../../strategies/src/start-strategy.js';
import { RunnerError, RunnerErrorCodes } from './errors.js';
import { frameCostLine, scrapeFrameCounts } from './frame-cost-read.js';
import { engineCpus, type GeneratorOptions, runLoad } from './launch-load.js';
import { type LaunchedStack, launchStack } from './launch-stack.js';
import { startMockProcess, startScenario } from './mock-process.js';
import { progressLine } from './progress.js';
import { startStrategyProcess } from './strategy-process.js';

/**
 * One whole benchmark, as `busybench run` does it: a fresh mock (its nodes in a process of
 * their own), the strategy in front of it (a process of its own too), the collector following
 * the load's results and scraping the mock, the local Prometheus stack when it is installed,
 * then the load generator (the Go engine, or the user's k6 with `--engine k6`) with the profile
 * while the scenario plays; progress every few seconds; the report (HTML, JSON, terminal) at
 * the end, also after Ctrl-C. Everything started here is stopped here.
 */
export interface BenchmarkOptions {
  readonly strategy: StrategySpec;
  readonly scenario: string | null;
  readonly scenarioSpeed: number;
  readonly nodes: number;
  /** First port of the mock's nodes (0: any free ones); fixed when a user's proxy must find them. */
  readonly mockPort?: number;
  readonly mockConfig?: string;
  /** The load: profile, rates, durations, mix, SLA (its target, the strategy, is set here). */
  readonly plan: PlanInput;
  /** Which generator sends it (the engine, or the user's k6); its files are set here. */
  readonly generator: GeneratorOptions;
  readonly out: string;
  /** A stack already running (compare starts one for all runs), `auto` to start one if installed, or off. */
  readonly stack: { dir: string; urls: StackUrls } | 'auto' | 'off';
  /** Fixed collector port (so a shared stack's Alertmanager can reach every run's collector). */
  readonly collectorPort?: number;
  readonly print?: (line: string) => void;
  /** Set when the user pressed Ctrl-C: the load generator is told to stop, and the report is still written. */
  readonly interrupted?: () => boolean;
  /**
   * Seconds of load at the first step's rate before the run, thrown away (0: none): the
   * strategy's own start-up (connection pools, JIT) must not land in step 0's figures.
   */
  readonly warmupSeconds?: number;
  /**
   * Load generator processes sharing the plan, engine i of n sending segment i/n (1: one engine).
   * Their results files feed one collector: the path a run over several machines takes.
   */
  readonly runners?: number;
  /** The compare run this run belongs to (its id and experiment), labelled on its metrics. */
  readonly compare?: { readonly id: string; readonly experiment: string };
  /** The language of the report printed and written (report.html; report.json stays data): en by default. */
  readonly locale?: Locale;
}

export interface BenchmarkResult {
  readonly view: RunView;
  /** The run in one line of figures (the collector's), with the strategy that ran. */
  readonly overall: RunOverall & { readonly strategy: string };
  /** The run's time windows: what compare's intervals resample (also in windows.json). */
  readonly windows: readonly RunWindow[];
  /** The load generator's exit code (99: an SLA line broke). */
  readonly loadCode: number;
  readonly dir: string;
}

export async function runBenchmark(o: BenchmarkOptions): Promise<BenchmarkResult> {
  const print = o.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  // Ours listen on loopback; a strategy given by URL is the user's, and the load goes there:
  // run and compare load this machine only (no --allow-remote), so it must be loopback. Said
  // before anything starts.
  engineCpus();
  if (isUrl(o.strategy.name)) {
    const refusal = await checkLoopbackTarget(o.strategy.name, false);
    if (refusal) throw new RunnerError(RunnerErrorCodes.TARGET_REFUSED, refusal);
  }
  const dir = resolve(o.out);
  mkdirSync(dir, { recursive: true });
  // A directory used before: its old results would be followed as if they were this run's.
  for (const f of readdirSync(dir))
    if (
      /^(results|summary|load)(\.runner-\d+)?\.(json|log)$|^results\.json\.events\.ndjson$|^(mock\.log|windows\.json)$/.test(
        f,
      )
    )
      rmSync(join(dir, f), { force: true });
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const mock = await startMockProcess({
      nodes: o.nodes,
      port: o.mockPort,
      config: o.mockConfig,
      log: join(dir, 'mock.log'),
    });
    cleanups.push(mock.stop);
    const strategy = await startStrategyProcess(o.strategy, mock.urls, join(dir, 'strategy'));
    cleanups.push(strategy.stop);
    const plan = buildPlan(strategy.url, false, o.plan);
    // Our frame's cost (issue 28): a URL of the user's may be our frame started by hand, whose
    // /metrics says so; one that is not (or has no /metrics) has no cost of ours in its path.
    const url = isUrl(o.strategy.name);
    const readFrameCost = async () => {
      const counts = await scrapeFrameCounts(strategy.metricsUrl ?? (url ? `${strategy.url}/metrics` : null));
      return counts === null && url ? new Map() : counts;
    };
    // Where requests can still be under way after the load ends: ours say so on /metrics.
    const strategyMetrics = strategy.metricsUrl ? [strategy.metricsUrl] : [];
    if ((o.warmupSeconds ?? 0) > 0) {
      print(`busybench run: warming up ${strategy.name} for ${o.warmupSeconds} s (not counted)`);
      await warmUp(plan, o, dir);
      // An attempt of the warm-up's still under way (a hedge's loser, a retry) is not the run's.
      await untilIdle([...strategyMetrics, ...(await nodeMetricsUrls(mock.urls))]);
    }
    const runId = `${strategy.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const runners = o.runners ?? 1;
    const results = join(dir, 'results.json');
    // Runner 0 writes results.json as a single engine does; runner i, results.runner-i.json.
    const resultsOf = (i: number) => (i === 0 ? results : join(dir, `results.runner-${i}.json`));
    // Several runners ship their results to the collector over HTTP, as on a cluster (each also
    // keeps its own file); one runner's file is followed.
    const labels = {
      runId,
      strategy: strategy.name,
      compare: o.compare,
      sla: plan.sla,
      upstream: mock.urls,
      // The strategy's queue (the SLA's queue line): ours export it; nginx and HAProxy do not.
      strategyMetrics,
    };

    const collector = createCollector(
      runners > 1 ? { receive: join(dir, 'received'), ...labels } : { results, ...labels },
    );
    const collectorUrl = await collector.app.listen({ host: '127.0.0.1', port: o.collectorPort ?? 0 });
    cleanups.push(collector.stop);

    const stack = await prepareStack(o, dir, collectorUrl, print);
    if (stack) {
      setTargets(stack.dir, 'busybench-mock', mock.urls);
      setTargets(stack.dir, 'busybench-collector', [collectorUrl]);
      setTargets(
        stack.dir,
        'busybench-strategy',
        strategy.metricsUrl ? [strategy.metricsUrl.replace(/\/metrics$/, '')] : [],
      );
      if ('stop' in stack) cleanups.push(stack.stop);
    }
    print(
      `busybench run: ${strategy.name} at ${strategy.url} → mock ${mock.urls.join(', ')}; ` +
        `live page ${collectorUrl}/${stack ? `; Prometheus ${stack.urls.prometheus}` : ''}`,
    );

    if (o.scenario) await startScenario(mock.urls, o.scenario, o.scenarioSpeed);
    // The upstream's counts just before the first request: where the run's own begin. The
    // frame's too (after the warm-up): its cost is said over the load alone.
    await collector.scrapeNow();
    const frameBefore = await readFrameCost();
    const startedAt = Date.now();
    const ticker = setInterval(() => print(progressLine(collector.view(), startedAt)), 3000);
    const suffix = (i: number) => (runners === 1 ? '' : `.runner-${i}`);
    const ends = await Promise.all(
      Array.from({ length: runners }, (_, i) =>
        runLoad(
          plan,
          runners > 1
            ? {
                ...o.generator,
                quiet: true,
                segment: `${i}/${runners}`,
                ship: collectorUrl,
                runner: `runner-${i}`,
                spool: join(dir, `spool-${i}`),
              }
            : { ...o.generator, quiet: true },
          {
            summary: join(dir, `summary${suffix(i)}.json`),
            results: resultsOf(i),
            log: join(dir, `load${suffix(i)}.log`),
          },
        ),
      ),
    );
    for (const [i, end] of ends.entries())
      if (end.killedBy)
        print(
          `busybench run: the load generator${runners > 1 ? ` (runner ${i})` : ''} was killed (${end.killedBy}); the report covers what it wrote`,
        );
    // The worst of the generators' codes (99: an SLA line broke in some runner's share).
    const loadCode = Math.max(...ends.map((e) => e.exit));
    clearInterval(ticker);
    // The last lines, and the upstream's counts once nothing is under way there: the run's
    // dollars, tokens and attempts whole, however long the last answers take to be counted.
    const idle = await collector.settle({ alsoWatch: strategyMetrics });
    print(frameCostLine(strategy.name, frameBefore, await readFrameCost()));
    if (plan.sla.queueLength !== undefined && collector.run.queue.size === 0)
      print(
        `busybench run: the SLA's line "queue length < ${plan.sla.queueLength}" was not judged: ${strategy.name} exports no busybench_strategy_queue_length (our frame's strategies do; nginx and HAProxy do not)`,
      );
    if (idle && idle.busy + idle.unanswered.length > 0)
      print(
        `busybench run: after ${Math.round(idle.waitedMs / 1000)} s the upstream still had ${idle.busy} requests under way` +
          `${idle.unanswered.length > 0 ? ` (${idle.unanswered.join(', ')} did not answer)` : ''}; ` +
          'its tokens, cost and attempts count what it had counted then',
      );
    const view = collector.view(false);
    const windows = collector.windows();
    const result = {
      view,
      windows,
      overall: { strategy: strategy.name, ...view.overall },
      loadCode,
      dir,
    };
    writeFileSync(
      join(dir, 'report.json'),
      `${JSON.stringify({ ...view, overall: result.overall }, null, 2)}\n`,
    );
    writeFileSync(join(dir, 'report.html'), reportPage(view, o.locale));
    writeFileSync(join(dir, 'windows.json'), `${JSON.stringify(windows)}\n`);
    print(
      terminalReport(
        view.steps,
        view.verdict,
        view.malformedLines,
        view.runners,
        o.locale,
        view.users,
      ).trimEnd(),
    );
    print(
      `report: ${join(dir, 'report.html')}${o.interrupted?.() ? ' (run interrupted: the report covers what ran)' : ''}`,
    );
    // A generator that failed (refused its target, crashed, was killed) sent less than the plan,
    // or nothing: the report stays, written above, but the run is no verdict.
    const failed = ends.findIndex((e) => e.exit !== 0 && e.exit !== 99);
    if (failed >= 0 && !o.interrupted?.()) {
      const end = ends[failed] as (typeof ends)[number];
      throw new RunnerError(
        RunnerErrorCodes.LOAD_FAILED,
        `the load generator${runners > 1 ? ` (runner ${failed})` : ''} ${end.killedBy ? `was killed (${end.killedBy})` : `exited ${end.exit}`}` +
          `: ${lastLine(join(dir, `load${suffix(failed)}.log`))} (report of what ran: ${join(dir, 'report.html')})`,
      );
    }
    return result;
  } finally {
    for (const stop of cleanups.reverse()) await stop().catch(() => {});
  }
}

/**
 * The warm-up: the run's own mix at its first rate, before the collector exists and before any
 * scenario plays, so neither its answers nor the mock's count of them reach the report.
 */
async function warmUp(plan: Plan, o: BenchmarkOptions, dir: string): Promise<void> {
  const rate = plan.profile.phases[0]?.fromRate || plan.profile.steps[0]?.targetRate || 1;
  const profile = buildProfile({
    name: 'soak',
    rates: [rate],
    stepSeconds: o.warmupSeconds ?? 0,
    rampSeconds: 0,
  });
  // No SLA line can break a warm-up, and its exit code says nothing about the run.
  const sla: Sla = {
    name: 'warm-up',
    successRate: 0,
    latencyMs: {},
    ttftMs: {},
    errorRates: {},
    maxDroppedIterations: Number.MAX_SAFE_INTEGER,
  };
  // A trace's run warms up at its first window's mean rate, with the mix's own requests: the
  // trace itself is replayed once, in the run.
  const { trace: _trace, ...untraced } = plan;
  await runLoad(
    // Another seed, so its draws are not step 0's own. What a strategy keeps (a breaker's window,
    // a retry budget, a cache) starts step 0 warm, as it would in service (runner/README.md).
    { ...untraced, profile, sla, seed: plan.seed + 1 },
    { ...o.generator, quiet: true },
    { summary: join(dir, 'warmup', 'summary.json'), log: join(dir, 'warmup', 'load.log') },
  );
}

async function prepareStack(
  o: BenchmarkOptions,
  dir: string,
  collectorUrl: string,
  print: (l: string) => void,
): Promise<LaunchedStack | { dir: string; urls: StackUrls } | null> {
  if (o.stack === 'off') return null;
  if (o.stack !== 'auto') return o.stack;
  return launchStack(dir, collectorUrl, print, 'busybench run');
}

/** A log's last line, to say why a process ended ("" when it wrote nothing). */
function lastLine(path: string): string {
  try {
    return (
      readFileSync(path, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1) ?? 'it wrote nothing'
    );
  } catch {
    return 'it left no log';
  }
}
