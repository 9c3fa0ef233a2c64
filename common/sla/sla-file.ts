import { type Static, Type as T } from '@sinclair/typebox';
import { DURATION_PATTERN, parseDurationMs } from '../duration.js';
import { KitError, KitErrorCodes } from '../errors.js';
import { ERROR_CLASSES } from '../outcomes.js';
import type { PRIORITY_CLASSES } from '../priority-classes.js';
import { schemaProblems } from '../schema-check.js';
import { readStructuredFile } from '../structured-file.js';
import { type ClassSla, DEFAULT_SLA, MEAN_KEY, PERCENTILE_PATTERN, percentileOf, type Sla } from './sla.js';

const Duration = T.Union([T.String({ pattern: DURATION_PATTERN }), T.Number({ minimum: 0 })]);
const Percentiles = T.Record(T.String({ pattern: PERCENTILE_PATTERN }), Duration);
/** `errorRates` may name any outcome but `ok` (loadtests/engine/contract/outcomes.json). */
const ERROR_CLASS_PATTERN = `^(${ERROR_CLASSES.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
// additionalProperties: a key the pattern does not match is refused, not let through.
const ErrorRates = T.Record(
  T.String({ pattern: ERROR_CLASS_PATTERN }),
  T.Number({ minimum: 0, maximum: 1 }),
  {
    additionalProperties: false,
  },
);
/** A priority class's lines: any of the SLA's per-request lines, at least one. */
const ClassLines = T.Object(
  {
    successRate: T.Optional(T.Number({ minimum: 0, maximum: 1 })),
    latency: T.Optional(Percentiles),
    ttft: T.Optional(Percentiles),
    errorRates: T.Optional(ErrorRates),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** The classes of common/priority-classes.ts, each written out so the file's type knows them. */
const Classes = T.Object(
  {
    P0: T.Optional(ClassLines),
    P1: T.Optional(ClassLines),
    P2: T.Optional(ClassLines),
    P3: T.Optional(ClassLines),
  } satisfies Record<(typeof PRIORITY_CLASSES)[number], unknown>,
  { additionalProperties: false },
);

export const SlaFileSchema = T.Object(
  {
    name: T.String({ minLength: 1 }),
    successRate: T.Number({ minimum: 0, maximum: 1 }),
    latency: Percentiles,
    ttft: T.Optional(Percentiles),
    errorRates: T.Optional(ErrorRates),
    maxDroppedIterations: T.Integer({ minimum: 0 }),
    /** The strategy's queue under this at every scrape (the collector's line: sla.ts). */
    queueLength: T.Optional(T.Integer({ minimum: 1 })),
    /** Lines per priority class (x-priority P0..P3), judged on that class's requests only. */
    classes: T.Optional(Classes),
  },
  { additionalProperties: false },
);
export type SlaFile = Static<typeof SlaFileSchema>;

/**
 * Reads and checks an SLA file, every problem at once (`KIT_ERR_SLA_INVALID`, or
 * `KIT_ERR_FILE_UNREADABLE`), into the SLA as a plan carries it to the load generator:
 * milliseconds, no optional parts. No path: the default SLA (DEFAULT_SLA, which
 * loadtests/sla.yaml spells out as a file).
 */
export function loadSla(path?: string): Sla {
  if (path === undefined) return DEFAULT_SLA;
  let raw: unknown;
  try {
    raw = readStructuredFile(path);
  } catch (err) {
    if (err instanceof KitError) throw new KitError(err.code, err.message, [err.message]);
    throw err;
  }
  const problems = schemaProblems(SlaFileSchema, raw).map((p) => `SLA ${path}${p}`);
  if (problems.length === 0)
    problems.push(...percentileProblems(raw as SlaFile).map((p) => `SLA ${path}${p}`));
  if (problems.length > 0) throw new KitError(KitErrorCodes.SLA_INVALID, `invalid SLA in ${path}`, problems);
  const sla = raw as SlaFile;
  const ms = (lines: Record<string, string | number> = {}) =>
    Object.fromEntries(Object.entries(lines).map(([p, d]) => [p, parseDurationMs(d)]));
  return {
    name: sla.name,
    successRate: sla.successRate,
    latencyMs: ms(sla.latency),
    ttftMs: ms(sla.ttft),
    errorRates: { ...sla.errorRates },
    maxDroppedIterations: sla.maxDroppedIterations,
    ...(sla.queueLength === undefined ? {} : { queueLength: sla.queueLength }),
    classes: Object.fromEntries(
      Object.entries(sla.classes ?? {}).flatMap(([c, lines]) => {
        if (!lines) return [];
        const out: ClassSla = {
          ...(lines.successRate === undefined ? {} : { successRate: lines.successRate }),
          ...(lines.latency ? { latencyMs: ms(lines.latency) } : {}),
          ...(lines.ttft ? { ttftMs: ms(lines.ttft) } : {}),
          ...(lines.errorRates ? { errorRates: { ...lines.errorRates } } : {}),
        };
        return [[c, out] as const];
      }),
    ),
  };
}

/** Percentile keys the pattern lets through but no histogram has: p0, p100.5 (0 < N <= 100). */
function percentileProblems(sla: SlaFile): string[] {
  const sets: Array<[string, Record<string, unknown> | undefined]> = [
    ['/latency', sla.latency],
    ['/ttft', sla.ttft],
    ...Object.entries(sla.classes ?? {}).flatMap(
      ([c, lines]): Array<[string, Record<string, unknown> | undefined]> => [
        [`/classes/${c}/latency`, lines?.latency],
        [`/classes/${c}/ttft`, lines?.ttft],
      ],
    ),
  ];
  const problems: string[] = [];
  for (const [where, lines] of sets)
    for (const key of Object.keys(lines ?? {}))
      try {
        if (key === MEAN_KEY) continue;
        percentileOf(key);
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
      }
  return problems;
}
