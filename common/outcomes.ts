import contract from '../loadtests/engine/contract/outcomes.json' with { type: 'json' };

/**
 * The one list of request outcomes, read from loadtests/engine/contract/outcomes.json (the Go
 * engine embeds the same file): `ok` first, then every error class. The SLA schema's error
 * classes, the collector's counters and the engine's `outcome` field all come from it.
 */
export const OUTCOMES: readonly string[] = Object.freeze(contract.outcomes.map((o) => o.name));

if (OUTCOMES[0] !== 'ok' || new Set(OUTCOMES).size !== OUTCOMES.length)
  throw new Error('busybench: outcomes.json must list "ok" first and every outcome once');

/** An outcome's name: `ok` or an error class (a string, as the list is data, not code). */
export type Outcome = string;

/** Every outcome but `ok`: what the SLA's `errorRates` may name. */
export const ERROR_CLASSES: readonly string[] = Object.freeze(OUTCOMES.filter((o) => o !== 'ok'));
