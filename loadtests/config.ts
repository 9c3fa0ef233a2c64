/**
 * What a k6 run is made of: the plan (loadtests/plan.ts) `busybench load --engine k6` puts as JSON
 * in BUSYBENCH_PLAN, the same plan the Go engine runs, read and checked once; and the k6
 * scenario that runs its schedule. No k6 global is read here (main.ts passes `__ENV`), so
 * vitest can test it.
 */
import type { RampingArrivalRateScenario } from 'k6/options';
import { assertLoopback } from './guard.ts';
import { ERROR_CLASSES } from './metrics.ts';
import type { Plan } from './plan.ts';
import { isPriorityClass, PRIORITY_CLASSES } from './priority.ts';
import { k6Stages, PROFILES, peakRate } from './profiles.ts';

export interface RunConfig {
  readonly plan: Plan;
  /** Where handleSummary writes the JSON summary (BUSYBENCH_SUMMARY). */
  readonly summaryPath: string;
}

export const DEFAULT_SUMMARY_PATH = 'results/summary.json';

/** Reads the run from the environment k6 gives the script; throws a message that says what is wrong. */
export function readConfig(env: Readonly<Record<string, string | undefined>>): RunConfig {
  const plan = parsePlan(env.BUSYBENCH_PLAN);
  assertLoopback(plan.target, plan.allowRemote);
  const summary = env.BUSYBENCH_SUMMARY;
  return { plan, summaryPath: summary === undefined || summary === '' ? DEFAULT_SUMMARY_PATH : summary };
}

/** BUSYBENCH_PLAN's JSON as a Plan, every problem named at once. */
export function parsePlan(raw: string | undefined): Plan {
  if (raw === undefined || raw.trim() === '') {
    throw new Error(
      'BUSYBENCH_PLAN is not set: the k6 scripts run the plan `busybench load --engine k6` writes there ' +
        '(JSON, loadtests/plan.ts; the format is in loadtests/README.md)',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Error(`BUSYBENCH_PLAN is not valid JSON: ${(err as Error).message}`);
  }
  const problems = planProblems(value);
  if (problems.length > 0)
    throw new Error(`BUSYBENCH_PLAN is not a valid plan:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return value as Plan;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const PERCENTILE = /^p\d+(\.\d+)?$/;

/** Everything wrong with a would-be plan, one line each (empty when it is a plan). */
export function planProblems(value: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  if (!isObj(value)) return ['the plan must be a JSON object'];
  const p = value;
  check(p.version === 1, `version must be 1, not ${JSON.stringify(p.version)}`);
  check(typeof p.target === 'string' && /^https?:\/\/./.test(p.target), 'target must be an http(s) URL');
  check(typeof p.allowRemote === 'boolean', 'allowRemote must be true or false');
  check(isInt(p.maxInFlight) && (p.maxInFlight as number) > 0, 'maxInFlight must be a whole number > 0');
  check(isNum(p.timeoutMs) && p.timeoutMs > 0, 'timeoutMs must be a number > 0');
  check(isInt(p.retries) && (p.retries as number) >= 0, 'retries must be a whole number ≥ 0');
  check(isNum(p.retryBaseMs) && p.retryBaseMs >= 0, 'retryBaseMs must be a number ≥ 0');
  check(isInt(p.seed), 'seed must be a whole number');

  const profile = p.profile;
  if (!isObj(profile)) problems.push('profile must be an object');
  else {
    check(PROFILES.includes(profile.name as never), `profile.name must be one of ${PROFILES.join(', ')}`);
    check(typeof profile.abortOnBreach === 'boolean', 'profile.abortOnBreach must be true or false');
    const phases = profile.phases;
    if (!Array.isArray(phases) || phases.length === 0)
      problems.push('profile.phases must be a non-empty list');
    else {
      phases.forEach((ph: unknown, i) => {
        const ok =
          isObj(ph) &&
          isInt(ph.step) &&
          [ph.targetRate, ph.fromRate, ph.toRate, ph.durationMs].every((n) => isNum(n) && n >= 0);
        check(ok, `profile.phases[${i}] must have a step and rates and durationMs ≥ 0`);
      });
      const total = phases.reduce(
        (ms: number, ph: unknown) => ms + (isObj(ph) && isNum(ph.durationMs) ? ph.durationMs : 0),
        0,
      );
      check(total > 0, 'profile.phases must last longer than 0 ms');
    }
    const steps = profile.steps;
    if (!Array.isArray(steps) || steps.length === 0) problems.push('profile.steps must be a non-empty list');
    else
      steps.forEach((st: unknown, i) => {
        const ok = isObj(st) && isInt(st.index) && [st.startMs, st.endMs, st.targetRate].every(isNum);
        check(ok, `profile.steps[${i}] must have index, startMs, endMs and targetRate`);
      });
  }

  const mix = p.mix;
  if (!isObj(mix)) problems.push('mix must be an object');
  else {
    check(
      isNum(mix.streamRatio) && mix.streamRatio >= 0 && mix.streamRatio <= 1,
      'mix.streamRatio must be 0..1',
    );
    const models = isObj(mix.models) ? Object.values(mix.models) : [];
    check(
      models.length > 0 && models.every((w) => isNum(w) && w > 0),
      'mix.models must map model names to weights > 0',
    );
    check(
      Array.isArray(mix.promptChars) &&
        mix.promptChars.length > 0 &&
        mix.promptChars.every((n) => isInt(n) && n > 0),
      'mix.promptChars must be a non-empty list of whole numbers > 0',
    );
    check(isInt(mix.maxTokens) && (mix.maxTokens as number) > 0, 'mix.maxTokens must be a whole number > 0');
    check(
      Array.isArray(mix.keys) &&
        mix.keys.length > 0 &&
        mix.keys.every((k) => typeof k === 'string' && k !== ''),
      'mix.keys must be a non-empty list of API keys',
    );
    check(
      mix.thinking === null || (isNum(mix.thinking) && mix.thinking >= 0 && mix.thinking <= 1),
      'mix.thinking must be a share between 0 and 1, or null',
    );
    const priority = mix.priority;
    check(
      priority === null ||
        priority === undefined ||
        (isObj(priority) &&
          Object.entries(priority).every(([c, w]) => isPriorityClass(c) && isNum(w) && w >= 0) &&
          Object.values(priority).some((w) => isNum(w) && w > 0)),
      `mix.priority must map classes (${PRIORITY_CLASSES.join(', ')}) to weights ≥ 0, one above 0, or be null`,
    );
  }

  const sla = p.sla;
  if (!isObj(sla)) problems.push('sla must be an object');
  else {
    check(typeof sla.name === 'string', 'sla.name must be a string');
    check(
      isNum(sla.successRate) && sla.successRate >= 0 && sla.successRate <= 1,
      'sla.successRate must be 0..1',
    );
    for (const key of ['latencyMs', 'ttftMs'] as const) {
      const lines = sla[key];
      check(
        isObj(lines) && Object.entries(lines).every(([pN, ms]) => PERCENTILE.test(pN) && isNum(ms) && ms > 0),
        `sla.${key} must map percentiles (p50, p99, p99.9, ...) to milliseconds > 0`,
      );
    }
    const rates = sla.errorRates;
    check(
      isObj(rates) &&
        Object.entries(rates).every(
          ([c, r]) => ERROR_CLASSES.includes(c as never) && isNum(r) && r >= 0 && r <= 1,
        ),
      `sla.errorRates must map outcome classes (${ERROR_CLASSES.join(', ')}) to shares 0..1`,
    );
    check(
      isInt(sla.maxDroppedIterations) && (sla.maxDroppedIterations as number) >= 0,
      'sla.maxDroppedIterations must be a whole number ≥ 0',
    );
    const classes = sla.classes;
    if (classes !== undefined && !isObj(classes)) problems.push('sla.classes must be an object');
    else
      for (const [c, lines] of Object.entries(classes ?? {})) {
        const where = `sla.classes.${c}`;
        if (!isPriorityClass(c))
          problems.push(`sla.classes: "${c}" is not a priority class (${PRIORITY_CLASSES.join(', ')})`);
        if (!isObj(lines)) {
          problems.push(`${where} must be an object`);
          continue;
        }
        check(
          lines.successRate === undefined ||
            (isNum(lines.successRate) && lines.successRate >= 0 && lines.successRate <= 1),
          `${where}.successRate must be 0..1`,
        );
        for (const key of ['latencyMs', 'ttftMs'] as const)
          check(
            lines[key] === undefined ||
              (isObj(lines[key]) &&
                Object.entries(lines[key]).every(([pN, ms]) => PERCENTILE.test(pN) && isNum(ms) && ms > 0)),
            `${where}.${key} must map percentiles (p50, p99, p99.9, ...) to milliseconds > 0`,
          );
        check(
          lines.errorRates === undefined ||
            (isObj(lines.errorRates) &&
              Object.entries(lines.errorRates).every(
                ([e, r]) => ERROR_CLASSES.includes(e as never) && isNum(r) && r >= 0 && r <= 1,
              )),
          `${where}.errorRates must map outcome classes (${ERROR_CLASSES.join(', ')}) to shares 0..1`,
        );
      }
  }
  return problems;
}

/**
 * k6 stage targets are whole numbers of iterations per `timeUnit`. Targets in thousandths of a
 * request per second with a timeUnit of 1000 s keep a fractional rate (0.5 req/s, a ramp's
 * 147.5) exact to 0.001 req/s: k6 divides target by timeUnit as a float, so the rate is the same.
 */
export const RATE_SCALE = 1000;

/** Pre-allocated VUs at most: each one runs the whole init (plan, request bodies) before the start. */
const MAX_PREALLOCATED_VUS = 1000;

/**
 * The plan's schedule as one ramping-arrival-rate scenario. A VU carries one request (and its
 * retries) at a time, so maxVUs = maxInFlight: an arrival due when every VU is busy is a k6
 * dropped iteration, the engine's rule for a full in-flight cap. Half a second of the peak rate
 * is made before the start: VUs k6 makes mid-run arrive late on a busy machine.
 */
export function k6Scenario(plan: Plan): RampingArrivalRateScenario {
  const { startRate, stages } = k6Stages(plan.profile);
  const scaled = (rate: number) => Math.round(rate * RATE_SCALE);
  const preAllocatedVUs = Math.min(
    plan.maxInFlight,
    MAX_PREALLOCATED_VUS,
    Math.max(10, Math.ceil(peakRate(plan.profile) * 0.5)),
  );
  return {
    executor: 'ramping-arrival-rate',
    startRate: scaled(startRate),
    timeUnit: `${RATE_SCALE}s`,
    stages: stages.map((s) => ({ target: scaled(s.target), duration: s.duration })),
    preAllocatedVUs,
    maxVUs: plan.maxInFlight,
    // A request sent just before the end still gets its whole timeout to be answered and classified.
    gracefulStop: `${plan.timeoutMs}ms`,
  };
}
