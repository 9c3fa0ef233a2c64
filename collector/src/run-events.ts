import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { UpstreamCounts } from './upstream.js';

/**
 * What happened around the load while it ran: the mock's scenario phases and its cumulative
 * attempt and error counts (seen by scraping its /metrics), and the alerts Alertmanager sent to
 * the webhook. Each event is appended to an NDJSON file as it arrives, next to the results, so
 * `busybench report` can rebuild recovery times, the alert list, amplification and error masking
 * after the collector is gone (or was killed).
 */
export interface PhaseEvent {
  readonly type: 'phase';
  /** Ms since the epoch: when the collector first saw the phase. */
  readonly time: number;
  readonly scenario: string;
  readonly phase: string;
  /** A fault phase changes the node's behaviour; recovery time counts from its end. */
  readonly fault: boolean;
}

export interface AlertEvent {
  readonly type: 'alert';
  /** Ms since the epoch: when the webhook received it. */
  readonly time: number;
  readonly status: 'firing' | 'resolved';
  readonly alertname: string;
  readonly severity: string;
  readonly summary: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type RunEvent = PhaseEvent | AlertEvent;

/**
 * One reading of the strategy's queue taken without an upstream to scrape (`collect
 * --strategy-metrics` alone): with an upstream, the reading rides on its `upstream` event.
 */
export interface QueueEvent {
  readonly type: 'queue';
  readonly time: number;
  readonly queueLength: number;
}

/**
 * One scrape of the upstream: the mock nodes' attempts and errors so far (cumulative, all nodes),
 * what amplification and error masking per step are computed from.
 */
export interface UpstreamEvent extends UpstreamCounts {
  readonly type: 'upstream';
}

/** A phase with its span; `endMs` is null while it still plays. */
export interface PhaseSpan {
  readonly scenario: string;
  readonly phase: string;
  readonly fault: boolean;
  readonly startMs: number;
  readonly endMs: number | null;
}

/**
 * An autoscaler's state in a phase's name: the mock appends ` · 5 replicas (+2 starting)` to the
 * playing phase while a scenario autoscales (mock-server/src/busy/timeline.ts), so each move is
 * a phase change on the run's timeline.
 */
const REPLICAS = / · (\d+) replicas(?: \(\+(\d+) starting\))?$/;

/** Replicas from a phase's name; null for a phase of no autoscaler. */
export function replicasOf(phase: string): { ready: number; starting: number } | null {
  const m = REPLICAS.exec(phase);
  return m ? { ready: Number(m[1]), starting: Number(m[2] ?? 0) } : null;
}

/**
 * The spans with the autoscaler's moves folded away: consecutive spans of one scenario phase
 * (same name without its replicas, same fault flag) are one span, named without the replicas.
 * What recovery reads: an outage during which replicas came is one outage, not several.
 */
export function withoutMoves(phases: readonly PhaseSpan[]): PhaseSpan[] {
  const out: PhaseSpan[] = [];
  for (const p of phases) {
    const name = p.phase.replace(REPLICAS, '');
    const last = out.at(-1);
    if (last && last.scenario === p.scenario && last.phase === name && last.fault === p.fault)
      out[out.length - 1] = { ...last, endMs: p.endMs };
    else out.push({ ...p, phase: name });
  }
  return out;
}

/** The file next to a results file that holds its events. */
export const eventsPathFor = (results: string) => `${results.replace(/\.gz$/, '')}.events.ndjson`;

export class RunEvents {
  private readonly events: RunEvent[] = [];
  /** Upstream scrapes read back from a file (live, the collector's timeline holds them). */
  private readonly upstreamSeen: UpstreamCounts[] = [];
  private readonly queueSeen: { time: number; queueLength: number }[] = [];

  /** `path`: where to append each event as it comes; none keeps them in memory only. */
  constructor(
    private readonly path?: string,
    private readonly cap = 10_000,
  ) {}

  /** Records a phase when it differs from the one playing (scrapes repeat the same phase). */
  phase(e: Omit<PhaseEvent, 'type'>): void {
    const last = this.lastPhase();
    if (last && last.scenario === e.scenario && last.phase === e.phase && last.fault === e.fault) return;
    this.record({ type: 'phase', ...e });
  }

  alert(e: Omit<AlertEvent, 'type'>): void {
    this.record({ type: 'alert', ...e });
  }

  /** Writes down one scrape of the upstream's counts (to the file only: one a second adds up). */
  upstream(c: UpstreamCounts): void {
    if (this.path) {
      const e: UpstreamEvent = {
        type: 'upstream',
        time: c.time,
        attempts: c.attempts,
        errors: c.errors,
        tokens: c.tokens,
        costUsd: c.costUsd,
        ...(c.queueLength === undefined ? {} : { queueLength: c.queueLength }),
      };
      appendFileSync(this.path, `${JSON.stringify(e)}\n`);
    }
  }

  /** Writes down one reading of the strategy's queue (to the file only, like `upstream`). */
  queue(time: number, queueLength: number): void {
    if (this.path) {
      const e: QueueEvent = { type: 'queue', time, queueLength };
      appendFileSync(this.path, `${JSON.stringify(e)}\n`);
    }
  }

  /** Every queue reading a saved file holds (on `upstream` and `queue` events), in time order. */
  get queueReadings(): readonly { readonly time: number; readonly queueLength: number }[] {
    return this.queueSeen;
  }

  /** The upstream scrapes a saved file holds, in time order. */
  get upstreamCounts(): readonly UpstreamCounts[] {
    return this.upstreamSeen;
  }

  get alerts(): AlertEvent[] {
    return this.events.filter((e): e is AlertEvent => e.type === 'alert');
  }

  /** Phases in order with their spans (a phase ends where the next begins). */
  phases(): PhaseSpan[] {
    const seen = this.events.filter((e): e is PhaseEvent => e.type === 'phase');
    return seen.map((p, i) => ({
      scenario: p.scenario,
      phase: p.phase,
      fault: p.fault,
      startMs: p.time,
      endMs: seen[i + 1]?.time ?? null,
    }));
  }

  /** Reads a saved events file; unreadable lines are counted, like the results file's. */
  static load(path: string): { events: RunEvents; malformed: number } {
    const events = new RunEvents();
    let malformed = 0;
    if (!existsSync(path)) return { events, malformed };
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const e = JSON.parse(line) as RunEvent | UpstreamEvent | QueueEvent;
        if (typeof e?.time !== 'number') malformed++;
        else if (e.type === 'phase' || e.type === 'alert') events.events.push(e);
        else if (e.type === 'upstream' && typeof e.attempts === 'number' && typeof e.errors === 'number') {
          events.upstreamSeen.push({
            time: e.time,
            attempts: e.attempts,
            errors: e.errors,
            ...(typeof e.tokens === 'number' ? { tokens: e.tokens } : {}),
            ...(typeof e.costUsd === 'number' ? { costUsd: e.costUsd } : {}),
            ...(typeof e.queueLength === 'number' ? { queueLength: e.queueLength } : {}),
          });
          if (typeof e.queueLength === 'number')
            events.queueSeen.push({ time: e.time, queueLength: e.queueLength });
        } else if (e.type === 'queue' && typeof e.queueLength === 'number')
          events.queueSeen.push({ time: e.time, queueLength: e.queueLength });
        else malformed++;
      } catch {
        malformed++;
      }
    }
    return { events, malformed };
  }

  private lastPhase(): PhaseEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i] as RunEvent;
      if (e.type === 'phase') return e;
    }
    return undefined;
  }

  private record(e: RunEvent): void {
    this.events.push(e);
    // Bounded: the oldest alerts go first; phases are few and recovery needs them.
    if (this.events.length > this.cap) {
      const oldestAlert = this.events.findIndex((x) => x.type === 'alert');
      this.events.splice(Math.max(oldestAlert, 0), 1);
    }
    if (this.path) appendFileSync(this.path, `${JSON.stringify(e)}\n`);
  }
}
