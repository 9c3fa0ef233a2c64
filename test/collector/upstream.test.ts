import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  busyCount,
  countAttempts,
  resilienceKpis,
  scenarioPhase,
  scrapeUpstream,
  type UpstreamTally,
  UpstreamTimeline,
  untilIdle,
} from '../../collector/src/upstream.js';

describe('upstream ground truth', () => {
  it("counts completion attempts and errors from a node's metrics, ignoring other endpoints", () => {
    const text = [
      'busybench_mock_requests_total{endpoint="/chat/completions",model="deepseek-v4-flash",status="200",account="default",node="node-0"} 70',
      'busybench_mock_requests_total{endpoint="/chat/completions",model="deepseek-v4-flash",status="503",account="default",node="node-0"} 30',
      'busybench_mock_requests_total{endpoint="/models",model="none",status="200",account="none",node="node-0"} 5',
      'busybench_mock_in_flight{node="node-0"} 3',
      'busybench_mock_tokens_total{model="deepseek-v4-flash",kind="completion",node="node-0"} 1400',
      'busybench_mock_tokens_total{model="deepseek-v4-flash",kind="prompt_cache_miss",node="node-0"} 9000',
      'busybench_mock_tokens_total{model="deepseek-v4-pro",kind="completion",node="node-0"} 600',
      'busybench_mock_cost_usd_total{model="deepseek-v4-flash",node="node-0"} 0.0125',
      'busybench_mock_cost_usd_total{model="deepseek-v4-pro",node="node-0"} 1.5e-3',
    ].join('\n');
    const counts = countAttempts(text);
    expect({ ...counts, costUsd: undefined }).toEqual({
      attempts: 100,
      errors: 30,
      tokens: 2000,
      costUsd: undefined,
    });
    expect(counts.costUsd).toBeCloseTo(0.014, 10);
  });

  it('reads the scenario phase a node plays, and whether it is a fault', () => {
    const text = [
      'busybench_mock_scenario_phase{scenario="outage-recovery",phase="outage",node="node-0"} 1',
      'busybench_mock_scenario_fault{node="node-0"} 1',
    ].join('\n');
    expect(scenarioPhase(text)).toEqual({ scenario: 'outage-recovery', phase: 'outage', fault: true });
    // The phase's own start, when the node says it: a scrape sees a phase up to a second late.
    expect(
      scenarioPhase(`${text}\nbusybench_mock_scenario_phase_started_seconds{node="node-0"} 1764417600.25`),
    ).toEqual({ scenario: 'outage-recovery', phase: 'outage', fault: true, startedAt: 1764417600250 });
    expect(scenarioPhase('busybench_mock_scenario_phase{scenario="none",phase="base"} 1')).toBeNull();
  });

  it('interpolates what the upstream saw within a step window', () => {
    const t = new UpstreamTimeline();
    t.add({ time: 0, attempts: 0, errors: 0 });
    t.add({ time: 2000, attempts: 200, errors: 20 });
    t.add({ time: 4000, attempts: 600, errors: 20 });
    expect(t.between(1000, 3000)).toEqual({ attempts: 300, errors: 10, tokens: 0, costUsd: 0 });
    expect(t.between(-5, 1000)).toBeNull();
  });

  it('computes amplification and error masking as the design brief defines them', () => {
    // A retrying client: 100 requests, 140 attempts, 30 % of attempts failed, 1 % of requests failed.
    const k = resilienceKpis(100, 1, { attempts: 140, errors: 42 });
    expect(k.amplification).toBeCloseTo(1.4);
    expect(k.errorMasking).toBeCloseTo(1 - 0.01 / 0.3);
    expect(resilienceKpis(100, 0, { attempts: 100, errors: 0 }).errorMasking).toBeNull();
  });

  it('a node that misses a scrape counts what it counted last, so the totals never fall', async () => {
    let up = true;
    const server = createServer((req, res) => {
      if (!up) return req.socket.destroy();
      res.end('busybench_mock_requests_total{endpoint="/chat/completions",status="200"} 40\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const last = new Map<string, UpstreamTally>();
    expect((await scrapeUpstream([url], 1, last)).attempts).toBe(40);
    up = false;
    expect((await scrapeUpstream([url], 2, last)).attempts).toBe(40);
    // Without the memory it would have read 0, and the next answer a jump back to 40.
    expect((await scrapeUpstream([url], 3)).attempts).toBe(0);
    server.close();
  });

  it('dns+http://name:port scrapes every address the name resolves to (a headless Service)', async () => {
    const server = createServer((_req, res) =>
      res.end('busybench_mock_requests_total{endpoint="/chat/completions",status="200"} 7\n'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const last = new Map<string, UpstreamTally>();
    // localhost resolves to 127.0.0.1 here (and ::1 where IPv6 is on: that one answers nothing,
    // and counts 0), so the sum is one node's 7.
    expect((await scrapeUpstream([`dns+http://localhost:${port}`], 1, last)).attempts).toBe(7);
    expect([...last.keys()]).toContain(`http://127.0.0.1:${port}`);
    // A name that does not resolve: no new node, the known ones keep their counts.
    expect((await scrapeUpstream([`dns+http://no-such-node.invalid:${port}`], 2, last)).attempts).toBe(7);
    server.close();
  });

  it("counts what is still under way: the mock's generating, queued and held requests, a strategy's in flight", () => {
    const text = [
      'busybench_mock_in_flight{node="node-0"} 3',
      'busybench_mock_queued{node="node-0"} 2',
      'busybench_mock_held{node="node-0"} 1',
      'busybench_mock_account_in_flight{account="default",group="flash",node="node-0"} 3',
      'busybench_mock_capacity{node="node-0"} 150',
      'busybench_strategy_in_flight 4',
    ].join('\n');
    // The per-account gauge counts the same requests again, and capacity is no request at all.
    expect(busyCount(text)).toBe(10);
    expect(busyCount('busybench_mock_in_flight{node="node-0"} 0\n')).toBe(0);
  });

  it('waits until every node reads idle, a strategy first, and says how long and what was left', async () => {
    // A node busy for its first three answers, then idle; another that is idle throughout.
    let asked = 0;
    const busyThenIdle = createServer((_req, res) => {
      asked++;
      res.end(`busybench_mock_in_flight{node="node-0"} ${asked <= 3 ? 2 : 0}\n`);
    });
    const order: string[] = [];
    const strategy = createServer((_req, res) => {
      order.push('strategy');
      res.end('busybench_strategy_in_flight 0\n');
    });
    for (const s of [busyThenIdle, strategy]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const urlOf = (s: typeof strategy) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`;
    const idle = await untilIdle([urlOf(strategy), urlOf(busyThenIdle)], { pollMs: 20 });
    expect(idle).toMatchObject({ busy: 0, unanswered: [] });
    expect(asked).toBe(4);
    expect(order).toHaveLength(4);
    // Bounded: a node that never goes idle is given up on at the timeout, with what it had.
    asked = -1000;
    const stuck = await untilIdle([urlOf(busyThenIdle)], { pollMs: 20, timeoutMs: 150 });
    expect(stuck.busy).toBe(2);
    expect(stuck.waitedMs).toBeGreaterThanOrEqual(150);
    // A node that does not answer is not taken for idle.
    const gone = 'http://127.0.0.1:9/metrics';
    expect(await untilIdle([gone], { pollMs: 20, timeoutMs: 100 })).toMatchObject({
      busy: 0,
      unanswered: [gone],
    });
    for (const s of [busyThenIdle, strategy]) s.close();
  });
});
