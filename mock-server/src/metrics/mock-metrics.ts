import { Registry } from 'prom-client';
import {
  FastCounter,
  FastGauge,
  FastHistogram,
  type HistogramHandle,
  INTER_TOKEN_BUCKETS,
  LLM_LATENCY_BUCKETS,
  type ValueHandle,
} from '../../../common/fast-metrics.js';
import type { AccountRegistry } from '../busy/accounts.js';
import type { Capacity } from '../busy/capacity.js';
import type { Timeline } from '../busy/timeline.js';
import type { MockConfig } from '../config/schema.js';

/** Kinds of injected faults, as the `kind` label of busybench_mock_injected_faults_total. */
export type FaultKind =
  | `error_${number}`
  | 'stream_truncate'
  | 'stream_insufficient_resource'
  | 'stream_content_filter'
  | 'stream_stall'
  | 'network_reset'
  | 'network_blackhole'
  | 'network_slow_body'
  | 'network_malformed_json'
  | 'hold_timeout';

/** Why the mock itself (not an injection) turned a request away. */
export type LimitKind =
  | 'concurrency'
  | 'user_concurrency'
  | 'rpm'
  | 'tpm'
  | 'capacity'
  | 'queue_timeout'
  | 'balance';

export type TokenKind = 'prompt_cache_hit' | 'prompt_cache_miss' | 'completion' | 'reasoning';

/**
 * The ground truth of one node, in its own registry so every node's /metrics speaks for that
 * node alone (a `node` default label tells them apart once scraped).
 */
export class MockMetrics {
  readonly registry = new Registry();
  private readonly requests: FastCounter;
  private readonly faults: FastCounter;
  private readonly limits: FastCounter;
  private readonly tokens: FastCounter;
  private readonly cost: FastCounter;
  private readonly ttft: FastHistogram;
  private readonly duration: FastHistogram;
  readonly interToken: HistogramHandle;
  private readonly tokenCache = new Map<string, Record<TokenKind, ValueHandle>>();
  private readonly costCache = new Map<string, ValueHandle>();
  private readonly requestHandles = new Map<string, Map<string, Map<string, Map<number, ValueHandle>>>>();
  private readonly durationHandles = new Map<string, [HistogramHandle, HistogramHandle]>();
  /** Per-user_id series, only when `metrics.perUser` asks for them (one series per end user). */
  private readonly userRequests: FastCounter | undefined;

  constructor(
    node: string,
    capacity: Capacity,
    accounts: AccountRegistry,
    timeline: Timeline,
    config: () => MockConfig,
  ) {
    const r = this.registry;
    r.setDefaultLabels({ node });
    const p = 'busybench_mock_';
    this.requests = new FastCounter(
      r,
      `${p}requests_total`,
      'Requests answered (attempts as the upstream saw them).',
      ['endpoint', 'model', 'status', 'account'],
    );
    this.faults = new FastCounter(r, `${p}injected_faults_total`, 'Faults injected on purpose, by kind.', [
      'kind',
    ]);
    this.limits = new FastCounter(r, `${p}limit_rejections_total`, 'Requests refused by a busy rule.', [
      'limit',
      'account',
    ]);
    this.tokens = new FastCounter(
      r,
      `${p}tokens_total`,
      'Tokens generated, by kind (an answer the client left counts up to then).',
      ['model', 'kind'],
    );
    // What a compare's dollars are made of: the tokens served at the configured prices, cache
    // hits at theirs, whether or not an account was charged.
    this.cost = new FastCounter(
      r,
      `${p}cost_usd_total`,
      'What the tokens served cost at the configured prices (USD).',
      ['model'],
    );
    this.ttft = new FastHistogram(
      r,
      `${p}ttft_seconds`,
      'Served time to first token.',
      ['model'],
      LLM_LATENCY_BUCKETS,
    );
    this.interToken = new FastHistogram(
      r,
      `${p}inter_token_seconds`,
      'Served gap between tokens.',
      [],
      INTER_TOKEN_BUCKETS,
    ).handle();
    this.duration = new FastHistogram(
      r,
      `${p}request_duration_seconds`,
      'Served time from request to response end.',
      ['endpoint', 'stream'],
      LLM_LATENCY_BUCKETS,
    );
    new FastGauge(r, `${p}in_flight`, 'Requests generating on this node.', [], (g) => {
      g.handle().value = capacity.inFlight;
    });
    new FastGauge(r, `${p}queued`, 'Requests waiting in the queue.', [], (g) => {
      g.handle().value = capacity.queue.size;
    });
    new FastGauge(r, `${p}held`, 'Connections held open with keep-alive lines.', [], (g) => {
      g.handle().value = capacity.held.size;
    });
    new FastGauge(
      r,
      `${p}capacity`,
      'Effective max in-flight on this node (after the scenario).',
      [],
      (g) => {
        g.handle().value = capacity.maxInFlight;
      },
    );
    new FastGauge(
      r,
      `${p}account_in_flight`,
      'In-flight requests per account and model group.',
      ['account', 'group'],
      (g) => {
        for (const a of accounts.accounts) {
          g.handle(a.id, 'pro').value = a.inFlight.pro;
          g.handle(a.id, 'flash').value = a.inFlight.flash;
        }
      },
    );
    new FastGauge(
      r,
      `${p}account_concurrency_limit`,
      'Concurrency limit per account and model group.',
      ['account', 'group'],
      (g) => {
        const rule = config().behaviour.limits.concurrency;
        for (const a of accounts.accounts) {
          g.handle(a.id, 'pro').value = a.limit('pro', rule);
          g.handle(a.id, 'flash').value = a.limit('flash', rule);
        }
      },
    );
    if (config().metrics.perUser) {
      this.userRequests = new FastCounter(
        r,
        `${p}user_requests_total`,
        'Requests answered per user_id ("" for none), opted in with metrics.perUser.',
        ['account', 'user', 'status'],
      );
      new FastGauge(
        r,
        `${p}user_in_flight`,
        'In-flight requests per user_id on raised accounts, opted in with metrics.perUser.',
        ['account', 'user', 'group'],
        (g) => {
          g.reset();
          for (const a of accounts.accounts) {
            for (const [user, n] of a.users) {
              g.handle(a.id, user, 'pro').value = n.pro;
              g.handle(a.id, user, 'flash').value = n.flash;
            }
          }
        },
      );
    }
    new FastGauge(r, `${p}account_balance_usd`, 'Remaining balance per account.', ['account'], (g) => {
      for (const a of accounts.accounts) g.handle(a.id).value = a.balance;
    });
    new FastGauge(
      r,
      `${p}scenario_phase`,
      '1 for the scenario phase now playing.',
      ['scenario', 'phase'],
      (g) => {
        const s = timeline.status();
        g.reset();
        g.handle(s.scenario ?? 'none', s.phase).value = 1;
      },
    );
    new FastGauge(
      r,
      `${p}scenario_fault`,
      '1 while a fault phase plays (one that changes behaviour); recovery time counts from its end.',
      [],
      (g) => {
        g.handle().value = timeline.status().fault ? 1 : 0;
      },
    );
    // A scrape every second sees a phase up to a second late; recovery time is measured from a
    // phase's end, so the collector takes its start from here.
    new FastGauge(
      r,
      `${p}scenario_phase_started_seconds`,
      'When the scenario phase now playing began (seconds since the epoch; 0 when none plays).',
      [],
      (g) => {
        g.handle().value = timeline.status().phaseStartedMs / 1000;
      },
    );
    // Elastic capacity (a scenario's autoscale): present only while an autoscaler plays.
    new FastGauge(
      r,
      `${p}autoscale_replicas`,
      "The scenario's autoscaler: replicas serving (ready) and decided but not serving yet (starting).",
      ['state'],
      (g) => {
        g.reset();
        const a = timeline.autoscale();
        if (!a) return;
        g.handle('ready').value = a.ready;
        g.handle('starting').value = a.starting;
      },
    );
    new FastGauge(
      r,
      `${p}autoscale_desired_replicas`,
      "The autoscaler's last decision (HPA's desired replicas).",
      [],
      (g) => {
        g.reset();
        const a = timeline.autoscale();
        if (a) g.handle().value = a.desired;
      },
    );
    new FastGauge(
      r,
      `${p}autoscale_metric`,
      'What the autoscaler last measured per replica: requests a second (metric rps) or a utilisation share (cpu).',
      [],
      (g) => {
        g.reset();
        const a = timeline.autoscale();
        if (a) g.handle().value = a.metric;
      },
    );
    new FastGauge(
      r,
      `${p}scenario_elapsed_seconds`,
      'Scenario time since it started (scaled by speed).',
      [],
      (g) => {
        g.handle().value = timeline.status().elapsedMs / 1000;
      },
    );
  }

  request(endpoint: string, model: string, status: number, account: string): void {
    this.requests.handle(endpoint, model, String(status), account).value++;
  }

  /** One finished exchange: its request count and its duration, in one call on the hot path. */
  exchangeEnded(
    endpoint: string,
    stream: boolean,
    model: string,
    status: number,
    account: string,
    started: number,
  ): void {
    // Nested maps keyed by strings the process already holds: no key is built per request.
    let byModel = this.requestHandles.get(endpoint);
    if (!byModel) {
      byModel = new Map();
      this.requestHandles.set(endpoint, byModel);
    }
    let byAccount = byModel.get(model);
    if (!byAccount) {
      byAccount = new Map();
      byModel.set(model, byAccount);
    }
    let byStatus = byAccount.get(account);
    if (!byStatus) {
      byStatus = new Map();
      byAccount.set(account, byStatus);
    }
    let counter = byStatus.get(status);
    if (!counter) {
      counter = this.requests.handle(endpoint, model, String(status), account);
      byStatus.set(status, counter);
    }
    counter.value++;
    let durations = this.durationHandles.get(endpoint);
    if (!durations) {
      durations = [this.duration.handle(endpoint, 'false'), this.duration.handle(endpoint, 'true')];
      this.durationHandles.set(endpoint, durations);
    }
    durations[stream ? 1 : 0].observe((performance.now() - started) / 1000);
  }

  /** One finished exchange of a user_id; a no-op unless per-user series were asked for. */
  userRequest(account: string, user: string, status: number): void {
    if (this.userRequests) this.userRequests.handle(account, user, String(status)).value++;
  }

  fault(kind: FaultKind): void {
    this.faults.handle(kind).value++;
  }

  limit(kind: LimitKind, account: string): void {
    this.limits.handle(kind, account).value++;
  }

  /** The token counters of one model, looked up once per request rather than once per kind. */
  tokenHandles(model: string): Record<TokenKind, ValueHandle> {
    let handles = this.tokenCache.get(model);
    if (!handles) {
      handles = {
        prompt_cache_hit: this.tokens.handle(model, 'prompt_cache_hit'),
        prompt_cache_miss: this.tokens.handle(model, 'prompt_cache_miss'),
        completion: this.tokens.handle(model, 'completion'),
        reasoning: this.tokens.handle(model, 'reasoning'),
      };
      this.tokenCache.set(model, handles);
    }
    return handles;
  }

  /** The cost counter of one model (the model billed, aliases as the model they stand for). */
  costHandle(model: string): ValueHandle {
    let handle = this.costCache.get(model);
    if (!handle) {
      handle = this.cost.handle(model);
      this.costCache.set(model, handle);
    }
    return handle;
  }

  ttftHandle(model: string): HistogramHandle {
    return this.ttft.handle(model);
  }

  /** Admin reset: counters and histograms start again from zero (gauges are live anyway). */
  reset(): void {
    for (const m of [
      this.requests,
      this.faults,
      this.limits,
      this.tokens,
      this.cost,
      this.ttft,
      this.duration,
    ])
      m.reset();
    this.userRequests?.reset();
    // The handle caches point into the series just dropped: forget them too.
    this.tokenCache.clear();
    this.costCache.clear();
    this.requestHandles.clear();
    this.durationHandles.clear();
    this.interToken.counts.fill(0);
    this.interToken.sum = 0;
    this.interToken.count = 0;
  }
}
