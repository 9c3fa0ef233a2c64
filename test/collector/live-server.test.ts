import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from '../../collector/src/live-server.js';
import { eventsPathFor, RunEvents } from '../../collector/src/run-events.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { chat, HELLO, startMock, type TestMock, untilInFlight } from '../helpers/mock.js';

let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('the collector at the end of a run', () => {
  it("settles only once the upstream's last answer is counted, and scrapes then", async () => {
    // One answer that takes 600 ms to generate, 10 tokens at a dollar a token.
    mock = await startMock({
      models: { prices: { 'deepseek-v4-flash': { cacheHit: 0, cacheMiss: 0, output: 1e6 } } },
      behaviour: {
        latency: { ttft: { type: 'fixed', ms: 600 }, interToken: { type: 'fixed', ms: 0 } },
        output: { minTokens: 10, maxTokens: 10, reasoningTokens: 0 },
      },
    });
    const results = join(mkdtempSync(join(tmpdir(), 'busybench-settle-')), 'results.json');
    const collector = createCollector({
      results,
      runId: 'settle',
      sla: DEFAULT_SLA,
      upstream: [mock.url],
      scrapeEveryMs: 60_000,
    });
    try {
      await collector.scrapeNow();
      const answer = chat(mock.url, { ...HELLO, thinking: { type: 'disabled' } });
      await untilInFlight(mock.url, 1);
      // A scrape while the answer is being generated has none of its tokens: the mock charges
      // an answer when it goes out. This is what a fixed wait read on a busy machine.
      await collector.scrapeNow();
      const settled = await collector.settle();
      expect((await answer).json().usage.completion_tokens).toBe(10);
      expect(settled).toMatchObject({ busy: 0, unanswered: [] });
      expect(settled?.waitedMs).toBeGreaterThan(300);
      const scrapes = RunEvents.load(eventsPathFor(results)).events.upstreamCounts;
      expect(scrapes.map((s) => [s.attempts, s.tokens, s.costUsd])).toEqual([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [1, 10, 10],
      ]);
      // In time order, as the timeline needs them.
      expect(scrapes.map((s) => s.time)).toEqual([...scrapes.map((s) => s.time)].sort((a, b) => a - b));
    } finally {
      await collector.stop();
    }
  });
});
