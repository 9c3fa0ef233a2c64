import { afterEach, describe, expect, it } from 'vitest';
import { scrape } from '../helpers/mock.js';
import { closeAll, fire, startProxy, testMock } from './strategy-helpers.js';

afterEach(closeAll);

/** The frame's own cost (strategies/src/frame-cost.ts), what `busybench run` says beside its figures. */
describe("the frame's cost meter", () => {
  it("counts the frame's own work a request and samples its event loop (the cost `run` says)", async () => {
    const mock = await testMock();
    const proxy = await startProxy('passthrough', {}, [mock.url]);
    const bucket = (text: string, name: string) =>
      Number(new RegExp(`^${name}\\{le="\\+Inf"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const before = await scrape(proxy.url);
    await fire(proxy.url, 20, 4);
    const after = await scrape(proxy.url);
    const own = 'busybench_strategy_frame_own_seconds_bucket';
    expect(bucket(after, own) - bucket(before, own)).toBe(20);
    expect(bucket(after, 'busybench_strategy_event_loop_delay_seconds_bucket')).toBeGreaterThan(0);
  });
});
