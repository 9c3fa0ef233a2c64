import { describe, expect, it } from 'vitest';
import { type LoadFlags, loadPlan } from '../../cli/load-command.js';
import { DEFAULT_MIX } from '../../loadtests/plan.js';

const flags = (over: Partial<LoadFlags> = {}): LoadFlags => ({
  target: 'http://127.0.0.1:8000',
  profile: 'smoke',
  ramp: '0s',
  timeout: '60s',
  engine: 'engine',
  ...over,
});

describe('busybench load --thinking', () => {
  it('sends thinking with every request by default, as the V4 models do', async () => {
    expect((await loadPlan(flags())).mix.thinking).toBe(DEFAULT_MIX.thinking);
    expect(DEFAULT_MIX.thinking).toBe(1);
  });

  it('reads on as 1, off as 0 and a number as the share of requests that think', async () => {
    for (const [raw, share] of [
      ['on', 1],
      ['off', 0],
      ['0.3', 0.3],
      ['0', 0],
      ['1', 1],
    ] as const)
      expect((await loadPlan(flags({ thinking: raw }))).mix.thinking, raw).toBe(share);
  });

  it('refuses anything else in one line', async () => {
    for (const raw of ['yes', '1.5', '-0.1', '', '30%'])
      await expect(loadPlan(flags({ thinking: raw })), raw).rejects.toThrow(
        `--thinking "${raw}" must be on, off or a share between 0 and 1, e.g. 0.3`,
      );
  });
});
