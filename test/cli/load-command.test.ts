import { describe, expect, it } from 'vitest';
import { type BenchmarkFlags, benchmarkOptions } from '../../cli/benchmark-flags.js';
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

describe('busybench load --priority', () => {
  it('sends no class by default', async () => {
    expect((await loadPlan(flags())).mix.priority).toBeNull();
    expect(DEFAULT_MIX.priority).toBeNull();
  });

  it('reads class=weight pairs; a class left out weighs 0', async () => {
    expect((await loadPlan(flags({ priority: 'P0=0.1,P1=0.3,P2=0.4,P3=0.2' }))).mix.priority).toEqual({
      P0: 0.1,
      P1: 0.3,
      P2: 0.4,
      P3: 0.2,
    });
    expect((await loadPlan(flags({ priority: 'P3=3, P0=1' }))).mix.priority).toEqual({
      P0: 1,
      P1: 0,
      P2: 0,
      P3: 3,
    });
  });

  it('refuses anything else in one line each', async () => {
    const shape = (raw: string) =>
      `--priority "${raw}" must look like P0=0.1,P1=0.3,P2=0.4,P3=0.2 (classes P0 to P3, weights >= 0)`;
    for (const [raw, message] of [
      ['P4=1', shape('P4=1')],
      ['p0=1', shape('p0=1')],
      ['P0', shape('P0')],
      ['P0=', shape('P0=')],
      ['P0=-1', shape('P0=-1')],
      ['P0=x', shape('P0=x')],
      ['P0=1=2', shape('P0=1=2')],
      ['', shape('')],
      ['P0=0,P1=0', '--priority "P0=0,P1=0" needs a class with a weight above 0'],
      ['P0=1,P0=2', '--priority "P0=1,P0=2" names P0 twice'],
    ] as const)
      await expect(loadPlan(flags({ priority: raw })), raw).rejects.toThrow(message);
  });

  it('is checked by run and compare before anything starts, with the other flags', () => {
    const bench = (over: Partial<BenchmarkFlags>): BenchmarkFlags => ({
      profile: 'smoke',
      ramp: '0s',
      timeout: '60s',
      engine: 'engine',
      scenario: 'none',
      scenarioSpeed: '1',
      nodes: '1',
      mockPort: '0',
      stack: false,
      warmup: '5s',
      runners: '1',
      ...over,
    });
    expect(() => benchmarkOptions(bench({ priority: 'P0=1' }), 'run')).not.toThrow();
    expect(benchmarkOptions(bench({ priority: 'P0=1' }), 'run').plan.mix.priority).toEqual({
      P0: 1,
      P1: 0,
      P2: 0,
      P3: 0,
    });
    try {
      benchmarkOptions(bench({ priority: 'P9=1', nodes: '99' }), 'run');
      expect.unreachable();
    } catch (err) {
      expect((err as { problems: string[] }).problems).toEqual([
        '--nodes "99" must be 1 to 16',
        expect.stringContaining('--priority "P9=1" must look like'),
      ]);
    }
    expect(benchmarkOptions(bench({ runners: '3' }), 'run').runners).toBe(3);
    for (const [over, message] of [
      [{ runners: '0' }, '--runners "0" must be a whole number from 1 to 16'],
      [{ runners: '2', engine: 'k6' }, '--runners needs the engine (k6 segments are not wired)'],
      [{ runners: '2', segment: '0/2' }, '--runners splits the plan itself: leave --segment out'],
    ] as const)
      expect(() => benchmarkOptions(bench(over), 'run')).toThrow(
        expect.objectContaining({ problems: [message] }),
      );
  });
});

describe('busybench load --sessions', () => {
  it('takes a count, or a turn gap it turns into one at the mean rate', async () => {
    expect((await loadPlan(flags({ sessions: '30' }))).mix.sessions).toEqual({ count: 30, turns: 4 });
    expect((await loadPlan(flags({ sessions: '30', turns: '7' }))).mix.sessions).toEqual({
      count: 30,
      turns: 7,
    });
    // smoke: 5 req/s; a turn every 4 s in each conversation asks for 20 of them.
    expect((await loadPlan(flags({ turnGap: '4s', turns: '2' }))).mix.sessions).toEqual({
      count: 20,
      turns: 2,
    });
    expect((await loadPlan(flags())).mix.sessions).toBeUndefined();
  });

  it('refuses what cannot be a conversation, every problem at once', async () => {
    for (const [over, message] of [
      [{ sessions: '0' }, '--sessions "0" must be a whole number within 1..100000'],
      [{ sessions: '2.5' }, '--sessions "2.5" must be a whole number within 1..100000'],
      [{ sessions: '10', turns: '0' }, '--turns "0" must be a whole number within 1..100'],
      [{ turns: '3' }, '--turns needs --sessions or --turn-gap'],
      [{ sessions: '10', turnGap: '2s' }, '--sessions and --turn-gap both size the conversations: give one'],
      [{ turnGap: 'soon' }, '--turn-gap "soon" is not a duration'],
      [{ sessions: '10', reuseShare: '0.2' }, '--reuse-share does not go with --sessions'],
      [{ sessions: '10', engine: 'k6' }, '--sessions needs the engine'],
    ] as const)
      await expect(loadPlan(flags(over)), JSON.stringify(over)).rejects.toThrow(message);
  });
});
