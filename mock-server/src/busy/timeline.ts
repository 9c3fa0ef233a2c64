import type { Behaviour } from '../config/schema.js';
import { Autoscaler, type AutoscaleStatus, type NodeLoad } from './autoscaler.js';
import { computeEffective, type Effective } from './effective.js';
import type { Scenario } from './scenario.js';

export interface TimelineStatus {
  readonly scenario: string | null;
  readonly phase: string;
  readonly phaseIndex: number;
  /** A fault phase is playing (one that changes the node's behaviour). */
  readonly fault: boolean;
  readonly elapsedMs: number;
  /** When the phase now playing began, ms since the epoch (0 when none plays). */
  readonly phaseStartedMs: number;
  readonly running: boolean;
  readonly loop: boolean;
  readonly speed: number;
}

/**
 * Plays a scenario's phases on one node: at each phase boundary the node's effective behaviour is
 * recomputed, and listeners (metrics) hear of it. Timers are unref'd so they never keep a process up.
 */
export class Timeline {
  private effective: Effective;
  private scenario: Scenario | null = null;
  private phaseIndex = -1;
  private startedAt = 0;
  private phaseStartedAt = 0;
  private speed = 1;
  private loop = false;
  private timer: NodeJS.Timeout | undefined;
  /** The scenario's elastic capacity, while one with `autoscale` plays. */
  private autoscaler: Autoscaler | null = null;
  /** What an autoscaler reads of the node (set by the node; none: no scenario may autoscale). */
  load: NodeLoad | null = null;
  private readonly listeners: Array<(status: TimelineStatus) => void> = [];

  constructor(private base: Behaviour) {
    this.effective = computeEffective(base);
  }

  get baseBehaviour(): Behaviour {
    return this.base;
  }

  get current(): Effective {
    return this.effective;
  }

  onChange(listener: (status: TimelineStatus) => void): void {
    this.listeners.push(listener);
  }

  /** Replaces the base behaviour (admin API); a running scenario keeps playing on top of it. */
  setBase(base: Behaviour): void {
    this.base = base;
    this.recompute();
    this.emit();
  }

  /** The autoscaler's replicas now; null when the scenario playing has none. */
  autoscale(): AutoscaleStatus | null {
    return this.autoscaler?.status() ?? null;
  }

  /**
   * The phase's name, with the replicas when an autoscaler plays ("steady · 5 replicas (+2
   * starting)"): each move is then a phase change on the mock's metrics, which the collector
   * puts on the run's timeline. The runner reads the replicas back from this form.
   */
  private phaseName(): string {
    const a = this.autoscaler?.status();
    if (!a) return this.effective.phase;
    return `${this.effective.phase} · ${a.ready} replicas${a.starting > 0 ? ` (+${a.starting} starting)` : ''}`;
  }

  private recompute(): void {
    this.effective = computeEffective(
      this.base,
      this.scenario?.phases[this.phaseIndex],
      this.autoscaler?.factor ?? 1,
    );
  }

  start(scenario: Scenario, options: { speed?: number; loop?: boolean } = {}): void {
    this.stop(false);
    this.scenario = scenario;
    this.speed = options.speed ?? 1;
    this.loop = options.loop ?? false;
    this.startedAt = Date.now();
    if (scenario.autoscale && this.load) {
      // Each move is a change of the node's capacity, heard as a phase change (its name says the replicas).
      this.autoscaler = new Autoscaler(
        scenario.autoscale,
        this.load,
        () => {
          this.phaseStartedAt = Date.now();
          this.recompute();
          this.emit();
        },
        this.speed,
      );
      this.autoscaler.start();
    }
    this.enter(0);
  }

  stop(emit = true): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.autoscaler?.stop();
    this.autoscaler = null;
    this.scenario = null;
    this.phaseIndex = -1;
    this.effective = computeEffective(this.base);
    if (emit) this.emit();
  }

  status(): TimelineStatus {
    const running = this.scenario !== null;
    return {
      scenario: this.scenario?.name ?? null,
      phase: this.phaseName(),
      phaseIndex: this.phaseIndex,
      fault: this.scenario?.phases[this.phaseIndex]?.fault ?? false,
      elapsedMs: running ? (Date.now() - this.startedAt) * this.speed : 0,
      phaseStartedMs: running ? this.phaseStartedAt : 0,
      running,
      loop: this.loop,
      speed: this.speed,
    };
  }

  private enter(index: number): void {
    const scenario = this.scenario;
    if (!scenario) return;
    const phase = scenario.phases[index];
    if (!phase) return;
    this.phaseIndex = index;
    this.phaseStartedAt = Date.now();
    this.recompute();
    this.emit();
    const next = scenario.phases[index + 1];
    const untilMs = (next ? next.atMs : scenario.durationMs) - phase.atMs;
    this.timer = setTimeout(() => {
      if (next) this.enter(index + 1);
      else if (this.loop) {
        this.startedAt = Date.now();
        this.enter(0);
      } else this.stop();
    }, untilMs / this.speed);
    this.timer.unref();
  }

  private emit(): void {
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}
