import type { FastifySchemaValidationError } from 'fastify';
import { type ApiError, apiError } from '../api-error.js';

const RANGE_KEYWORDS = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'maxItems',
  'maxLength',
]);

/**
 * Turns a request-validation failure into DeepSeek's answer: a value out of range is 422
 * Invalid Parameters; a wrong type or missing field is 400, worded as serde words it.
 */
export function schemaErrorToApi(errors: readonly FastifySchemaValidationError[]): ApiError {
  const first = errors[0];
  if (!first) return apiError(400);
  const field = fieldPath(first.instancePath);
  if (RANGE_KEYWORDS.has(first.keyword)) {
    return apiError(422, `Invalid ${field || 'parameter'} value: ${first.message ?? 'out of range'}`);
  }
  if (first.keyword === 'required') {
    const missing = String((first.params as { missingProperty?: string }).missingProperty ?? '');
    const where = field ? `${field}: ` : '';
    return apiError(
      400,
      `Failed to deserialize the JSON body into the target type: ${where}missing field \`${missing}\``,
    );
  }
  const what =
    first.keyword === 'type'
      ? `invalid type, expected ${String(first.params.type)}`
      : (first.message ?? 'invalid value');
  return apiError(
    400,
    `Failed to deserialize the JSON body into the target type: ${field || 'body'}: ${what}`,
  );
}

/** "/messages/0/content" → "messages[0].content", the way serde names fields. */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
