import { afterEach, describe, expect, it } from 'vitest';
import { scenarioPhase } from '../../../collector/src/upstream.js';
import { admin, chat, metricValue, scrape, startMock, type TestMock } from '../../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/**
 * Elastic capacity (issue 27) on a node under real load: the autoscaler's steps on the node's
 * /metrics on their schedule. Timed (a decision, then its start delay), so it runs with the
 * timing tests, not beside the suite.
 */
describe('an autoscaling scenario under load', () => {
  it('an autoscaling scenario on a node under real load: each replica step on /metrics after its delay, capacity with it', async () => {
    mock = await startMock({ behaviour: { latency: { ttft: { type: 'fixed', ms: 50 } } } });
    const url = mock.url;
    const started = await admin(url, 'POST', '/admin/scenario', {
      speed: 5,
      scenario: {
        name: 'elastic',
        duration: '10m',
        base: { capacity: { maxInFlight: 40, queueSize: 0, overflow: '503' } },
        // Decides every 1 s of real time, a replica serving 2 s after it is decided.
        autoscale: {
          minReplicas: 2,
          maxReplicas: 6,
          metric: 'rps',
          target: 20,
          syncPeriod: '5s',
          startDelay: '10s',
        },
        phases: [{ at: '0s', name: 'elastic' }],
      },
    });
    expect(started.status).toBe(200);
    const seen: Array<{
      t: number;
      ready: number;
      starting: number;
      cap: number;
      phase: string;
      fault: boolean | undefined;
      startedAt: number | undefined;
    }> = [];
    const t0 = Date.now();
    // ~100 req/s for 4.5 s: 5 replicas' worth at 20 a replica.
    let stop = false;
    const load = (async () => {
      while (!stop) {
        void chat(url).catch(() => {});
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    while (Date.now() - t0 < 4_500) {
      const text = await scrape(url);
      // What the collector reads of it: the phase, whether it is a fault phase, when it began.
      const read = scenarioPhase(text);
      seen.push({
        fault: read?.fault,
        startedAt: read?.startedAt,
        t: Date.now() - t0,
        ready: metricValue(text, 'busybench_mock_autoscale_replicas', { state: 'ready' }),
        starting: metricValue(text, 'busybench_mock_autoscale_replicas', { state: 'starting' }),
        cap: metricValue(text, 'busybench_mock_capacity'),
        phase: /busybench_mock_scenario_phase\{[^}]*phase="([^"]*)"/.exec(text)?.[1] ?? '',
      });
      await new Promise((r) => setTimeout(r, 100));
    }
    stop = true;
    await load;
    const decided = seen.find((s) => s.starting > 0);
    const grown = seen.find((s) => s.ready > 2);
    expect(decided, JSON.stringify(seen)).toBeDefined();
    expect(grown, JSON.stringify(seen)).toBeDefined();
    // The decision at a sync (every 1 s), the replicas serving 2 s later, not before.
    expect((grown?.t ?? 0) - (decided?.t ?? 0)).toBeGreaterThanOrEqual(1_700);
    expect((grown?.t ?? 0) - (decided?.t ?? 0)).toBeLessThanOrEqual(3_000);
    // Capacity follows the ready replicas: 20 in flight a replica; the phase names them.
    expect(grown?.cap).toBe(20 * (grown?.ready ?? 0));
    expect(seen[0]?.cap).toBe(40);
    expect(grown?.phase).toBe(`elastic · ${grown?.ready} replicas`);
    expect(decided?.phase).toMatch(/^elastic · 2 replicas \(\+\d starting\)$/);
    // On the run's timeline: each move a phase of its own, by the node's clock, and none of
    // them a fault phase (no recovery is timed from a scale-up). The decision's phase began 2 s
    // (10 s at speed 5) before the replicas it started served.
    expect(seen.every((s) => s.fault === false)).toBe(true);
    const startedDecided = decided?.startedAt as number;
    const startedGrown = seen.find((s) => s.ready > 2 && s.phase === grown?.phase)?.startedAt as number;
    expect(startedGrown - startedDecided).toBeGreaterThanOrEqual(1_990);
    expect(startedGrown - startedDecided).toBeLessThanOrEqual(2_500);
  }, 20_000);
});
