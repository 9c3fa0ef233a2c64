import { join } from 'node:path';
import { type Collector, createCollector } from '../../collector/src/live-server.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { stackDown, stackUp } from '../../stack/src/local-stack.js';
import { proxyServer } from '../../strategies/src/proxy-server.js';
import { makeStrategy } from '../../strategies/src/registry.js';
import { startMock, type TestMock } from './mock.js';
import { freePort, requireTool } from './tools.js';

export interface Observed {
  readonly mock: TestMock;
  readonly collector: Collector;
  /**
   * A bulkhead in front of the mock (room for 64 at once, 512 waiting), whose queue the
   * collector scrapes: the load goes through it where a test wants the strategy's series.
   */
  readonly strategy: string;
  /** Prometheus's base URL. */
  readonly prometheus: string;
  stop(): Promise<void>;
}

/**
 * What the observability tests run against: a mock (first tokens after `ttftMs`), a collector
 * following `<dir>/results.json` and scraping the mock, and Debian's Prometheus and Alertmanager
 * (the local stack, in `<dir>/stack`) scraping both with the project's rules, alerting to the
 * collector's webhook. Without the Debian packages it fails, saying what to install.
 */
export async function startObserved(dir: string, runId: string, ttftMs: number): Promise<Observed> {
  requireTool('prometheus', 'prometheus');
  requireTool('prometheus-alertmanager', 'prometheus-alertmanager');
  const mock = await startMock({ behaviour: { latency: { ttft: { type: 'fixed', ms: ttftMs } } } });
  const { app: proxy } = proxyServer(makeStrategy('bulkhead', { limit: '64', queue: '512' }), [mock.url]);
  const strategy = await proxy.listen({ host: '127.0.0.1', port: 0 });
  const collector = createCollector({
    results: join(dir, 'results.json'),
    runId,
    // The default SLA with the guides' lines on the mean and the strategy's queue, so the
    // dashboards' SLA panels have their lines to draw.
    sla: { ...DEFAULT_SLA, latencyMs: { ...DEFAULT_SLA.latencyMs, avg: 800 }, queueLength: 500 },
    upstream: [mock.url],
    strategyMetrics: [`${strategy}/metrics`],
  });
  const collectorUrl = await collector.app.listen({ host: '127.0.0.1', port: 0 });
  const stackDir = join(dir, 'stack');
  const up = await stackUp({
    dir: stackDir,
    prometheusPort: await freePort(),
    alertmanagerPort: await freePort(),
    mockUrls: [mock.url],
    collectorUrl,
  });
  return {
    mock,
    collector,
    strategy,
    prometheus: up.prometheus,
    async stop() {
      await stackDown(stackDir);
      await collector.stop();
      await proxy.close();
      await mock.close();
    },
  };
}
