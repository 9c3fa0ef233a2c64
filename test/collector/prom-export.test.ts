import { describe, expect, it } from 'vitest';
import { clientMetrics } from '../../collector/src/prom-export.js';
import { RunStats } from '../../collector/src/step-stats.js';

describe('the client view for Prometheus', () => {
  it('exports requests by outcome, latency quantiles and success per step, read at scrape time', async () => {
    const run = new RunStats();
    const registry = clientMetrics(run, 'run-1');
    for (let i = 0; i < 100; i++) {
      run.ingest({
        metric: 'busybench_latency',
        time: i,
        value: i < 99 ? 100 : 500,
        tags: { step: '0', target_rate: '50', outcome: i < 98 ? 'ok' : '503' },
      });
    }
    const text = await registry.metrics();
    expect(text).toContain(
      'busybench_client_requests{step="0",target_rate="50",outcome="ok",run_id="run-1"} 98',
    );
    expect(text).toContain(
      'busybench_client_requests{step="0",target_rate="50",outcome="503",run_id="run-1"} 2',
    );
    expect(text).toMatch(
      /busybench_client_latency_seconds\{step="0",target_rate="50",quantile="0.5",run_id="run-1"\} 0\.1\d*/,
    );
    expect(text).toContain('busybench_client_success_ratio{step="0",target_rate="50",run_id="run-1"} 0.98');
    // Buckets: 99 at 100 ms, one at 500 ms.
    expect(text).toContain(
      'busybench_client_request_duration_seconds_bucket{step="0",target_rate="50",le="0.1",run_id="run-1"} 99',
    );
    expect(text).toContain(
      'busybench_client_request_duration_seconds_bucket{step="0",target_rate="50",le="0.3",run_id="run-1"} 99',
    );
    expect(text).toContain(
      'busybench_client_request_duration_seconds_bucket{step="0",target_rate="50",le="0.5",run_id="run-1"} 100',
    );
    expect(text).toContain(
      'busybench_client_request_duration_seconds_count{step="0",target_rate="50",run_id="run-1"} 100',
    );
    // Later samples show at the next scrape.
    run.ingest({ metric: 'dropped_iterations', time: 0, value: 7, tags: {} });
    expect(await registry.metrics()).toContain('busybench_client_dropped_iterations{run_id="run-1"} 7');
  });
});
