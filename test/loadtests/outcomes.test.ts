import { describe, expect, it, vi } from 'vitest';
import contract from '../../loadtests/engine/contract/outcomes.json' with { type: 'json' };
import { ERROR_CLASSES, errors, OUTCOMES } from '../../loadtests/metrics.js';

// metrics.ts makes k6 metrics when imported; outside k6 they are stand-ins that keep their name.
vi.mock('k6/metrics', () => {
  class Metric {
    constructor(readonly name: string) {}
  }
  return { Counter: Metric, Rate: Metric, Trend: Metric };
});

describe('the k6 scripts’ outcome classes', () => {
  it('are exactly the classes of loadtests/engine/contract/outcomes.json, in its order', () => {
    expect([...OUTCOMES]).toEqual(contract.outcomes.map((o) => o.name));
  });

  it('count every class but ok in a busybench_errors_<class> counter', () => {
    expect(ERROR_CLASSES).toEqual(OUTCOMES.filter((c) => c !== 'ok'));
    for (const c of ERROR_CLASSES)
      expect((errors[c] as unknown as { name: string }).name).toBe(`busybench_errors_${c}`);
  });
});
