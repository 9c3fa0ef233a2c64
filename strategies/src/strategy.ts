import { Counter, Gauge, Registry } from 'prom-client';
import type { ProxyRequest, Upstream, UpstreamResponse } from './upstream.js';

/** The one name of every strategy's queue length (collector/src/strategy-queue.ts reads it). */
export const QUEUE_GAUGE = 'busybench_strategy_queue_length';

/**
 * A resilience strategy: given a client's request and the upstream nodes, produce one response.
 * Each strategy is a file in strategies/src/strategies/; the proxy server around them is shared.
 */
export interface Strategy {
  readonly name: string;
  handle(req: ProxyRequest, ctx: StrategyContext): Promise<UpstreamResponse>;
  /** Gauges a strategy wants on /metrics (breaker state, free slots). */
  readonly gauges?: Record<string, () => number>;
  /**
   * Requests waiting in the strategy's own queue now (priority's classes, the bulkhead's queue,
   * the rate limiter's waiters): one gauge name for every strategy, `busybench_strategy_queue_length`,
   * which the collector scrapes to judge an SLA's queue line. None: the strategy queues nothing (0).
   */
  readonly queueLength?: () => number;
  /**
   * Called once before the proxy listens (the context's registry is ready): a strategy that
   * needs a process or connection of its own (the cache's Redis) starts it here.
   */
  start?(ctx: StrategyContext): Promise<void>;
  /** Called once when the proxy shuts down, after it stopped taking requests. */
  close?(): Promise<void>;
}

export type StrategyOptions = Readonly<Record<string, string>>;

/** What every strategy sees: the nodes, one way to send (which counts attempts), local answers. */
export class StrategyContext {
  readonly registry = new Registry();
  private readonly attempts: Counter;
  private readonly locals: Counter;
  private readonly responses: Counter;
  /** Client requests being handled (read by the gauge at scrape time, not set per request). */
  inFlight = 0;
  /**
   * Per-request counts kept as plain numbers by label values and added to the counters when
   * scraped: prom-client hashes the labels on every `inc` (0.4–0.7 % of the frame's profile at
   * 2 000–4 000 req/s), work a scrape every few seconds does once.
   */
  private readonly pending = new Map<
    string,
    { counter: Counter; labels: Record<string, string>; n: number }
  >();
  private rr = 0;

  constructor(
    readonly strategy: string,
    readonly upstreams: readonly Upstream[],
  ) {
    this.registry.setDefaultLabels({ strategy });
    const p = 'busybench_strategy_';
    const flush = () => this.flush();
    this.attempts = new Counter({
      name: `${p}upstream_attempts_total`,
      help: 'Requests the strategy sent upstream, by node and status (502: unreachable; 499: stopped, or not sent, because the client hung up, or cancelled by the strategy: a hedge that lost).',
      labelNames: ['upstream', 'status'],
      registers: [this.registry],
      collect: flush,
    });
    this.locals = new Counter({
      name: `${p}local_answers_total`,
      help: 'Answers the strategy made itself, by reason (breaker open, bulkhead full, fallback, cache hit...).',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.responses = new Counter({
      name: `${p}responses_total`,
      help: 'Responses sent to clients, by status.',
      labelNames: ['status'],
      registers: [this.registry],
      collect: flush,
    });
    const ctx = this;
    new Gauge({
      name: `${p}in_flight`,
      help: 'Client requests being handled.',
      registers: [this.registry],
      collect() {
        this.set(ctx.inFlight);
      },
    });
  }

  private tally(counter: Counter, key: string, labels: () => Record<string, string>): void {
    const entry = this.pending.get(key);
    if (entry) entry.n++;
    else this.pending.set(key, { counter, labels: labels(), n: 1 });
  }

  /** Adds what was tallied since the last scrape to the counters. */
  private flush(): void {
    for (const entry of this.pending.values()) {
      if (entry.n === 0) continue;
      entry.counter.inc(entry.labels, entry.n);
      entry.n = 0;
    }
  }

  /** Counts a response sent to a client. */
  responded(status: number): void {
    this.tally(this.responses, `r${status}`, () => ({ status: String(status) }));
  }

  /** Sends to one node and counts the attempt. */
  async attempt(
    upstream: Upstream,
    req: ProxyRequest,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<UpstreamResponse> {
    const res = await upstream.send(req, headers, signal);
    this.count(upstream, res.status);
    return res;
  }

  /**
   * Sends the request on: to the next node in turn, or — inside a chain such as retry+breaker —
   * to the next strategy of the chain. Strategies that do not pick nodes themselves use this.
   */
  send(req: ProxyRequest): Promise<UpstreamResponse> {
    return this.attempt(this.next(), req);
  }

  /** The same context, sending through `send` instead (the next link of a chain). */
  withSend(send: (req: ProxyRequest) => Promise<UpstreamResponse>): StrategyContext {
    const derived = Object.create(this) as StrategyContext;
    derived.send = send;
    // State stays on the one context: the round-robin turn is shared, not copied per link.
    derived.next = () => this.next();
    return derived;
  }

  /** Counts an attempt made by someone else's client (the openai SDK's retries). */
  count(upstream: Upstream, status: number): void {
    this.tally(this.attempts, `a${status} ${upstream.url}`, () => ({
      upstream: upstream.url,
      status: String(status),
    }));
  }

  /** The next node in turn (plain round robin: what passthrough and the simple strategies use). */
  next(): Upstream {
    const u = this.upstreams[this.rr % this.upstreams.length] as Upstream;
    this.rr++;
    return u;
  }

  local(reason: string, res: UpstreamResponse): UpstreamResponse {
    this.locals.inc({ reason });
    return res;
  }

  /**
   * The common queue gauge (Strategy.queueLength), on every strategy of the frame, 0 for those
   * that queue nothing: a dashboard or SLA line reads one name whatever the strategy.
   */
  addQueueGauge(read: () => number): void {
    new Gauge({
      name: QUEUE_GAUGE,
      help: "Requests waiting in the strategy's own queue (priority, bulkhead, rate limiter); 0 for a strategy that queues nothing.",
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  addGauges(gauges: Record<string, () => number>): void {
    for (const [name, read] of Object.entries(gauges)) {
      new Gauge({
        name: `busybench_strategy_${name}`,
        help: `${name.replaceAll('_', ' ')} (strategy state)`,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    }
  }
}
