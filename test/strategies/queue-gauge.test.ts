import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_GAUGE as COLLECTOR_READS } from '../../collector/src/strategy-queue.js';
import { QUEUE_GAUGE } from '../../strategies/src/strategy.js';
import { HELLO, KEY, metricValue, scrape } from '../helpers/mock.js';
import { closeAll, FRAMES, fire, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

/** Answers that take 400 ms: requests over a strategy's limit wait in its queue meanwhile. */
const slow = { behaviour: { latency: { ttft: { type: 'fixed', ms: 400 } } } };

/**
 * `n` requests sent at once; the queue gauge read every 50 ms while they are under way (its
 * highest reading: a loaded machine may take a while to get them all in), then after.
 */
async function queuedWhileBusy(url: string, n: number, headers: Record<string, string> = {}) {
  const answers = Array.from({ length: n }, () =>
    fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
      body: JSON.stringify(HELLO),
    }).then((r) => r.text()),
  );
  let done = false;
  const all = Promise.all(answers).then(() => {
    done = true;
  });
  let during = 0;
  while (!done) {
    during = Math.max(during, metricValue(await scrape(url), QUEUE_GAUGE));
    await new Promise((r) => setTimeout(r, 50));
  }
  await all;
  const after = metricValue(await scrape(url), QUEUE_GAUGE);
  return { during, after };
}

/**
 * One gauge name for every strategy's queue (the collector's SLA queue line reads it): the
 * requests over the limit are in it while they wait, none once they are answered.
 */
describe.each(FRAMES)('the common queue gauge (busybench_strategy_queue_length) (%s frame)', (frame) => {
  it('is the name the collector reads', () => expect(COLLECTOR_READS).toBe(QUEUE_GAUGE));

  it('bulkhead: the requests over its limit', async () => {
    const mock = await testMock(slow);
    const proxy = await startProxy('bulkhead', { limit: '2', queue: '50' }, [mock.url], { frame });
    expect(await queuedWhileBusy(proxy.url, 7)).toEqual({ during: 5, after: 0 });
  });

  it('priority: the waiters of every class', async () => {
    const mock = await testMock(slow);
    const proxy = await startProxy('priority', { limit: '2', reserve: '0', p3Free: '0' }, [mock.url], {
      frame,
    });
    expect(await queuedWhileBusy(proxy.url, 6, { 'x-priority': 'P2' })).toEqual({ during: 4, after: 0 });
  });

  it('rate-limit: the requests waiting for their turn', async () => {
    const mock = await testMock();
    const proxy = await startProxy('rate-limit', { rps: '2', burst: '1', maxWaitMs: '5000' }, [mock.url], {
      frame,
    });
    // One passes at once; the next two wait 0.5 s and 1 s for their tokens.
    expect(await queuedWhileBusy(proxy.url, 3)).toEqual({ during: 2, after: 0 });
  });

  it("a chain's queue is its links' together; a strategy that queues nothing shows 0", async () => {
    const mock = await testMock(slow);
    const chain = await startProxy(
      'retry+bulkhead',
      { 'bulkhead.limit': '1', 'bulkhead.queue': '9' },
      [mock.url],
      { frame },
    );
    expect(await queuedWhileBusy(chain.url, 4)).toEqual({ during: 3, after: 0 });
    const passthrough = await startProxy('passthrough', {}, [mock.url], { frame });
    await fire(passthrough.url, 2, 2);
    const text = await scrape(passthrough.url);
    expect(text).toMatch(new RegExp(`^${QUEUE_GAUGE}\\{strategy="passthrough"\\} 0$`, 'm'));
  });
});
