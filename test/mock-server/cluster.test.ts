import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, metricValue, scrape, startMock, type TestMock } from '../helpers/mock.js';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({
    server: { nodes: 3 },
    nodeOverrides: [{}, { faults: { errors: { '503': 1 } } }, { capacity: { maxInFlight: 9 } }],
  });
});
afterAll(() => mock.close());

describe('several nodes from one process', () => {
  it('listens on as many ports, each node with its own faults and capacity', async () => {
    const urls = mock.cluster.nodes.map((n) => n.url);
    expect(new Set(urls).size).toBe(3);
    expect((await chat(urls[0]!)).status).toBe(200);
    expect((await chat(urls[1]!)).status).toBe(503);
    expect(mock.cluster.nodes[2]!.node.capacity.maxInFlight).toBe(9);
  });

  it("labels each node's ground truth with its name", async () => {
    const second = await scrape(mock.cluster.nodes[1]!.url);
    expect(
      metricValue(second, 'busybench_mock_requests_total', { node: 'node-1', status: '503' }),
    ).toBeGreaterThan(0);
    expect(second).not.toContain('node="node-0"');
  });

  it('shares accounts across nodes, as DeepSeek counts per account', () => {
    const [a, b] = mock.cluster.nodes;
    expect(a!.node.shared.accounts).toBe(b!.node.shared.accounts);
  });

  it('starts on consecutive ports from a fixed first port', async () => {
    const { startCluster } = await import('../../mock-server/src/server.js');
    const { loadConfig } = await import('../../mock-server/src/config/load.js');
    // Below the kernel's ephemeral range (32768+), where outgoing connections take ports; and
    // again elsewhere should one of three be taken all the same.
    let base = 0;
    let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
    for (let attempt = 0; cluster === undefined; attempt++) {
      base = 20000 + Math.floor(Math.random() * 12000);
      try {
        cluster = await startCluster(
          loadConfig({ overrides: [{ server: { port: base, nodes: 3, logLevel: 'silent' } }] }),
        );
      } catch (err) {
        if (attempt >= 4) throw err;
      }
    }
    try {
      expect(cluster.nodes.map((n) => n.url)).toEqual([0, 1, 2].map((i) => `http://127.0.0.1:${base + i}`));
    } finally {
      await cluster.close();
    }
  });
});
