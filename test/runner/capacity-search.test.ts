import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEARCH,
  type Probe,
  type ProbeVerdict,
  searchCapacity,
} from '../../runner/src/capacity-search.js';

/** A probe of a system that holds up to `limit` req/s; `verdicts` overrides some rates. */
function system(limit: number, verdicts: Record<number, ProbeVerdict[]> = {}) {
  const seen: number[] = [];
  const probe = async (rate: number): Promise<Probe> => {
    seen.push(rate);
    const planned = verdicts[rate]?.shift();
    const verdict = planned ?? (rate <= limit ? 'held' : 'broken');
    return { rate, verdict, reason: verdict, successRate: null, p99Ms: null };
  };
  return { probe, seen };
}

describe('capacity search', () => {
  it('brackets the limit from below and above, then bisects it to within the resolution', async () => {
    for (const limit of [430, 1000, 1234, 2999, 7000]) {
      const s = system(limit);
      const r = await searchCapacity(s.probe, {
        from: 500,
        resolution: 0.05,
        growth: 1.5,
        maxProbes: 30,
        maxRetries: 2,
      });
      expect(r.ended).toBe('resolved');
      const [held, broken] = r.bracket as [number, number];
      expect(held).toBeLessThanOrEqual(limit);
      expect(broken).toBeGreaterThan(limit);
      expect((broken - held) / held).toBeLessThanOrEqual(0.05);
      expect(r.sustained).toBe(held);
      expect(r.probes.length).toBeLessThanOrEqual(12);
    }
  });

  it('probes an undecided rate again; still undecided, it is not claimed', async () => {
    const again = system(1000, { 750: ['undecided', 'held'] });
    const r1 = await searchCapacity(again.probe);
    expect(again.seen.filter((x) => x === 750)).toHaveLength(2);
    expect(r1.bracket[0]).toBeGreaterThanOrEqual(750);
    const never = system(1000, { 750: ['undecided', 'undecided', 'undecided'] });
    const r2 = await searchCapacity(never.probe);
    expect(never.seen.filter((x) => x === 750)).toHaveLength(3);
    // 750 counted as broken: the bracket closes below it.
    expect(r2.bracket[1]).toBeLessThanOrEqual(750);
    expect(r2.sustained).toBeLessThan(750);
  });

  it('measures nothing at or above where the harness fell behind, searches below it, and says so', async () => {
    // The harness cannot hold 1 688 nor, found on the way down, 1 547: the strategy could.
    const s = system(100_000, { 1688: ['harness', 'harness'], 1548: ['harness', 'harness'] });
    const r = await searchCapacity(s.probe);
    expect(r.ended).toBe('harness');
    const [held, ceiling] = r.bracket as [number, number];
    expect(ceiling).toBe(1548);
    expect(held).toBeGreaterThanOrEqual(1548 / 1.05);
    expect(r.sustained).toBe(held);
    expect(s.seen.some((x) => x > 1548 && x !== 1688)).toBe(false);
    // A ceiling above a real break does not name the end: the strategy broke first.
    const real = await searchCapacity(system(1000, { 1688: ['harness', 'harness'] }).probe);
    expect(real.ended).toBe('resolved');
  });

  it('probes a rate the harness fell behind at once more: a moment of the machine is no ceiling', async () => {
    const once = system(300, { 200: ['harness'] });
    const r = await searchCapacity(once.probe, { ...DEFAULT_SEARCH, from: 200 });
    expect(once.seen.filter((x) => x === 200)).toHaveLength(2);
    expect(r.ended).toBe('resolved');
    expect(r.sustained).toBeGreaterThanOrEqual(300 / 1.05);
    // Behind twice at the first rate: that is the ceiling, and nothing above it is probed.
    const twice = system(300, { 200: ['harness', 'harness'] });
    const r2 = await searchCapacity(twice.probe, { ...DEFAULT_SEARCH, from: 200 });
    expect(r2.bracket[1]).toBe(200);
    expect(twice.seen.some((x) => x > 200)).toBe(false);
  });

  it('searches down when the first rate breaks, and says when nothing held', async () => {
    const low = await searchCapacity(system(120).probe);
    expect(low.ended).toBe('resolved');
    expect(low.sustained).toBeLessThanOrEqual(120);
    expect(low.sustained).toBeGreaterThanOrEqual(114);
    const none = await searchCapacity(system(0).probe, {
      from: 4,
      resolution: 0.05,
      growth: 2,
      maxProbes: 10,
      maxRetries: 0,
    });
    expect(none.ended).toBe('broke-at-start');
    expect(none.sustained).toBeNull();
  });

  it('is bounded: at most maxProbes probes', async () => {
    const r = await searchCapacity(system(1e9).probe, {
      from: 1,
      resolution: 0.05,
      growth: 1.5,
      maxProbes: 5,
      maxRetries: 2,
    });
    expect(r.probes).toHaveLength(5);
    expect(r.ended).toBe('max-probes');
  });
});
