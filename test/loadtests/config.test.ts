import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { DEFAULT_MIX, type Plan } from '../../loadtests/plan.js';
import { buildProfile, type ProfileInput } from '../../loadtests/profiles.js';

vi.mock('k6/metrics', () => {
  class Metric {
    constructor(readonly name: string) {}
  }
  return { Counter: Metric, Rate: Metric, Trend: Metric };
});

/**
 * config.ts imports its siblings by their file names ('./guard.ts'), as k6 needs, which the
 * root tsconfig does not type-check; so it is imported at run time here, typed by hand.
 */
interface ConfigModule {
  readConfig(env: Record<string, string | undefined>): { plan: Plan; summaryPath: string };
  parsePlan(raw: string | undefined): Plan;
  planProblems(value: unknown): string[];
  k6Scenario(plan: Plan): {
    executor: string;
    startRate: number;
    timeUnit: string;
    stages: { target: number; duration: string }[];
    preAllocatedVUs: number;
    maxVUs: number;
    gracefulStop: string;
  };
  RATE_SCALE: number;
}
const CONFIG = '../../loadtests/config.ts';
const config = (await import(/* @vite-ignore */ CONFIG)) as ConfigModule;

function planOf(profile: ProfileInput, over: Partial<Plan> = {}): Plan {
  return {
    version: 1,
    target: 'http://127.0.0.1:8000',
    allowRemote: false,
    profile: buildProfile(profile),
    mix: DEFAULT_MIX,
    sla: DEFAULT_SLA,
    maxInFlight: 2000,
    timeoutMs: 60_000,
    retries: 0,
    retryBaseMs: 100,
    seed: 1,
    ...over,
  };
}
const smoke = planOf({ name: 'smoke', rates: [5], stepSeconds: 10, rampSeconds: 0 });

describe('reading the plan from BUSYBENCH_PLAN', () => {
  it('reads the plan and the summary path', () => {
    const c = config.readConfig({ BUSYBENCH_PLAN: JSON.stringify(smoke), BUSYBENCH_SUMMARY: '/tmp/s.json' });
    expect(c.plan).toEqual(smoke);
    expect(c.summaryPath).toBe('/tmp/s.json');
    expect(config.readConfig({ BUSYBENCH_PLAN: JSON.stringify(smoke) }).summaryPath).toBe(
      'results/summary.json',
    );
  });

  it('says what is missing when BUSYBENCH_PLAN is not set, or not JSON', () => {
    expect(() => config.readConfig({})).toThrow(/BUSYBENCH_PLAN is not set.*--engine k6/);
    expect(() => config.readConfig({ BUSYBENCH_PLAN: '' })).toThrow(/BUSYBENCH_PLAN is not set/);
    expect(() => config.parsePlan('{"version":1')).toThrow(/BUSYBENCH_PLAN is not valid JSON/);
  });

  it('names every problem of a plan that is not one', () => {
    const bad = {
      ...smoke,
      version: 2,
      maxInFlight: 0,
      profile: { ...smoke.profile, name: 'wave', phases: [] },
      mix: { ...smoke.mix, streamRatio: 2, thinking: 'maybe', keys: [] },
      sla: { ...smoke.sla, latencyMs: { p99x: 5 }, errorRates: { teapot: 0.1 } },
    };
    const problems = config.planProblems(bad);
    for (const word of [
      'version',
      'maxInFlight',
      'profile.name',
      'profile.phases',
      'mix.streamRatio',
      'mix.thinking',
      'mix.keys',
      'sla.latencyMs',
      'sla.errorRates',
    ])
      expect(problems.some((p) => p.startsWith(word))).toBe(true);
    expect(problems).toHaveLength(9);
    expect(() => config.parsePlan(JSON.stringify(bad))).toThrow(/not a valid plan:\n {2}- version must be 1/);
    expect(config.planProblems([])).toEqual(['the plan must be a JSON object']);
    expect(config.planProblems(smoke)).toEqual([]);
  });

  it('takes thinking as a share of requests between 0 and 1, or null', () => {
    for (const thinking of [null, 0, 0.3, 1])
      expect(config.planProblems({ ...smoke, mix: { ...smoke.mix, thinking } }), String(thinking)).toEqual(
        [],
      );
    for (const thinking of [-0.1, 1.5, 'enabled', 'disabled', true, undefined])
      expect(config.planProblems({ ...smoke, mix: { ...smoke.mix, thinking } }), String(thinking)).toEqual([
        'mix.thinking must be a share between 0 and 1, or null',
      ]);
  });

  it('takes priority shares per class P0..P3, or null (no header)', () => {
    for (const priority of [
      null,
      undefined,
      { P0: 0.1, P1: 0.3, P2: 0.4, P3: 0.2 },
      { P3: 1 },
      { P0: 0, P2: 2 },
    ])
      expect(
        config.planProblems({ ...smoke, mix: { ...smoke.mix, priority } }),
        JSON.stringify(priority),
      ).toEqual([]);
    for (const priority of [{ P4: 1 }, { P0: -1, P1: 1 }, { P0: 0 }, {}, 'P0', { P1: '1' }])
      expect(
        config.planProblems({ ...smoke, mix: { ...smoke.mix, priority } }),
        JSON.stringify(priority),
      ).toEqual(['mix.priority must map classes (P0, P1, P2, P3) to weights ≥ 0, one above 0, or be null']);
  });

  it('takes SLA lines per class, and names every problem of a bad one', () => {
    const good = {
      ...DEFAULT_SLA,
      classes: { P0: { successRate: 0.999, latencyMs: { p99: 800 } }, P3: { successRate: 0.5 } },
    };
    expect(config.planProblems({ ...smoke, sla: good })).toEqual([]);
    const bad = {
      ...DEFAULT_SLA,
      classes: {
        urgent: {},
        P1: { successRate: 2, latencyMs: { '99': 5 }, ttftMs: 'fast', errorRates: { ok: 0.1 } },
        P2: 3,
      },
    };
    expect(config.planProblems({ ...smoke, sla: bad })).toEqual([
      'sla.classes: "urgent" is not a priority class (P0, P1, P2, P3)',
      'sla.classes.P1.successRate must be 0..1',
      'sla.classes.P1.latencyMs must map percentiles (p50, p99, p99.9, ...) to milliseconds > 0',
      'sla.classes.P1.ttftMs must map percentiles (p50, p99, p99.9, ...) to milliseconds > 0',
      expect.stringMatching(/^sla\.classes\.P1\.errorRates must map outcome classes/),
      'sla.classes.P2 must be an object',
    ]);
  });

  it('accepts every outcome class but ok in the SLA error rates', () => {
    const sla = { ...DEFAULT_SLA, errorRates: { malformed: 0, aborted: 0.01, degraded: 0.5, '429': 0.001 } };
    expect(config.planProblems({ ...smoke, sla })).toEqual([]);
    expect(config.planProblems({ ...smoke, sla: { ...sla, errorRates: { ok: 0.1 } } })).toHaveLength(1);
  });

  it('refuses a target off this machine unless the plan allows it', () => {
    const remote = { ...smoke, target: 'https://api.deepseek.com' };
    expect(() => config.readConfig({ BUSYBENCH_PLAN: JSON.stringify(remote) })).toThrow(/refusing to load/);
    const allowed = { ...remote, allowRemote: true };
    expect(config.readConfig({ BUSYBENCH_PLAN: JSON.stringify(allowed) }).plan.target).toBe(remote.target);
  });
});

describe('the plan as a k6 scenario', () => {
  it('runs the profile’s phases as ramping-arrival-rate stages, rates in thousandths per 1000 s', () => {
    const plan = planOf({ name: 'stepped', rates: [250, 500], stepSeconds: 30, rampSeconds: 5 });
    expect(config.k6Scenario(plan)).toEqual({
      executor: 'ramping-arrival-rate',
      startRate: 250_000,
      timeUnit: '1000s',
      stages: [
        { target: 250_000, duration: '30000ms' },
        { target: 500_000, duration: '5000ms' },
        { target: 500_000, duration: '30000ms' },
      ],
      preAllocatedVUs: 250,
      maxVUs: 2000,
      gracefulStop: '60000ms',
    });
  });

  it('keeps fractional rates exact', () => {
    const plan = planOf({ name: 'ramp', rates: [0.5, 2], stepSeconds: 10, rampSeconds: 0 });
    const s = config.k6Scenario(plan);
    expect(s.startRate).toBe(500);
    expect(s.stages.map((st) => st.target)).toEqual([
      650, 800, 950, 1100, 1250, 1400, 1550, 1700, 1850, 2000,
    ]);
    for (const st of s.stages) expect(Number.isInteger(st.target)).toBe(true);
    // k6's rate is target / timeUnit.
    expect((s.stages[0]?.target ?? 0) / config.RATE_SCALE).toBeCloseTo(0.65, 10);
    expect(s.timeUnit).toBe(`${config.RATE_SCALE}s`);
  });

  it('jumps where a phase starts off the last rate: a spike’s edges are ramps, no jump', () => {
    const plan = planOf({ name: 'spike', rates: [100, 1000], stepSeconds: 10, rampSeconds: 2 });
    expect(config.k6Scenario(plan).stages).toEqual([
      { target: 100_000, duration: '10000ms' },
      { target: 1_000_000, duration: '2000ms' },
      { target: 1_000_000, duration: '10000ms' },
      { target: 100_000, duration: '2000ms' },
      { target: 100_000, duration: '10000ms' },
    ]);
  });

  it('lets as many VUs run as requests may be in flight, so a full cap shows as dropped iterations', () => {
    const low = planOf({ name: 'soak', rates: [4000], stepSeconds: 60, rampSeconds: 0 }, { maxInFlight: 64 });
    expect(config.k6Scenario(low)).toMatchObject({ preAllocatedVUs: 64, maxVUs: 64 });
    const high = planOf(
      { name: 'soak', rates: [4000], stepSeconds: 60, rampSeconds: 0 },
      { maxInFlight: 10_000 },
    );
    expect(config.k6Scenario(high)).toMatchObject({ preAllocatedVUs: 1000, maxVUs: 10_000 });
    expect(config.k6Scenario(smoke)).toMatchObject({ preAllocatedVUs: 10, maxVUs: 2000 });
  });
});
