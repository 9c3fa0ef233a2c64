export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `patch` onto `base` without touching either: objects merge key by key, anything else
 * (arrays included) replaces. `null` in the patch replaces too, so a limit can be switched off.
 * An object whose `type` differs from the base's replaces it whole, so that
 * `{type: lognormal, ...}` over `{type: fixed, ms}` leaves no stray `ms` behind.
 */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  // A tagged object of another kind (a latency distribution changing type) replaces whole.
  if ('type' in patch && 'type' in base && patch.type !== base.type) return patch as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    // A config file is user input: never let it reach Object.prototype.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    out[key] = key in out ? deepMerge(out[key], value) : value;
  }
  return out as T;
}
