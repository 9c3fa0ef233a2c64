import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { DEFAULT_MIX, type Plan } from '../../loadtests/plan.js';
import { buildProfile } from '../../loadtests/profiles.js';

// The entry's k6 imports, as stand-ins: only its options are read here.
vi.mock('k6', () => ({ sleep: () => {} }));
vi.mock('k6/execution', () => ({ default: {} }));
vi.mock('k6/http', () => ({ default: { expectedStatuses: () => ({}) } }));
vi.mock('k6/metrics', () => {
  class Metric {
    constructor(readonly name: string) {}
  }
  return { Counter: Metric, Rate: Metric, Trend: Metric };
});

const plan: Plan = {
  version: 1,
  target: 'http://127.0.0.1:8000',
  allowRemote: false,
  profile: buildProfile({ name: 'smoke', rates: [5], stepSeconds: 10, rampSeconds: 0 }),
  mix: DEFAULT_MIX,
  sla: DEFAULT_SLA,
  maxInFlight: 100,
  timeoutMs: 5000,
  retries: 0,
  retryBaseMs: 100,
  seed: 1,
};

describe('the k6 entry (loadtests/main.ts)', () => {
  it('follows no redirect: k6 would follow 10 to wherever they point, off loopback too', async () => {
    vi.stubGlobal('__ENV', { BUSYBENCH_PLAN: JSON.stringify(plan) });
    const MAIN = '../../loadtests/main.ts';
    const main = (await import(/* @vite-ignore */ MAIN)) as { options: { maxRedirects?: number } };
    expect(main.options.maxRedirects).toBe(0);
  });
});
