/**
 * Elastic capacity, as a HorizontalPodAutoscaler moves it (the guides scale the API with one: min
 * 3, max 20 replicas, CPU 70 %, 500 req/s a pod). A node stands for a service of replicas: its
 * configured capacity is `minReplicas`' worth, and its `maxInFlight` follows the ready replicas
 * (capacity factor = ready / minReplicas). Every sync period it measures its load, recommends
 * replicas by HPA's rule, and scales: up at once in the decision, but an added replica serves
 * only after its start delay (capacity arrives late, after a burst began); down to the highest
 * recommendation of the stabilisation window (HPA's scale-down smoothing).
 *
 * HPA's rule (kubernetes.io, "Horizontal Pod Autoscaling", algorithm details):
 *   desired = ceil(current × currentMetric / target), left as it is within the tolerance (10 %),
 * with replicas not ready yet counted as using nothing on a scale up (so a burst is not answered
 * twice while the first answer is still starting). Not modelled: HPA's default rate limits on
 * scaling (its `behavior` policies), pods failing to start.
 */
export interface AutoscaleSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /**
   * `rps`: requests a second reaching the node, per replica, against `target` (500: the guide's
   * "500 req/s a pod"). `cpu`: the share of the node's capacity in use (in-flight over
   * maxInFlight, sampled), a replica's CPU utilisation, against `target` (0.7: "CPU 70 %").
   */
  readonly metric: 'rps' | 'cpu';
  readonly target: number;
  readonly syncMs: number;
  readonly startDelayMs: number;
  readonly scaleDownWindowMs: number;
  readonly tolerance: number;
}

/** What the autoscaler reads of its node. */
export interface NodeLoad {
  /** Requests that reached the node's capacity so far (a counter). */
  arrivals(): number;
  /** In flight over maxInFlight now, 0..1. */
  busyShare(): number;
}

export interface AutoscaleStatus {
  readonly ready: number;
  readonly starting: number;
  /** The last decision's replicas (ready + starting once it is carried out). */
  readonly desired: number;
  /** The last measure per replica: req/s, or a utilisation share. */
  readonly metric: number;
}

/** How often the cpu metric samples the node's busy share, ms (real time). */
const SAMPLE_MS = 100;

export class Autoscaler {
  private ready: number;
  /** When each starting replica is ready, ms since the epoch (real time). */
  private starting: number[] = [];
  private desired: number;
  private metricValue = 0;
  private lastArrivals: number;
  private lastSyncAt: number;
  private busySum = 0;
  private busySamples = 0;
  /** Recommendations of the stabilisation window, oldest first. */
  private readonly history: Array<{ at: number; replicas: number }> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly readyTimers: NodeJS.Timeout[] = [];

  constructor(
    readonly spec: AutoscaleSpec,
    private readonly load: NodeLoad,
    /** Called after every change of ready or starting replicas (the node recomputes its capacity). */
    private readonly changed: () => void,
    /** Scenario time runs this much faster than real time (the timeline's speed). */
    private readonly speed = 1,
    private readonly now: () => number = Date.now,
  ) {
    this.ready = spec.minReplicas;
    this.desired = spec.minReplicas;
    this.lastArrivals = load.arrivals();
    this.lastSyncAt = now();
  }

  /** The node's capacity over its configured one: ready replicas over minReplicas. */
  get factor(): number {
    return this.ready / this.spec.minReplicas;
  }

  status(): AutoscaleStatus {
    return {
      ready: this.ready,
      starting: this.starting.length,
      desired: this.desired,
      metric: this.metricValue,
    };
  }

  start(): void {
    this.lastArrivals = this.load.arrivals();
    this.lastSyncAt = this.now();
    const sync = setInterval(() => this.sync(), this.spec.syncMs / this.speed);
    sync.unref();
    this.timers.push(sync);
    if (this.spec.metric === 'cpu') {
      const sample = setInterval(() => this.sample(), SAMPLE_MS);
      sample.unref();
      this.timers.push(sample);
    }
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const t of this.readyTimers.splice(0)) clearTimeout(t);
  }

  /** One busy-share sample (the cpu metric averages them over a sync period). */
  sample(): void {
    this.busySum += this.load.busyShare();
    this.busySamples++;
  }

  /** One decision: measure, recommend, stabilise, scale. Public for tests (fake time). */
  sync(): void {
    const now = this.now();
    const current = this.ready + this.starting.length;
    // Total demand in replicas' worth, measured on the ready ones (starting ones serve nothing).
    let demand: number;
    if (this.spec.metric === 'rps') {
      const arrivals = this.load.arrivals();
      const seconds = Math.max(0.001, (now - this.lastSyncAt) / 1000);
      const rps = Math.max(0, arrivals - this.lastArrivals) / seconds;
      this.lastArrivals = arrivals;
      demand = rps / this.spec.target;
      this.metricValue = rps / Math.max(1, current);
    } else {
      const share = this.busySamples > 0 ? this.busySum / this.busySamples : this.load.busyShare();
      this.busySum = 0;
      this.busySamples = 0;
      // Each ready replica busy at `share`; a starting one counted as idle.
      demand = (share * this.ready) / this.spec.target;
      this.metricValue = (share * this.ready) / Math.max(1, current);
    }
    this.lastSyncAt = now;
    const ratio = demand / Math.max(1, current);
    let recommended = Math.abs(ratio - 1) <= this.spec.tolerance ? current : Math.ceil(demand);
    recommended = Math.min(this.spec.maxReplicas, Math.max(this.spec.minReplicas, recommended));
    // Scale-down stabilisation: the highest recommendation of the window wins.
    this.history.push({ at: now, replicas: recommended });
    const windowStart = now - this.spec.scaleDownWindowMs / this.speed;
    while (this.history.length > 1 && (this.history[0] as { at: number }).at < windowStart)
      this.history.shift();
    const stabilised = Math.max(...this.history.map((h) => h.replicas));
    const desired = recommended > current ? recommended : Math.min(current, stabilised);
    this.desired = desired;
    if (desired > current) this.addReplicas(desired - current, now);
    else if (desired < current) this.removeReplicas(current - desired);
  }

  private addReplicas(n: number, now: number): void {
    const delay = this.spec.startDelayMs / this.speed;
    for (let i = 0; i < n; i++) this.starting.push(now + delay);
    // Forgotten once fired: a long or looping scenario keeps only the timers still pending.
    const t = setTimeout(() => {
      this.readyTimers.splice(this.readyTimers.indexOf(t), 1);
      this.promote();
    }, delay);
    t.unref();
    this.readyTimers.push(t);
    this.changed();
  }

  /** Starting replicas whose delay has passed become ready. */
  promote(): void {
    const now = this.now();
    const before = this.starting.length;
    // A timer's clock and Date.now() may round apart by a millisecond.
    this.starting = this.starting.filter((at) => at > now + 1);
    const promoted = before - this.starting.length;
    if (promoted === 0) return;
    this.ready += promoted;
    this.changed();
  }

  private removeReplicas(n: number): void {
    // The ones still starting go first (they serve nothing yet), then ready ones.
    const fromStarting = Math.min(n, this.starting.length);
    this.starting.splice(this.starting.length - fromStarting, fromStarting);
    this.ready -= n - fromStarting;
    this.changed();
  }
}
