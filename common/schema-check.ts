import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const compiled = new WeakMap<TSchema, ValidateFunction>();

/**
 * Validates `value` against a TypeBox schema and returns one readable line per problem (empty
 * when valid). Union branches produce a storm of sub-errors in ajv; they are folded into one line.
 */
export function schemaProblems(schema: TSchema, value: unknown, root = ''): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? [], root);
}

function describeErrors(errors: ErrorObject[], root: string): string[] {
  const unionPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const lines = new Set<string>();
  for (const error of errors) {
    const path = error.instancePath;
    const insideUnion = unionPaths.some((u) => path.startsWith(u) && error.keyword !== 'anyOf');
    if (insideUnion) continue;
    const where = `${root}${path}` || '/';
    if (error.keyword === 'additionalProperties') {
      lines.add(`${where}: unknown field "${String(error.params.additionalProperty)}"`);
    } else if (error.keyword === 'anyOf') {
      lines.add(`${where}: ${describeUnion(error)}`);
    } else {
      lines.add(`${where}: ${error.message ?? 'is invalid'}`);
    }
  }
  return [...lines];
}

function describeUnion(error: ErrorObject): string {
  const branches = (error.parentSchema?.anyOf ?? []) as TSchema[];
  const forms = branches.map((b) => {
    if (b.const !== undefined) return JSON.stringify(b.const);
    if (b.type === 'object' && b.properties?.type?.const) return `{type: "${b.properties.type.const}", ...}`;
    return String(b.type ?? 'value');
  });
  return `must be one of: ${forms.join(' | ')}`;
}
