import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../mock-server/src/config/defaults.js';
import { loadConfig, validateConfig } from '../../../mock-server/src/config/load.js';
import { deepMerge } from '../../../mock-server/src/config/merge.js';
import { MockError } from '../../../mock-server/src/errors.js';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof MockError) return err.problems;
    throw err;
  }
  throw new Error('expected a MockError');
}

describe('config loading', () => {
  it('accepts the defaults and freezes the result', () => {
    const config = loadConfig();
    expect(config.server.port).toBe(8000);
    expect(Object.isFrozen(config.behaviour.capacity)).toBe(true);
  });

  it('reports every problem at once, one line each, with its path', () => {
    const problems = problemsOf(() =>
      loadConfig({
        overrides: [
          {
            server: { port: 70000, nodes: 0 },
            behaviour: { faults: { errors: { '503': 1.5 } }, capacity: { overflow: 'drop' } },
            bogus: true,
          },
        ],
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/server/port'),
        expect.stringContaining('/server/nodes'),
        expect.stringContaining('/behaviour/faults/errors/503'),
        expect.stringContaining('/behaviour/capacity/overflow'),
        expect.stringContaining('unknown field "bogus"'),
      ]),
    );
    expect(problems.length).toBe(5);
  });

  it('names the allowed forms of a union instead of a storm of branch errors', () => {
    const problems = problemsOf(() =>
      loadConfig({ overrides: [{ behaviour: { latency: { ttft: { type: 'gamma' } } } }] }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/\/behaviour\/latency\/ttft: must be one of: \{type: "fixed"/);
  });

  it('checks meaning as well as shape: ranges, duplicate keys, overrides beyond the nodes', () => {
    const config = deepMerge(structuredClone(DEFAULT_CONFIG), {
      behaviour: { latency: { ttft: { type: 'uniform', minMs: 50, maxMs: 10 } } },
      accounts: [
        { id: 'a', keys: ['k1'], balance: 1 },
        { id: 'b', keys: ['k1'], balance: 1 },
      ],
      nodeOverrides: [{}, {}],
    });
    const problems = problemsOf(() => validateConfig(config));
    expect(problems).toEqual([
      '/behaviour/latency/ttft: minMs is above maxMs',
      '/accounts/1: key "k1" already belongs to account "a"',
      '/nodeOverrides: 2 overrides for 1 node(s); add nodes or remove overrides',
    ]);
  });

  it('asks a raised account for its raised limit, and per-user caps only of raised accounts', () => {
    const config = deepMerge(structuredClone(DEFAULT_CONFIG), {
      accounts: [
        { id: 'a', keys: ['k1'], balance: 1, raised: true },
        { id: 'b', keys: ['k2'], balance: 1, userConcurrencyLimit: 5 },
        { id: 'c', keys: ['k3'], balance: 1, raised: true, concurrencyLimit: 10_000 },
      ],
    });
    expect(problemsOf(() => validateConfig(config))).toEqual([
      "/accounts/0: a raised account needs its raised concurrencyLimit (the account's total, above the per-user caps)",
      '/accounts/1: userConcurrencyLimit applies to raised accounts only (add raised: true)',
    ]);
  });

  it('replaces a latency distribution whole when its type changes', () => {
    const config = loadConfig({
      overrides: [{ behaviour: { latency: { ttft: { type: 'lognormal', medianMs: 50, sigma: 0.5 } } } }],
    });
    expect(config.behaviour.latency.ttft).toEqual({ type: 'lognormal', medianMs: 50, sigma: 0.5 });
  });

  it('never lets a config reach Object.prototype', () => {
    const merged = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it('says which file could not be read', () => {
    expect(() => loadConfig({ file: '/nonexistent/busy.yaml' })).toThrow(
      /cannot read \/nonexistent\/busy.yaml/,
    );
  });
});
