import { KitError } from '../../../common/errors.js';
import { schemaProblems } from '../../../common/schema-check.js';
import { readStructuredFile as readKitFile } from '../../../common/structured-file.js';
import { MockError, MockErrorCodes } from '../errors.js';
import { DEFAULT_CONFIG } from './defaults.js';
import { deepMerge, isPlainObject } from './merge.js';
import {
  type Behaviour,
  BehaviourSchema,
  ConfigSchema,
  type Distribution,
  type MockConfig,
} from './schema.js';

/**
 * Reads a YAML or JSON file (the kit's reader); a file it cannot read is the mock's own config
 * error, as the operator sees it.
 */
export function readStructuredFile(path: string): unknown {
  try {
    return readKitFile(path);
  } catch (err) {
    if (err instanceof KitError) throw new MockError(MockErrorCodes.CONFIG_UNREADABLE, err.message);
    throw err;
  }
}

/**
 * Builds the config: defaults, then the file, then CLI overrides (each a partial config), then
 * validates everything and reports every problem at once. The result is frozen.
 */
export function loadConfig(sources: { file?: string; overrides?: unknown[] } = {}): MockConfig {
  let merged: unknown = structuredClone(DEFAULT_CONFIG);
  if (sources.file) {
    const fromFile = readStructuredFile(sources.file);
    if (fromFile != null && !isPlainObject(fromFile)) {
      throw new MockError(MockErrorCodes.CONFIG_INVALID, `${sources.file} must hold a mapping at the top`);
    }
    merged = deepMerge(merged, fromFile ?? {});
  }
  for (const override of sources.overrides ?? []) merged = deepMerge(merged, override);
  return validateConfig(merged);
}

export function validateConfig(value: unknown): MockConfig {
  const problems = schemaProblems(ConfigSchema, value);
  if (problems.length === 0) problems.push(...semanticProblems(value as MockConfig));
  if (problems.length > 0) {
    const noun = problems.length === 1 ? 'problem' : 'problems';
    throw new MockError(
      MockErrorCodes.CONFIG_INVALID,
      `invalid config (${problems.length} ${noun})`,
      problems,
    );
  }
  return deepFreeze(value as MockConfig);
}

/** Validates a partial behaviour (a scenario phase or node override) once merged onto a full one. */
export function behaviourProblems(value: unknown, where: string): string[] {
  const problems = schemaProblems(BehaviourSchema, value, where);
  return problems.length > 0 ? problems : behaviourSemantics(value as Behaviour).map((p) => `${where}${p}`);
}

function semanticProblems(config: MockConfig): string[] {
  const baseProblems = behaviourSemantics(config.behaviour);
  const problems = baseProblems.map((p) => `/behaviour${p}`);
  const seen = new Map<string, string>();
  config.accounts.forEach((account, i) => {
    for (const key of account.keys) {
      const owner = seen.get(key);
      if (owner) problems.push(`/accounts/${i}: key "${key}" already belongs to account "${owner}"`);
      seen.set(key, account.id);
    }
  });
  config.accounts.forEach((account, i) => {
    if (account.userConcurrencyLimit !== undefined && account.raised !== true) {
      problems.push(
        `/accounts/${i}: userConcurrencyLimit applies to raised accounts only (add raised: true)`,
      );
    }
    // A raised account's own limit is what was raised: without it the per-user caps could never bind.
    if (account.raised === true && account.concurrencyLimit === undefined) {
      problems.push(
        `/accounts/${i}: a raised account needs its raised concurrencyLimit (the account's total, above the per-user caps)`,
      );
    }
  });
  // A remote admin without a token would let anyone who reaches the port rewrite the mock.
  if (config.admin.allowRemote && config.admin.tokenFile === undefined)
    problems.push('/admin/allowRemote: needs /admin/tokenFile (the token remote admin clients send)');
  if (config.nodeOverrides.length > config.server.nodes) {
    problems.push(
      `/nodeOverrides: ${config.nodeOverrides.length} overrides for ${config.server.nodes} node(s); add nodes or remove overrides`,
    );
  }
  config.nodeOverrides.forEach((override, i) => {
    const merged = deepMerge(config.behaviour, override);
    const shape = schemaProblems(BehaviourSchema, merged, `/nodeOverrides/${i}`);
    // A problem the base behaviour already has is reported once, there.
    const own =
      shape.length > 0 ? shape : behaviourSemantics(merged).filter((p) => !baseProblems.includes(p));
    problems.push(...own.map((p) => (p.startsWith('/nodeOverrides') ? p : `/nodeOverrides/${i}${p}`)));
  });
  return problems;
}

/** Problems a schema cannot see; paths are relative to the behaviour. */
function behaviourSemantics(b: Behaviour): string[] {
  const problems: string[] = [];
  const checkRange = (d: Distribution, path: string) => {
    if (d.type === 'uniform' && d.minMs > d.maxMs) problems.push(`${path}: minMs is above maxMs`);
  };
  checkRange(b.latency.ttft, '/latency/ttft');
  checkRange(b.latency.interToken, '/latency/interToken');
  if (b.output.minTokens > b.output.maxTokens) problems.push('/output: minTokens is above maxTokens');
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
