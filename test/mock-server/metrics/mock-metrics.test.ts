import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, HELLO, metricValue, scrape, startMock, type TestMock } from '../../helpers/mock.js';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({
    behaviour: { latency: { ttft: { type: 'fixed', ms: 20 }, interToken: { type: 'fixed', ms: 1 } } },
  });
});
afterAll(() => mock.close());

describe('/metrics, the ground truth', () => {
  it('counts requests by endpoint, model, status and account, and tokens by kind', async () => {
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await chat(mock.url, HELLO)).json());
    await chat(mock.url, { ...HELLO, model: 'nope' });
    const m = await scrape(mock.url);
    expect(
      metricValue(m, 'busybench_mock_requests_total', {
        endpoint: '/chat/completions',
        model: 'deepseek-v4-flash',
        status: '200',
        account: 'default',
      }),
    ).toBe(3);
    expect(metricValue(m, 'busybench_mock_requests_total', { status: '400' })).toBe(1);
    const completion = bodies.reduce((n, b) => n + b.usage.completion_tokens, 0);
    const reasoning = bodies.reduce((n, b) => n + b.usage.completion_tokens_details.reasoning_tokens, 0);
    expect(
      metricValue(m, 'busybench_mock_tokens_total', { model: 'deepseek-v4-flash', kind: 'completion' }),
    ).toBe(completion);
    expect(
      metricValue(m, 'busybench_mock_tokens_total', { model: 'deepseek-v4-flash', kind: 'reasoning' }),
    ).toBe(reasoning);
  });

  it('follows Prometheus naming: seconds, _total, histogram series with +Inf', async () => {
    const m = await scrape(mock.url);
    for (const name of ['ttft_seconds', 'inter_token_seconds', 'request_duration_seconds']) {
      expect(m).toContain(`# TYPE busybench_mock_${name} histogram`);
      expect(m).toMatch(new RegExp(`busybench_mock_${name}_bucket\\{[^}]*le="\\+Inf"`));
    }
    expect(m).toContain('# TYPE busybench_mock_requests_total counter');
    for (const gauge of [
      'in_flight',
      'queued',
      'held',
      'capacity',
      'account_in_flight',
      'account_concurrency_limit',
    ]) {
      expect(m).toContain(`# TYPE busybench_mock_${gauge} gauge`);
    }
  });

  it('keeps buckets cumulative and consistent with the count', async () => {
    const m = await scrape(mock.url);
    const buckets = m
      .split('\n')
      .filter((l) => l.startsWith('busybench_mock_ttft_seconds_bucket'))
      .map((l) => Number(l.split(' ').at(-1)));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets.at(-1)).toBe(metricValue(m, 'busybench_mock_ttft_seconds_count'));
    // Every served TTFT was 20 ms: all of them fall in the 25 ms bucket, none in the 10 ms one.
    expect(metricValue(m, 'busybench_mock_ttft_seconds_bucket', { le: '0.025' })).toBe(buckets.at(-1));
    expect(metricValue(m, 'busybench_mock_ttft_seconds_bucket', { le: '0.01' })).toBe(0);
  });

  it('has no label with per-request values', async () => {
    const m = await scrape(mock.url);
    expect(m).not.toMatch(/id="|request_id|key="/);
  });
});
