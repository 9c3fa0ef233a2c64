import { describe, expect, it } from 'vitest';
import { closeWithin } from '../../cli/close-within.js';

describe('closeWithin', () => {
  it('exits as soon as closing is done', async () => {
    const exits: number[] = [];
    const warnings: string[] = [];
    await closeWithin(
      async () => {},
      1000,
      (c) => exits.push(c),
      (w) => warnings.push(w),
    );
    expect(exits).toEqual([0]);
    expect(warnings).toEqual([]);
  });

  it('exits at the deadline, saying why, when closing never ends', async () => {
    const exits: number[] = [];
    const warnings: string[] = [];
    const t0 = performance.now();
    const exited = new Promise<void>((resolve) => {
      void closeWithin(
        () => new Promise<void>(() => {}), // a connection that never lets go
        100,
        (c) => {
          exits.push(c);
          resolve();
        },
        (w) => warnings.push(w),
      );
    });
    await exited;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
    expect(exits).toEqual([0]);
    expect(warnings).toEqual(['connections did not close within 0.1 s; exiting anyway']);
  });
});
