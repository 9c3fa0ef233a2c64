import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import { chat, HELLO, metricValue, scrape, startMock, type TestMock } from '../helpers/mock.js';

/**
 * overlays/autoscaled against the mock itself: the series prometheus-adapter's rule reads is one
 * the mock exports, and the metric the HPA asks for is the one the rule serves.
 * (deploy/kubernetes/validate checks the rule's queries with PromQL's parser, in Go.)
 */
const DIR = join(packageRoot(), 'deploy', 'kubernetes', 'overlays', 'autoscaled');

interface Rule {
  seriesQuery: string;
  resources: { overrides: Record<string, { resource: string }> };
  name: { matches: string; as: string };
}
const rules = (parse(readFileSync(join(DIR, 'prometheus-adapter.yml'), 'utf8')) as { rules: Rule[] }).rules;
const hpa = parse(readFileSync(join(DIR, 'hpa.yaml'), 'utf8')) as {
  spec: { metrics: Array<{ type: string; pods?: { metric: { name: string } } }> };
};

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());

describe('overlays/autoscaled', () => {
  it('reads a counter the mock exports, counting the requests it answers', async () => {
    expect(rules).toHaveLength(1);
    const series = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{/.exec(rules[0]!.seriesQuery)?.[1];
    expect(series).toBe('busybench_mock_requests_total');
    await chat(mock.url, HELLO);
    await chat(mock.url, HELLO);
    const m = await scrape(mock.url);
    expect(m).toContain(`# TYPE ${series} counter`);
    expect(metricValue(m, series!)).toBe(2);
  });

  it('maps labels Prometheus adds, none the mock sets itself (they would become exported_*)', async () => {
    await chat(mock.url, HELLO);
    const m = await scrape(mock.url);
    const own = new Set(
      m
        .split('\n')
        .filter((l) => l.startsWith('busybench_mock_requests_total{'))
        .flatMap((l) => [...l.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((x) => x[1])),
    );
    expect(own.size).toBeGreaterThan(0);
    for (const label of Object.keys(rules[0]!.resources.overrides)) expect(own.has(label)).toBe(false);
  });

  it("serves the Pods metric the HPA asks for, by the rule's name", () => {
    const rule = rules[0]!;
    expect(new RegExp(rule.name.matches).test('busybench_mock_requests_total')).toBe(true);
    const pods = hpa.spec.metrics.filter((m) => m.type === 'Pods').map((m) => m.pods!.metric.name);
    expect(pods).toEqual([rule.name.as]);
  });
});
