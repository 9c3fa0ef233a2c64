import { defineConfig } from 'vitest/config';

/**
 * Tests that read timing truth (a fixed 100 ms must read as 100 ms within 2 %) run after all the
 * others, one file at a time: beside the rest of the suite on 2 cores, the scheduler alone adds
 * milliseconds to the latencies they measure.
 */
const TIMING = [
  'test/e2e/collector-truth.test.ts',
  'test/e2e/coordinated-omission.test.ts',
  'test/mock-server/serve/prefill.test.ts',
  // A replica's start delay read off the mock's metrics, 100 ms apart.
  'test/mock-server/busy/autoscale-load.test.ts',
  // Finds a capacity only where the load generator keeps up (late p99 <= 5 ms): beside the
  // suite it did not at 275 req/s, and the search rightly claimed no rate there.
  'test/e2e/capacity-search.test.ts',
];
/**
 * Tests that take both cores for seconds (a trace replayed at 2 800 req/s, a burst of 1 200): beside the suite
 * they would put their load into its timing tests' figures, so they run alone too.
 */
const HEAVY = ['test/e2e/trace-replay.test.ts', 'test/e2e/elastic.test.ts'];
const QUIET = [...TIMING, ...HEAVY];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests start real processes and ports; keep files from starving each other on 2 cores.
    maxWorkers: 2,
    // The CLI speaks the locale's language (--lang defaults to it): the tests that read English
    // output run in an English locale whatever the caller's; the language tests set their own.
    env: { LC_ALL: 'C.UTF-8', LC_MESSAGES: '', LANG: 'C.UTF-8' },
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: QUIET, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'quiet', include: QUIET, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
