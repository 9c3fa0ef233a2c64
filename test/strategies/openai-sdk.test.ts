import { afterEach, describe, expect, it } from 'vitest';
import { attempts, closeAll, fire, share, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

describe("the openai SDK's built-in retries, as a strategy", () => {
  it('retries 30 % 503 twice by default: ~97 % success at ~1.4 attempts, counted on both sides', async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 0.3 } } } });
    const proxy = await startProxy('openai-sdk', {}, [mock.url]);
    const answers = await fire(proxy.url, 300, 10);
    // 1 − 0.3³ = 97.3 %; 1 + 0.3 + 0.09 = 1.39 attempts.
    expect(share(answers, 200)).toBeGreaterThan(0.94);
    const upstream = await attempts(mock.url);
    expect(upstream / answers.length).toBeGreaterThan(1.28);
    expect(upstream / answers.length).toBeLessThan(1.5);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    const counted = [
      ...metrics.matchAll(/busybench_strategy_upstream_attempts_total\{[^}]*\} (\d+)/g),
    ].reduce((n, m) => n + Number(m[1]), 0);
    expect(counted).toBe(upstream);
    // What still failed reaches the client in DeepSeek's shape.
    const failed = answers.find((a) => a.status === 503);
    if (failed) expect(JSON.parse(failed.body).error.type).toBe('service_unavailable_error');
  });

  it('streams through the SDK: every frame and [DONE] arrive', async () => {
    const mock = await testMock();
    const proxy = await startProxy('openai-sdk', {}, [mock.url]);
    const [a] = await fire(proxy.url, 1, 1, {
      body: { model: 'deepseek-v4-flash', stream: true, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(a?.status).toBe(200);
    expect(a?.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(a?.body.split('\n\n').filter((f) => f.startsWith('data: {')).length).toBeGreaterThan(3);
  });
});
