import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autoscaler, type AutoscaleSpec } from '../../../mock-server/src/busy/autoscaler.js';

const SPEC: AutoscaleSpec = {
  minReplicas: 2,
  maxReplicas: 8,
  metric: 'rps',
  target: 100,
  syncMs: 15_000,
  startDelayMs: 30_000,
  scaleDownWindowMs: 300_000,
  tolerance: 0.1,
};

/** A node whose arrivals the test sets: `rps` requests a second from now on. */
function node() {
  let arrivals = 0;
  let rps = 0;
  let last = Date.now();
  let busy = 0;
  const advance = () => {
    const now = Date.now();
    arrivals += (rps * (now - last)) / 1000;
    last = now;
  };
  return {
    load: {
      arrivals: () => {
        advance();
        return arrivals;
      },
      busyShare: () => busy,
    },
    setRps(r: number) {
      advance();
      rps = r;
    },
    setBusy(b: number) {
      busy = b;
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_800_000_000_000);
});
afterEach(() => vi.useRealTimers());

/**
 * The autoscaler as HPA decides (kubernetes.io, algorithm details): desired = ceil(current ×
 * measured / target), within a 10 % tolerance no change, clamped to [min, max]; an added replica
 * serves after its start delay; down only to the highest recommendation of the window.
 */
describe('the mock autoscaler (HPA rule, fake time)', () => {
  it('scales up by the rule at the next sync; the replicas serve only after their start delay', () => {
    const n = node();
    const changes: string[] = [];
    const a = new Autoscaler(SPEC, n.load, () => changes.push(JSON.stringify(a.status())));
    a.start();
    n.setRps(150); // under 2 × 100 × 1.1: no move
    vi.advanceTimersByTime(15_000);
    expect(a.status()).toMatchObject({ ready: 2, starting: 0, desired: 2 });
    n.setRps(500); // the burst: ceil(500 / 100) = 5
    vi.advanceTimersByTime(15_000);
    expect(a.status()).toMatchObject({ ready: 2, desired: 5 });
    expect(a.factor).toBe(1);
    vi.advanceTimersByTime(29_000);
    expect(a.status().ready).toBe(2);
    vi.advanceTimersByTime(1_000);
    expect(a.status()).toMatchObject({ ready: 5, starting: 0 });
    expect(a.factor).toBe(2.5);
    expect(changes.length).toBe(2); // decided, then ready
  });

  it('within the tolerance nothing moves; past the maximum it stops at max; never under min', () => {
    const n = node();
    const a = new Autoscaler(SPEC, n.load, () => {});
    a.start();
    n.setRps(215); // 215 / 200 = 1.075: within 10 %
    vi.advanceTimersByTime(15_000);
    expect(a.status().desired).toBe(2);
    n.setRps(5_000);
    vi.advanceTimersByTime(15_000);
    expect(a.status().desired).toBe(8);
    n.setRps(0);
    vi.advanceTimersByTime(15_000 * 40);
    expect(a.status()).toMatchObject({ ready: 2, starting: 0, desired: 2 });
  });

  it('scales down only to the highest recommendation of the stabilisation window', () => {
    const n = node();
    const a = new Autoscaler({ ...SPEC, startDelayMs: 0 }, n.load, () => {});
    a.start();
    n.setRps(600);
    vi.advanceTimersByTime(15_000);
    vi.advanceTimersByTime(1);
    expect(a.status()).toMatchObject({ ready: 6, desired: 6 });
    n.setRps(250); // recommends 3 from now on
    vi.advanceTimersByTime(15_000 * 10); // 150 s: the 6 is still within the 300 s window
    expect(a.status().ready).toBe(6);
    vi.advanceTimersByTime(15_000 * 11); // past 300 s since the last 6
    expect(a.status().ready).toBe(3);
  });

  it('on cpu: the busy share of the ready replicas, a starting one counted idle', () => {
    const n = node();
    const a = new Autoscaler({ ...SPEC, metric: 'cpu', target: 0.7 }, n.load, () => {});
    a.start();
    n.setBusy(1); // saturated: ceil(2 × 1 / 0.7) = 3
    vi.advanceTimersByTime(15_000);
    expect(a.status()).toMatchObject({ ready: 2, starting: 1, desired: 3 });
    // Still saturated at the next sync: 2 ready busy, 1 starting idle: ceil(2 / 0.7) = 3, no more.
    vi.advanceTimersByTime(15_000);
    expect(a.status().desired).toBe(3);
  });

  it('plays faster with the scenario: periods and delays divided by the speed', () => {
    const n = node();
    const a = new Autoscaler(SPEC, n.load, () => {}, 5);
    a.start();
    n.setRps(400);
    vi.advanceTimersByTime(3_000);
    expect(a.status()).toMatchObject({ ready: 2, starting: 2 });
    vi.advanceTimersByTime(6_000);
    expect(a.status()).toMatchObject({ ready: 4, starting: 0 });
    a.stop();
  });
});
