/**
 * Reads the Go engine's results (`busybench load --results` with the engine), one NDJSON line at a
 * time. Every line is one JSON object whose first key is `type`:
 *   run      the first line: the engine, this generator's segment of the plan, the steps
 *   req      one request: when it was sent, its step, outcome, latency, TTFT and inter-token gaps
 *   dropped  arrivals not sent (the in-flight cap was reached), aggregated
 *   end      the last line (absent when the engine was killed): per-step totals, exit code
 * The format is documented in collector/README.md. A malformed or truncated line (a kill -9
 * mid-write) is counted and skipped, never a crash.
 */
import { OUTCOMES } from '../../common/outcomes.js';
import { isPriorityClass, type PriorityClass } from '../../common/priority-classes.js';

/** A user_id as DeepSeek takes it ([a-zA-Z0-9-_]), at most 128 characters. */
const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Every line of the engine's results starts so (k6's "Metric" description lines too). */
export const ENGINE_PREFIX = '{"type":"';

export interface EngineRunStep {
  readonly step: number;
  readonly targetRate: number;
  readonly startMs: number;
  readonly endMs: number;
  /** This segment's share of the step's arrivals. */
  readonly scheduled: number;
}

export interface EngineRun {
  readonly type: 'run';
  readonly version: number;
  readonly engine: string;
  readonly runner: string;
  /** `i/n`: this generator runs segment i of n of the plan's arrivals. */
  readonly segment: string;
  readonly target: string;
  readonly profile: string;
  readonly startedAt: number;
  readonly steps: readonly EngineRunStep[];
}

export interface EngineRequest {
  readonly type: 'req';
  /** Ms since the epoch when the request was sent. */
  readonly t: number;
  readonly step: number;
  /** The step's target rate (the plan's, whole). */
  readonly rate: number;
  readonly stream?: boolean;
  /** 0 when no response came. */
  readonly status?: number;
  readonly outcome: string;
  /** End-to-end latency, ms. */
  readonly ms: number;
  readonly ttfb?: number;
  readonly ttft?: number;
  /** Every gap between token frames of a stream, ms. */
  readonly itl?: readonly number[];
  readonly tokens?: number;
  /** Ms the start was behind its due time. */
  readonly late?: number;
  readonly attempts?: number;
  /** The request's priority class, as sent in x-priority; absent when it had none. */
  readonly prio?: PriorityClass;
  /** The user_id the request carried; absent when it had none. */
  readonly user?: string;
}

export interface EngineDropped {
  readonly type: 'dropped';
  readonly t: number;
  readonly step?: number;
  readonly rate?: number;
  readonly n: number;
}

export interface EngineEnd {
  readonly type: 'end';
  readonly t: number;
  readonly segment: string;
  /** Why the engine stopped sending early: the target saturated (`--stop-when-saturated`). */
  readonly stoppedSaturated?: string;
  readonly steps: ReadonlyArray<{
    step: number;
    targetRate: number;
    scheduled: number;
    sent: number;
    dropped: number;
    late: number;
    lateP99Ms: number;
  }>;
  readonly exitCode: number;
  readonly breaches: readonly string[];
  readonly interrupted: boolean;
}

export type EngineRecord = EngineRun | EngineRequest | EngineDropped | EngineEnd;

const KNOWN_OUTCOMES = new Set<string>(OUTCOMES);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optionalFinite = (v: unknown) => v === undefined || v === null || finite(v);

/** Whether a parsed `req` object holds what the collector reads, in the right types. */
export function isEngineRequest(o: Record<string, unknown>): o is Record<string, unknown> & EngineRequest {
  if (
    !finite(o.t) ||
    !finite(o.ms) ||
    o.ms < 0 ||
    !Number.isInteger(o.step) ||
    (o.step as number) < 0 ||
    !finite(o.rate) ||
    typeof o.outcome !== 'string' ||
    // Only the contract's outcomes: each is a Prometheus label value and a histogram.
    !KNOWN_OUTCOMES.has(o.outcome) ||
    !optionalFinite(o.ttft) ||
    (o.late !== undefined && !(finite(o.late) && o.late >= 0)) ||
    // Only P0..P3: the class is a Prometheus label, its values must stay few.
    (o.prio !== undefined && !isPriorityClass(o.prio)) ||
    // DeepSeek's user_id form, bounded: it keys a per-user tally.
    (o.user !== undefined && !(typeof o.user === 'string' && USER_ID.test(o.user)))
  )
    return false;
  const itl = o.itl;
  if (itl === undefined || itl === null) return true;
  if (!Array.isArray(itl)) return false;
  for (const gap of itl) if (!finite(gap)) return false;
  return true;
}

export function isEngineDropped(o: Record<string, unknown>): o is Record<string, unknown> & EngineDropped {
  return finite(o.t) && finite(o.n) && o.n >= 0;
}

/** A `run` or `end` line: both name the generator's segment and list its steps. */
const hasSegmentSteps = (o: Record<string, unknown>) =>
  typeof o.segment === 'string' && Array.isArray(o.steps);

export function isEngineEnd(o: Record<string, unknown>): o is Record<string, unknown> & EngineEnd {
  const why = o.stoppedSaturated;
  // A line of words for the report, bounded (a shipped batch comes from anyone who reaches the port).
  return hasSegmentSteps(o) && (why === undefined || (typeof why === 'string' && why.length <= 500));
}

export function isEngineRun(o: Record<string, unknown>): o is Record<string, unknown> & EngineRun {
  return hasSegmentSteps(o);
}

/**
 * What makes a generator's target rates count once in a merged report. Segments of one plan
 * (`segment` i/n with n > 1: each generator sends its share of the same arrivals) name the same
 * step rates, so they share a key; a whole plan (`0/1`) is a generator of its own (null).
 */
export function segmentedPlanKey(run: EngineRun): string | null {
  const m = /^(\d+)\/(\d+)$/.exec(run.segment);
  if (!m || Number(m[2]) <= 1) return null;
  const rates = run.steps.map((s) => `${s?.step}:${s?.targetRate}`).join(',');
  return `plan ${m[2]} ${run.target} ${run.profile} ${rates}`;
}
