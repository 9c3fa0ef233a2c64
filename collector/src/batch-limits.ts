/**
 * What one shipped batch (POST /api/results) may be, and each line in it: the collector's memory
 * is bounded by design whatever arrives. A batch is a quarter second of one runner's requests
 * (about 750 KB at 10 000 req/s), so the defaults leave room tenfold and more; each is a flag of
 * `busybench collect` (collector/README.md, "Limits"). Every line is checked against the
 * engine's contract before any is counted, so no value a stranger makes up becomes a label, a
 * histogram or a step: one bad line refuses its batch, naming the first problems.
 */
import { OUTCOMES } from '../../common/outcomes.js';
import { isEngineDropped, isEngineEnd, isEngineRequest, isEngineRun } from './engine-results.js';

export interface BatchLimits {
  /** The body as sent (gzip or not), bytes. */
  readonly maxBatchBytes: number;
  /** The body once inflated, bytes: inflating stops there. */
  readonly maxInflatedBytes: number;
  /** Lines in one batch. */
  readonly maxBatchLines: number;
  /** Runners (load generators) one collector takes. */
  readonly maxRunners: number;
  /** Steps of a plan (a run line's steps, a request's step below it). */
  readonly maxSteps: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxBatchBytes: 16 * 1024 * 1024,
  maxInflatedBytes: 64 * 1024 * 1024,
  maxBatchLines: 200_000,
  maxRunners: 256,
  maxSteps: 10_000,
};

/** The flag that sets each limit, named in every refusal. */
export const LIMIT_FLAGS: Readonly<Record<keyof BatchLimits, string>> = {
  maxBatchBytes: '--max-batch-bytes',
  maxInflatedBytes: '--max-inflated-bytes',
  maxBatchLines: '--max-batch-lines',
  maxRunners: '--max-runners',
  maxSteps: '--max-steps',
};

/** A latency, lateness or gap past a day is no measurement (the engine's timeouts are minutes). */
const MAX_MS = 86_400_000;
const MAX_RATE = 10_000_000;
const MAX_COUNT = 1_000_000_000;
/** Inter-token gaps in one answer: one per token, and no answer has a million tokens. */
const MAX_GAPS = 1_000_000;
const KNOWN = new Set<string>(OUTCOMES);
/** Problems named in a refusal: the first few say enough. */
const SHOWN = 5;

/** How many lines a body of whole NDJSON lines holds (its newlines), counted without splitting. */
export function countLines(body: Buffer): number {
  let n = 0;
  for (let i = body.indexOf(0x0a); i >= 0; i = body.indexOf(0x0a, i + 1)) n++;
  return n;
}

const within = (v: unknown, max: number) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max;
const stepWithin = (v: unknown, limits: BatchLimits) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) < limits.maxSteps;

/**
 * The lines parsed, or the problems of the first bad ones (line numbers from 1). `steps` are
 * the runner's plan's steps once its run line came (in this batch or an earlier one); a
 * request or a drop outside them is refused.
 */
export function checkBatch(
  lines: readonly string[],
  limits: BatchLimits,
  runner: string,
  steps: ReadonlySet<number> | null,
): { records: Record<string, unknown>[]; problems: string[]; steps: ReadonlySet<number> | null } {
  const records: Record<string, unknown>[] = [];
  const problems: string[] = [];
  const plan = { steps };
  for (let i = 0; i < lines.length; i++) {
    let o: unknown;
    try {
      o = JSON.parse(lines[i] as string);
    } catch {
      o = undefined;
    }
    const problem =
      typeof o !== 'object' || o === null || Array.isArray(o)
        ? 'not a JSON object'
        : lineProblem(o as Record<string, unknown>, limits, runner, plan);
    if (problem === null) records.push(o as Record<string, unknown>);
    else if (problems.push(`line ${i + 1}: ${problem}`) >= SHOWN) break;
  }
  return { records, problems, steps: plan.steps };
}

/** What is wrong with one record, or null; a run line sets the plan's steps. */
function lineProblem(
  r: Record<string, unknown>,
  limits: BatchLimits,
  runner: string,
  plan: { steps: ReadonlySet<number> | null },
): string | null {
  const known = plan.steps;
  const inPlan = (step: unknown) => stepWithin(step, limits) && (!known || known.has(step as number));
  switch (r.type) {
    case 'req':
      if (typeof r.outcome === 'string' && !KNOWN.has(r.outcome))
        return `outcome "${r.outcome.slice(0, 32)}" is not one of outcomes.json`;
      if (!isEngineRequest(r))
        return 'a req line without the contract\'s fields and types (loadtests/README.md, "Results")';
      if (!inPlan(r.step)) return `step ${r.step} is not a step of the runner's plan`;
      if (
        !within(r.ms, MAX_MS) ||
        !within(r.ttft ?? 0, MAX_MS) ||
        !within(r.late ?? 0, MAX_MS) ||
        !within(r.rate, MAX_RATE)
      )
        return 'a latency or rate out of bounds (0 to a day, 0 to 10 million req/s)';
      if (r.tokens !== undefined && !within(r.tokens, MAX_COUNT)) return 'tokens out of bounds';
      if (r.itl && (r.itl.length > MAX_GAPS || r.itl.some((g) => !within(g, MAX_MS))))
        return 'inter-token gaps out of bounds';
      return null;
    case 'dropped':
      if (!isEngineDropped(r) || !within(r.n, MAX_COUNT)) return 'a dropped line without a count in bounds';
      if (r.step !== undefined && !inPlan(r.step))
        return `step ${String(r.step)} is not a step of the runner's plan`;
      return null;
    case 'run': {
      if (!isEngineRun(r)) return "a run line without the contract's fields";
      // One run line a runner, its own: its name and segment become labels.
      if (known) return 'a second run line: a runner sends one';
      if (r.runner !== runner) return 'the run line names another runner than x-busybench-runner';
      if (!/^\d{1,6}\/\d{1,6}$/.test(r.segment)) return 'segment must be i/n';
      const planned = (r.steps as readonly unknown[]).map((s) => (s as { step?: unknown } | null)?.step);
      if (planned.length > limits.maxSteps || !planned.every((s) => stepWithin(s, limits)))
        return `a plan of more than ${limits.maxSteps} steps (${LIMIT_FLAGS.maxSteps}), or steps that are not indices`;
      plan.steps = new Set(planned as number[]);
      return null;
    }
    case 'end':
      return isEngineEnd(r) ? null : "an end line without the contract's fields";
    default:
      return "not a line of the engine's results (type run, req, dropped or end)";
  }
}
