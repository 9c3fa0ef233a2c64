import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-helpers.js';
import { mockProcess, withEngineAndMocks } from '../helpers/mock-process.js';

withEngineAndMocks();

/** Outcome → count over one run's requests, sent in the given API format. */
async function outcomes(api: string): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), `busybench-api-${api}-`));
  const mock = await mockProcess({
    seed: api === 'openai' ? 1 : 2,
    behaviour: {
      limits: { concurrency: { enabled: false } },
      faults: {
        errors: { '429': 0.06, '503': 0.04 },
        stream: { truncate: 0.05, contentFilter: 0.04, insufficientResource: 0.03 },
      },
    },
  });
  const results = join(dir, 'results.ndjson');
  const run = await runCli(
    [
      ...['load', '-t', mock.url, '--api', api, '-p', 'smoke', '-r', '200', '-d', '8s'],
      ...[
        '--stream-ratio',
        '1',
        '--thinking',
        'off',
        '--results',
        results,
        '--summary',
        join(dir, 's.json'),
        '-q',
      ],
    ],
    60_000,
  );
  expect(run.code, run.stderr).toBe(99); // the injected faults break success >= 99.95 %
  await mock.stop();
  const counts = new Map<string, number>();
  for (const line of readFileSync(results, 'utf8').split('\n').filter(Boolean)) {
    const o = JSON.parse(line);
    if (o.type === 'req') counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  }
  return counts;
}

describe('the Anthropic format under load', () => {
  it('reads the same faults as the OpenAI route does: outcome shares equal within binomial bounds', async () => {
    const openai = await outcomes('openai');
    const anthropic = await outcomes('anthropic');
    const n1 = [...openai.values()].reduce((a, b) => a + b, 0);
    const n2 = [...anthropic.values()].reduce((a, b) => a + b, 0);
    expect(n1).toBe(1600);
    expect(n2).toBe(1600);
    // Each fault as its own class, in both formats (streams: both can say every one of them).
    const classes = ['ok', '429', '503', 'truncated', 'filtered', 'aborted'];
    expect([...anthropic.keys()].sort()).toEqual([...classes].sort());
    for (const c of classes) {
      const p1 = (openai.get(c) ?? 0) / n1;
      const p2 = (anthropic.get(c) ?? 0) / n2;
      const p = (p1 * n1 + p2 * n2) / (n1 + n2);
      const bound = 4 * Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
      expect(Math.abs(p1 - p2), `${c}: openai ${p1}, anthropic ${p2}`).toBeLessThan(bound);
    }
  }, 120_000);
});
