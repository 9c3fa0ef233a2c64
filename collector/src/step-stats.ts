import { HistogramHandle, INTER_TOKEN_BUCKETS, LLM_LATENCY_BUCKETS } from '../../common/fast-metrics.js';
import { isPriorityClass, PRIORITY_CLASSES, type PriorityClass } from '../../common/priority-classes.js';
import { MEAN_KEY } from '../../common/sla/sla.js';
import type { JudgedFigures, JudgedStep } from '../../common/sla/verdict.js';
import {
  ENGINE_PREFIX,
  isEngineDropped,
  isEngineEnd,
  isEngineRequest,
  isEngineRun,
  segmentedPlanKey,
} from './engine-results.js';
import { parseLine, type Sample } from './k6-samples.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { QueueSamples } from './queue-samples.js';
import { type LineSource, RunnerTally } from './runner-view.js';
import { TimeSeries } from './time-series.js';
import { UserFairness } from './user-fairness.js';

/** Outcomes (loadtests/engine/contract/outcomes.json): `ok`, or the error class. */
export { OUTCOMES, type Outcome } from '../../common/outcomes.js';

/** Output tokens per second of one answer: a slow stream at 1, a fast model in the hundreds. */
export const TOKENS_PER_SECOND_BUCKETS = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000];

/** A histogram's summary with nothing in it (a class that sent no stream has no TTFT). */
const EMPTY: LatencySummary = Object.freeze({
  count: 0,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  p999: 0,
  max: 0,
  mean: 0,
});

/**
 * One priority class's LLM signals over the whole run, in Prometheus buckets: latency and time to
 * first token (what its SLOs read as bucket ratios), inter-token gaps, tokens per second. Run-wide,
 * not per step: four classes at most, so a run's class series stay bounded whatever its steps.
 */
export class ClassSignals {
  readonly latency = new HistogramHandle(LLM_LATENCY_BUCKETS);
  readonly ttft = new HistogramHandle(LLM_LATENCY_BUCKETS);
  readonly interToken = new HistogramHandle(INTER_TOKEN_BUCKETS);
  readonly tokensPerSecond = new HistogramHandle(TOKENS_PER_SECOND_BUCKETS);
}

/**
 * One priority class's share of a step: requests by outcome, latency and time to first token,
 * what its SLA lines are judged on.
 */
export class ClassStats implements JudgedFigures {
  readonly latency = new LatencyHistogram();
  /** Made on the class's first stream: a class that never streams costs no histogram. */
  ttft: LatencyHistogram | null = null;
  readonly counts = new Map<string, number>();

  /** `signals`: the class's run-wide buckets, which this step's requests add to. */
  constructor(readonly signals: ClassSignals = new ClassSignals()) {}

  add(outcome: string, ms: number): void {
    this.latency.recordMs(ms);
    this.signals.latency.observe(ms / 1000);
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  addTtft(ms: number): void {
    this.ttft ??= new LatencyHistogram();
    this.ttft.recordMs(ms);
    this.signals.ttft.observe(ms / 1000);
  }

  get requests(): number {
    return this.latency.count;
  }

  errorCount(errorClass: string): number {
    return this.counts.get(errorClass) ?? 0;
  }

  latencyMs(q: number): number | null {
    return this.requests === 0 ? null : this.latency.percentileMs(q);
  }

  ttftMs(q: number): number | null {
    return this.ttft === null || this.ttft.count === 0 ? null : this.ttft.percentileMs(q);
  }

  latencyMeanMs(): number | null {
    return this.requests === 0 ? null : this.latency.meanMs();
  }

  ttftMeanMs(): number | null {
    return this.ttft === null || this.ttft.count === 0 ? null : this.ttft.meanMs();
  }

  get successRate(): number | null {
    return this.requests === 0 ? null : (this.counts.get('ok') ?? 0) / this.requests;
  }

  summary(): ClassSummary {
    return {
      requests: this.requests,
      successRate: this.successRate,
      errors: Object.fromEntries([...this.counts].filter(([o]) => o !== 'ok')),
      latency: this.latency.summary(),
      ttft: this.ttft?.summary() ?? EMPTY,
    };
  }
}

/** A priority class's figures in a step: the step's own, but for its requests only. */
export interface ClassSummary {
  requests: number;
  successRate: number | null;
  errors: Record<string, number>;
  latency: LatencySummary;
  ttft: LatencySummary;
}

/**
 * Everything measured for one step: latency by outcome (and over all), time to first token and
 * inter-token latency of streams, request counts by outcome, the step's time span. Memory is
 * bounded by the histograms, whatever the run's length.
 */
export class StepStats implements JudgedStep {
  readonly latency = new Map<string, LatencyHistogram>();
  readonly all = new LatencyHistogram();
  readonly ttft = new LatencyHistogram();
  readonly interToken = new LatencyHistogram();
  readonly counts = new Map<string, number>();
  /** Per priority class (x-priority), made on its first request: a run without classes has none. */
  readonly classes = new Map<PriorityClass, ClassStats>();
  /** The same latencies in Prometheus buckets (seconds, 5 ms – 120 s), for histogram_quantile. */
  readonly buckets = new HistogramHandle(LLM_LATENCY_BUCKETS);
  /**
   * The LLM signals in Prometheus buckets too, for SLOs as bucket ratios (alerts/slos): time to
   * first token (a bound at 2 s, the TTFT SLO's line), the gaps between tokens, and each
   * successful answer's output tokens per second.
   */
  readonly ttftBuckets = new HistogramHandle(LLM_LATENCY_BUCKETS);
  readonly interTokenBuckets = new HistogramHandle(INTER_TOKEN_BUCKETS);
  readonly tokensPerSecond = new HistogramHandle(TOKENS_PER_SECOND_BUCKETS);
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = 0;

  /** Successful answers faster than the goodput bound. */
  okWithinBound = 0;

  /**
   * The step's target rate: the sum of what each load generator asked of it (one file of a
   * merged report is one generator; segments of one plan count once). Within one generator the
   * rate is the one its first line for the step names, however many lines follow.
   */
  targetRate = 0;
  /** Each generator's rate for this step, by source key (see RunStats.beginSource). */
  private readonly rates = new Map<string, number>();
  /** @internal The RunStats source whose rate is known: the hot path checks just this. */
  rateSource = -1;

  constructor(
    readonly step: number,
    targetRate: number,
    /** Goodput counts successes under this latency (ms): the SLA's latency line. */
    private readonly goodputBoundMs = Number.POSITIVE_INFINITY,
    /** A class's run-wide signals (RunStats'); a step on its own keeps its own. */
    private readonly signalsOf: (priority: PriorityClass) => ClassSignals = () => new ClassSignals(),
    /** The strategy's queue samples (RunStats'): a step's peak is read from them over its span. */
    private readonly queue: QueueSamples | null = null,
  ) {
    this.targetRate = targetRate;
  }

  /** A generator's target rate for this step, added to the others'; a source counts once. */
  addRate(source: string, rate: number): void {
    if (this.rates.has(source)) return;
    this.rates.set(source, rate);
    this.targetRate += rate;
  }

  /** A request's latency; `priority` also counts it in its class. */
  addLatency(outcome: string, ms: number, time: number, priority: PriorityClass | null = null): void {
    if (priority !== null) this.classOf(priority).add(outcome, ms);
    let h = this.latency.get(outcome);
    if (!h) {
      h = new LatencyHistogram();
      this.latency.set(outcome, h);
    }
    h.recordMs(ms);
    this.all.recordMs(ms);
    if (outcome === 'ok' && ms < this.goodputBoundMs) this.okWithinBound++;
    this.buckets.observe(ms / 1000);
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    if (time < this.firstMs) this.firstMs = time;
    if (time > this.lastMs) this.lastMs = time;
  }

  /** A stream's time to first token; `priority` also counts it in its class. */
  addTtft(ms: number, priority: PriorityClass | null = null): void {
    this.ttft.recordMs(ms);
    this.ttftBuckets.observe(ms / 1000);
    if (priority !== null) this.classOf(priority).addTtft(ms);
  }

  /** One gap between two token frames of a stream; `priority` also counts it in its class. */
  addInterToken(ms: number, priority: PriorityClass | null = null): void {
    this.interToken.recordMs(ms);
    this.interTokenBuckets.observe(ms / 1000);
    if (priority !== null) this.classOf(priority).signals.interToken.observe(ms / 1000);
  }

  /**
   * A successful answer's output tokens over its whole time: what its user saw arrive per second;
   * `priority` also counts it in its class.
   */
  addAnswerTokens(tokens: number, ms: number, priority: PriorityClass | null = null): void {
    if (!(tokens > 0 && ms > 0)) return;
    this.tokensPerSecond.observe(tokens / (ms / 1000));
    if (priority !== null) this.classOf(priority).signals.tokensPerSecond.observe(tokens / (ms / 1000));
  }

  classOf(priority: PriorityClass): ClassStats {
    let c = this.classes.get(priority);
    if (!c) {
      c = new ClassStats(this.signalsOf(priority));
      this.classes.set(priority, c);
    }
    return c;
  }

  get requests(): number {
    return this.all.count;
  }

  errorCount(errorClass: string): number {
    return this.counts.get(errorClass) ?? 0;
  }

  latencyMs(q: number): number | null {
    return this.requests === 0 ? null : this.all.percentileMs(q);
  }

  ttftMs(q: number): number | null {
    return this.ttft.count === 0 ? null : this.ttft.percentileMs(q);
  }

  latencyMeanMs(): number | null {
    return this.requests === 0 ? null : this.all.meanMs();
  }

  ttftMeanMs(): number | null {
    return this.ttft.count === 0 ? null : this.ttft.meanMs();
  }

  classFigures(priority: PriorityClass): ClassStats | null {
    return this.classes.get(priority) ?? null;
  }

  queueLengthPeak(): number | null {
    return this.queue === null || this.requests === 0 ? null : this.queue.peakIn(this.firstMs, this.lastMs);
  }

  /** Requests that did not succeed, whatever their class. */
  get failures(): number {
    return this.requests - (this.counts.get('ok') ?? 0);
  }

  get successRate(): number | null {
    return this.requests === 0 ? null : (this.counts.get('ok') ?? 0) / this.requests;
  }

  /** `count` per second over the step's span (a lone request counts as itself). */
  private perSecond(count: number): number {
    if (this.requests <= 1) return count;
    return count / Math.max(0.001, (this.lastMs - this.firstMs) / 1000);
  }

  get goodput(): number {
    return this.perSecond(this.okWithinBound);
  }

  summary(): StepSummary {
    return {
      step: this.step,
      targetRate: this.targetRate,
      requests: this.requests,
      achievedRate: this.perSecond(this.requests),
      goodput: this.goodput,
      successRate: this.successRate,
      errors: Object.fromEntries([...this.counts].filter(([o]) => o !== 'ok')),
      latency: this.all.summary(),
      latencyOk: (this.latency.get('ok') ?? new LatencyHistogram()).summary(),
      ttft: this.ttft.summary(),
      interToken: this.interToken.summary(),
      ...(this.classes.size === 0
        ? {}
        : {
            classes: Object.fromEntries(
              PRIORITY_CLASSES.flatMap((c) => {
                const stats = this.classes.get(c);
                return stats ? [[c, stats.summary()]] : [];
              }),
            ),
          }),
    };
  }
}

export interface StepSummary {
  step: number;
  targetRate: number;
  requests: number;
  achievedRate: number;
  /** Successful responses within the latency SLA, per second (the design brief's goodput). */
  goodput: number;
  successRate: number | null;
  errors: Record<string, number>;
  latency: LatencySummary;
  latencyOk: LatencySummary;
  ttft: LatencySummary;
  interToken: LatencySummary;
  /** Per priority class that had requests in the step, P0 first; absent when none had. */
  classes?: Partial<Record<PriorityClass, ClassSummary>>;
}

/**
 * A whole run, fed line by line from k6's NDJSON or the Go engine's results (both, even in one
 * run: each line says which it is). Several load generators' files feed one RunStats in turn,
 * `beginSource()` between them: counts add, histograms merge, target rates add per step.
 */
export class RunStats {
  /** `goodputBoundMs`: the SLA's latency bound a success must beat to count as goodput. */
  constructor(private readonly goodputBoundMs = Number.POSITIVE_INFINITY) {
    this.series = new TimeSeries(3600, goodputBoundMs);
    this.users = new UserFairness(goodputBoundMs);
  }

  /** Fairness between the user_ids requests carried (none: its summary is null). */
  readonly users: UserFairness;

  readonly steps = new Map<number, StepStats>();
  /** Each priority class's signals over the whole run, made on its first request. */
  readonly classSignals = new Map<PriorityClass, ClassSignals>();
  private readonly signalsOf = (priority: PriorityClass): ClassSignals => {
    let s = this.classSignals.get(priority);
    if (!s) {
      s = new ClassSignals();
      this.classSignals.set(priority, s);
    }
    return s;
  };
  /** The same requests over time: live charts and recovery time. */
  readonly series: TimeSeries;
  /** The strategy's queue length, scraped (the collector's live server and report add them). */
  readonly queue = new QueueSamples();
  malformedLines = 0;
  droppedIterations = 0;
  /** Each engine generator's own tally, one per `run` line, in the order they came. */
  readonly runners: RunnerTally[] = [];
  /** Where lines come from when the caller does not say: one file, one generator. */
  private readonly defaultSource: LineSource = { tally: null };

  /** Which generator the lines come from now: a number for the hot path, a key for the rates. */
  private sourceId = 0;
  private sourceKey = '';

  /**
   * The lines from here on come from another load generator (the next file of a report): its
   * target rate for a step adds to the others'. Not needed for one file, however long.
   */
  beginSource(key = `source ${this.sourceId + 1}`): void {
    this.sourceId++;
    this.sourceKey = key;
  }

  /**
   * One line; `source` says which generator it came from when several feed the run at once (a
   * follower per file, a runner shipping over HTTP), so each one's own figures add up.
   */
  ingestLine(line: string, source: LineSource = this.defaultSource): void {
    // k6's Point lines start `{"metric":"`, the engine's `{"type":"`: one character tells them apart.
    if (line.charCodeAt(2) === 116 /* t */ && line.startsWith(ENGINE_PREFIX))
      this.ingestObjectLine(line, source);
    else {
      const r = parseLine(line);
      if (r.kind === 'malformed') this.malformedLines++;
      else if (r.kind === 'sample') this.ingest(r.sample);
    }
  }

  ingest(s: Sample): void {
    if (s.metric === 'dropped_iterations') {
      this.droppedIterations += s.value;
      this.series.addDropped(s.time, s.value);
      return;
    }
    const step = this.stepOf(Number(s.tags.step ?? 0), Number(s.tags.target_rate ?? 0));
    // The k6 scripts tag a request's samples with its class; a priority tag of another value is
    // not theirs, and is not a class (the label's values stay P0..P3).
    const priority = isPriorityClass(s.tags.priority) ? s.tags.priority : null;
    if (s.metric === 'busybench_latency') {
      const outcome = s.tags.outcome ?? 'ok';
      step.addLatency(outcome, s.value, s.time, priority);
      this.series.add(s.time, outcome, s.value, step.targetRate);
    } else if (s.metric === 'busybench_ttft') step.addTtft(s.value, priority);
    else if (s.metric === 'busybench_inter_token') step.addInterToken(s.value, priority);
  }

  summaries(): StepSummary[] {
    return this.ordered().map((s) => s.summary());
  }

  /** The steps in order: what the SLA judge reads (their exact histograms, any percentile). */
  ordered(): StepStats[] {
    return [...this.steps.values()].sort((a, b) => a.step - b.step);
  }

  /**
   * A line that starts `{"type":"`: the engine's records (`req` and the others) and k6's Metric
   * descriptions. Parsed whole: an engine request is small, and feeding the step directly costs
   * less than making samples of it.
   */
  private ingestObjectLine(line: string, source: LineSource): void {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch {
      this.malformedLines++;
      return;
    }
    if (o === null || typeof o !== 'object') {
      this.malformedLines++;
      return;
    }
    this.ingestRecord(o, source, line);
  }

  /**
   * One parsed line of the engine's results (`run`, `req`, `dropped`, `end`; a receiver's batch
   * mark and k6's Metric lines are skipped). `line` is the text it came from, for k6's reader
   * when the record is none of those; without it such a record counts as malformed.
   */
  ingestRecord(o: Record<string, unknown>, source: LineSource = this.defaultSource, line?: string): void {
    switch (o.type) {
      case 'req': {
        if (!isEngineRequest(o)) {
          this.malformedLines++;
          return;
        }
        // Stamped when the answer ended, as k6 stamps its samples.
        const time = o.t + o.ms;
        const step = this.stepOf(o.step, o.rate);
        const priority = o.prio ?? null;
        step.addLatency(o.outcome, o.ms, time, priority);
        this.series.add(time, o.outcome, o.ms, step.targetRate, o.tokens ?? 0);
        if (typeof o.ttft === 'number') step.addTtft(o.ttft, priority);
        if (o.itl) for (const gap of o.itl) step.addInterToken(gap, priority);
        if (o.outcome === 'ok' && o.tokens) step.addAnswerTokens(o.tokens, o.ms, priority);
        if (o.user !== undefined) this.users.add(o.user, o.outcome, o.ms);
        source.tally?.request(o.step, o.late ?? 0);
        return;
      }
      case 'dropped':
        if (!isEngineDropped(o)) {
          this.malformedLines++;
          return;
        }
        this.droppedIterations += o.n;
        this.series.addDropped(o.t, o.n);
        if (o.step !== undefined) source.tally?.dropped(o.step, o.n);
        return;
      case 'run': {
        if (!isEngineRun(o)) {
          this.malformedLines++;
          return;
        }
        source.tally = new RunnerTally(o);
        this.runners.push(source.tally);
        // Segments of one plan share their steps' rates: the first one's count, the others' not.
        const plan = segmentedPlanKey(o);
        if (plan !== null) this.beginSource(plan);
        return;
      }
      case 'end':
        if (!isEngineEnd(o)) this.malformedLines++;
        else if (source.tally) source.tally.end = o;
        return;
      case 'batch': // a collector's mark of a shipped batch (results-receiver.ts): not a result
        return;
      case 'Metric': // k6 describing a metric
        return;
      default: {
        if (line === undefined) {
          this.malformedLines++;
          return;
        }
        // k6 with its keys in another order, or something else: k6's reader decides.
        const r = parseLine(line);
        if (r.kind === 'malformed') this.malformedLines++;
        else if (r.kind === 'sample') this.ingest(r.sample);
      }
    }
  }

  private stepOf(index: number, targetRate: number): StepStats {
    let step = this.steps.get(index);
    if (!step) {
      step = new StepStats(index, 0, this.goodputBoundMs, this.signalsOf, this.queue);
      this.steps.set(index, step);
    }
    if (step.rateSource !== this.sourceId) {
      step.addRate(this.sourceKey, targetRate);
      step.rateSource = this.sourceId;
    }
    return step;
  }
}

/** The goodput bound an SLA sets: its strictest latency line (e.g. p99 < 800 ms → 800). */
export function goodputBound(latencyMs: Readonly<Record<string, number>>): number {
  // A line on the mean bounds no single answer: only the percentile lines do.
  const bounds = Object.entries(latencyMs)
    .filter(([key]) => key !== MEAN_KEY)
    .map(([, ms]) => ms);
  return bounds.length > 0 ? Math.min(...bounds) : Number.POSITIVE_INFINITY;
}
