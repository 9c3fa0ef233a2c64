import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Static, Type as T } from '@sinclair/typebox';
import { DURATION_PATTERN, parseDurationMs } from '../../../common/duration.js';
import { packageRoot } from '../../../common/paths.js';
import { schemaProblems } from '../../../common/schema-check.js';
import { behaviourProblems, readStructuredFile } from '../config/load.js';
import { deepMerge } from '../config/merge.js';
import type { Behaviour } from '../config/schema.js';
import { MockError, MockErrorCodes } from '../errors.js';
import type { AutoscaleSpec } from './autoscaler.js';

/** The built-in scenarios, one YAML file each. */
const BUILTIN_SCENARIO_DIR = join(packageRoot(), 'mock-server', 'scenarios');

const Duration = T.Union([T.String({ pattern: DURATION_PATTERN }), T.Number({ minimum: 0 })]);
/** A deep-partial behaviour; checked for real once merged onto the node's behaviour. */
const BehaviourPatch = T.Record(T.String(), T.Unknown());

export const PhaseSchema = T.Object(
  {
    at: Duration,
    name: T.String({ minLength: 1 }),
    set: T.Optional(BehaviourPatch),
    /** Brownouts: time to first token and inter-token latency multiplied. */
    ttftMultiplier: T.Optional(T.Number({ exclusiveMinimum: 0 })),
    interTokenMultiplier: T.Optional(T.Number({ exclusiveMinimum: 0 })),
    /** Other tenants' load: the share of maxInFlight left for us. */
    capacityFactor: T.Optional(T.Number({ exclusiveMinimum: 0, maximum: 10 })),
  },
  { additionalProperties: false },
);

/** Elastic capacity (autoscaler.ts): replicas moved as a HorizontalPodAutoscaler would. */
export const AutoscaleSchema = T.Object(
  {
    /** The replicas the node's configured capacity stands for; never fewer. */
    minReplicas: T.Integer({ minimum: 1, maximum: 1000 }),
    maxReplicas: T.Integer({ minimum: 1, maximum: 1000 }),
    /** rps: requests a second per replica against `target`; cpu: busy share against `target` (0..1). */
    metric: T.Union([T.Literal('rps'), T.Literal('cpu')]),
    target: T.Number({ exclusiveMinimum: 0 }),
    /** How often it decides (HPA: 15 s). */
    syncPeriod: T.Optional(Duration),
    /** From a replica's decision until it serves. */
    startDelay: Duration,
    /** Scale down to the highest recommendation of this window (HPA: 5 min). */
    scaleDownStabilization: T.Optional(Duration),
    /** No change while the measure is within this share of the target (HPA: 0.1). */
    tolerance: T.Optional(T.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

export const ScenarioSchema = T.Object(
  {
    name: T.String({ minLength: 1 }),
    description: T.Optional(T.String()),
    /** Applied under every phase: the stage the timeline plays on. */
    base: T.Optional(BehaviourPatch),
    duration: Duration,
    phases: T.Array(PhaseSchema, { minItems: 1 }),
    autoscale: T.Optional(AutoscaleSchema),
  },
  { additionalProperties: false },
);
export type ScenarioFile = Static<typeof ScenarioSchema>;

export interface Phase {
  readonly name: string;
  readonly atMs: number;
  readonly patch: unknown;
  readonly ttftMultiplier: number;
  readonly interTokenMultiplier: number;
  readonly capacityFactor: number;
  /** Whether the phase changes anything (a fault phase): recovery time is measured from its end. */
  readonly fault: boolean;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly durationMs: number;
  readonly phases: readonly Phase[];
  /** Elastic capacity under the phases (scenario time); absent: the capacity is fixed. */
  readonly autoscale?: AutoscaleSpec;
}

export function listBuiltinScenarios(): string[] {
  return readdirSync(BUILTIN_SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/**
 * A built-in scenario by name, nothing else: what the admin API plays when asked by name. A name
 * is never a path there (a stranger could have the mock open any file it can read); a scenario
 * of one's own is sent inline (`{"scenario": {...}}`), as `busybench run --scenario FILE` does.
 */
export function loadBuiltinScenario(name: string, base: Behaviour): Scenario {
  const builtins = listBuiltinScenarios();
  if (!builtins.includes(name)) {
    throw new MockError(
      MockErrorCodes.SCENARIO_NOT_FOUND,
      `no built-in scenario named "${name.slice(0, 64)}" (${builtins.join(', ')}): send a scenario of your own inline, as {"scenario": {...}}`,
    );
  }
  return loadScenario(name, base);
}

/** Loads a built-in scenario by name, or a YAML/JSON file by path, and checks it whole. */
export function loadScenario(nameOrPath: string, base: Behaviour): Scenario {
  const builtin = join(BUILTIN_SCENARIO_DIR, `${nameOrPath}.yaml`);
  const path = existsSync(builtin) ? builtin : nameOrPath;
  if (!existsSync(path)) {
    throw new MockError(
      MockErrorCodes.SCENARIO_NOT_FOUND,
      `no scenario "${nameOrPath}": not a built-in (${listBuiltinScenarios().join(', ')}) nor a file`,
    );
  }
  return parseScenario(readStructuredFile(path), base, path);
}

/**
 * The autoscale block's checks across its fields (the schema checks each field alone), on those
 * of its fields that are well-formed: so they come with the schema's problems, all at once.
 */
function autoscaleProblems(block: unknown): string[] {
  if (typeof block !== 'object' || block === null) return [];
  const { minReplicas: min, maxReplicas: max, metric, target, syncPeriod } = block as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof min === 'number' && typeof max === 'number' && max < min)
    problems.push('/autoscale: maxReplicas must be at least minReplicas');
  if (metric === 'cpu' && typeof target === 'number' && target > 1)
    problems.push('/autoscale/target: a cpu target is a utilisation share, 0 to 1 (0.7: 70 %)');
  let syncMs = Number.NaN;
  try {
    if (typeof syncPeriod === 'string' || typeof syncPeriod === 'number')
      syncMs = parseDurationMs(syncPeriod);
  } catch {
    // Not a duration: the schema says so.
  }
  if (syncMs < 100) problems.push('/autoscale/syncPeriod: at least 100ms');
  return problems;
}

export function parseScenario(raw: unknown, base: Behaviour, source = 'scenario'): Scenario {
  const problems = schemaProblems(ScenarioSchema, raw);
  if (problems.length > 0) {
    if (typeof raw === 'object' && raw !== null)
      problems.push(...autoscaleProblems((raw as { autoscale?: unknown }).autoscale));
    throw new MockError(MockErrorCodes.SCENARIO_INVALID, `invalid scenario in ${source}`, problems);
  }
  const file = raw as ScenarioFile;
  const durationMs = parseDurationMs(file.duration);
  const phases = file.phases.map((p) => ({
    name: p.name,
    atMs: parseDurationMs(p.at),
    patch: deepMerge(file.base ?? {}, p.set ?? {}),
    ttftMultiplier: p.ttftMultiplier ?? 1,
    interTokenMultiplier: p.interTokenMultiplier ?? 1,
    capacityFactor: p.capacityFactor ?? 1,
    fault:
      Object.keys(p.set ?? {}).length > 0 ||
      [p.ttftMultiplier, p.interTokenMultiplier, p.capacityFactor].some((m) => m !== undefined && m !== 1),
  }));
  phases.forEach((p, i) => {
    problems.push(...behaviourProblems(deepMerge(base, p.patch), `/phases/${i} (${p.name})`));
    const previous = phases[i - 1];
    if (previous && p.atMs <= previous.atMs)
      problems.push(`/phases/${i}: "at" must come after the phase before`);
    if (p.atMs >= durationMs) problems.push(`/phases/${i}: starts at or after the scenario's duration`);
  });
  if (phases[0] && phases[0].atMs !== 0) problems.push('/phases/0: the first phase must start at 0');
  const a = file.autoscale;
  const autoscale: AutoscaleSpec | undefined = a && {
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metric: a.metric,
    target: a.target,
    syncMs: parseDurationMs(a.syncPeriod ?? '15s'),
    startDelayMs: parseDurationMs(a.startDelay),
    scaleDownWindowMs: parseDurationMs(a.scaleDownStabilization ?? '300s'),
    tolerance: a.tolerance ?? 0.1,
  };
  problems.push(...autoscaleProblems(a));
  if (problems.length > 0) {
    throw new MockError(MockErrorCodes.SCENARIO_INVALID, `invalid scenario in ${source}`, problems);
  }
  return {
    name: file.name,
    description: file.description ?? '',
    durationMs,
    phases,
    ...(autoscale ? { autoscale } : {}),
  };
}
