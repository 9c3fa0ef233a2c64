import type { AccountRegistry } from './busy/accounts.js';
import { Capacity } from './busy/capacity.js';
import type { Effective } from './busy/effective.js';
import type { RateLimiter } from './busy/rate-limiter.js';
import { loadScenario } from './busy/scenario.js';
import { Timeline } from './busy/timeline.js';
import { deepMerge } from './config/merge.js';
import type { Behaviour, MockConfig } from './config/schema.js';
import type { PromptCache } from './generation/prompt-cache.js';
import { MockMetrics } from './metrics/mock-metrics.js';
import { Rng } from './rng.js';

/** What the nodes of one process share: DeepSeek counts limits and balance per account. */
export interface SharedState {
  readonly accounts: AccountRegistry;
  readonly rateLimiter: RateLimiter;
  readonly promptCache: PromptCache;
}

/**
 * One mock node: its behaviour (config + node override + scenario phase), its capacity, its
 * own seeded randomness and its own ground-truth metrics.
 */
export class MockNode {
  readonly name: string;
  readonly capacity: Capacity;
  readonly timeline: Timeline;
  readonly metrics: MockMetrics | undefined;
  rng: Rng;
  config: MockConfig;

  constructor(
    readonly index: number,
    config: MockConfig,
    readonly shared: SharedState,
  ) {
    this.name = `node-${index}`;
    this.config = config;
    this.rng = new Rng(config.seed + index);
    this.timeline = new Timeline(this.behaviourOf(config));
    this.capacity = new Capacity(this.timeline.current.maxInFlight);
    // What a scenario's autoscaler measures: requests reaching the node, and how full it is.
    this.timeline.load = {
      arrivals: () => this.capacity.arrivals,
      busyShare: () => Math.min(1, this.capacity.inFlight / this.capacity.maxInFlight),
    };
    this.metrics = config.metrics.enabled
      ? new MockMetrics(this.name, this.capacity, shared.accounts, this.timeline, () => this.config)
      : undefined;
    this.timeline.onChange(() => {
      this.capacity.maxInFlight = this.timeline.current.maxInFlight;
      this.capacity.drain();
    });
  }

  get effective(): Effective {
    return this.timeline.current;
  }

  /** The node's base behaviour: the config's, with this node's override on top. */
  behaviourOf(config: MockConfig): Behaviour {
    const override = config.nodeOverrides[this.index];
    return override ? deepMerge(config.behaviour, override) : config.behaviour;
  }

  /** Starts the configured scenario, if any. */
  startConfiguredScenario(): void {
    const s = this.config.scenario;
    if (s)
      this.timeline.start(loadScenario(s.name, this.timeline.baseBehaviour), {
        speed: s.speed,
        loop: s.loop,
      });
  }

  /** Admin: a new, already validated config (the server section is fixed while running). */
  replaceConfig(config: MockConfig): void {
    this.config = config;
    this.timeline.setBase(this.behaviourOf(config));
  }

  /** Admin: counters back to zero and the random stream back to its seed. */
  reset(): void {
    this.rng = new Rng(this.config.seed + this.index);
    this.metrics?.reset();
  }
}
