import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  drawPriority,
  isPriorityClass,
  PRIORITY_CLASSES,
  type PriorityShares,
  pickPriority,
  priorityUnit,
} from '../../loadtests/priority.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../loadtests/engine/contract/priority-vectors.json', import.meta.url), 'utf8'),
) as {
  vectors: Array<{ seed: number; arrival: number; unit: number; shares: PriorityShares; class: string }>;
};

describe('the priority class draw', () => {
  it('is the Go engine’s, bit for bit (the shared vectors): k6 sends arrival k the class the engine would', () => {
    expect(vectors.vectors.length).toBeGreaterThan(30);
    for (const v of vectors.vectors) {
      expect(priorityUnit(v.seed, v.arrival), `seed ${v.seed} arrival ${v.arrival}`).toBe(v.unit);
      expect(drawPriority(v.shares, v.seed, v.arrival), `seed ${v.seed} arrival ${v.arrival}`).toBe(v.class);
    }
  });

  it('spreads evenly over [0, 1) and changes with the seed', () => {
    const n = 20_000;
    let below = 0;
    let min = 1;
    let max = 0;
    for (let k = 0; k < n; k++) {
      const u = priorityUnit(42, k);
      min = Math.min(min, u);
      max = Math.max(max, u);
      if (u < 0.3) below++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(below / n - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
    expect(priorityUnit(1, 5)).not.toBe(priorityUnit(2, 5));
  });

  it('draws each class with its share of the weights; a class at 0 or left out never', () => {
    const n = 20_000;
    for (const [shares, want] of [
      [
        { P0: 0.1, P1: 0.3, P2: 0.4, P3: 0.2 },
        { P0: 0.1, P1: 0.3, P2: 0.4, P3: 0.2 },
      ],
      [
        { P0: 1, P3: 3 },
        { P0: 0.25, P3: 0.75 },
      ],
      [
        { P1: 0.5, P2: 0, P3: 0.5 },
        { P1: 0.5, P3: 0.5 },
      ],
    ] as const) {
      const got: Record<string, number> = {};
      for (let k = 0; k < n; k++) {
        const c = drawPriority(shares, 7, k) as string;
        got[c] = (got[c] ?? 0) + 1 / n;
      }
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const [c, share] of Object.entries(want))
        expect(Math.abs((got[c] ?? 0) - share), `${c} of ${JSON.stringify(shares)}`).toBeLessThan(
          4 * Math.sqrt((share * (1 - share)) / n) + 1e-9,
        );
    }
  });

  it('picks by cumulative share, most urgent first, and has no class without shares', () => {
    const shares = { P0: 0.1, P1: 0.3, P2: 0.4, P3: 0.2 };
    expect(pickPriority(shares, 0)).toBe('P0');
    expect(pickPriority(shares, 0.099)).toBe('P0');
    expect(pickPriority(shares, 0.1)).toBe('P1');
    expect(pickPriority(shares, 0.79)).toBe('P2');
    expect(pickPriority(shares, 0.999_999)).toBe('P3');
    expect(pickPriority({ P2: 0, P3: 2 }, 0)).toBe('P3');
    expect(drawPriority(null, 1, 1)).toBeNull();
  });

  it('knows P0 to P3 and nothing else', () => {
    expect(PRIORITY_CLASSES).toEqual(['P0', 'P1', 'P2', 'P3']);
    for (const c of PRIORITY_CLASSES) expect(isPriorityClass(c)).toBe(true);
    for (const c of ['P4', 'p0', '', 'P', 0, null, undefined]) expect(isPriorityClass(c)).toBe(false);
  });
});
