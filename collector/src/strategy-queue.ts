/**
 * The strategy's queue length, read from its /metrics: every strategy of our frame exports
 * `busybench_strategy_queue_length` (0 when it queues nothing). The name is written here, not
 * imported: components talk over HTTP, and this is the contract (strategies/src/strategy.ts's
 * QUEUE_GAUGE; a test holds the two equal).
 */
export const QUEUE_GAUGE = 'busybench_strategy_queue_length';

const LINE = new RegExp(`^${QUEUE_GAUGE}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`);

/** The gauge's value in a Prometheus text (summed over its series); null when it is not there. */
export function queueLengthIn(metricsText: string): number | null {
  let total: number | null = null;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(QUEUE_GAUGE)) continue;
    const m = LINE.exec(line);
    if (m) total = (total ?? 0) + Number(m[1]);
  }
  return total;
}

/**
 * Scrapes each strategy's /metrics once (2 s at most each) and adds their queues; null when
 * none answered with the gauge (a strategy down for a moment is left out, not read as 0).
 */
export async function scrapeQueueLength(metricsUrls: readonly string[]): Promise<number | null> {
  const readings = await Promise.all(
    metricsUrls.map(async (url) => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        return res.ok ? queueLengthIn(await res.text()) : null;
      } catch {
        return null;
      }
    }),
  );
  const seen = readings.filter((r): r is number => r !== null);
  return seen.length === 0 ? null : seen.reduce((a, b) => a + b, 0);
}
