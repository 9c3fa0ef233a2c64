/**
 * Reads k6's NDJSON output (`k6 run --out json=…`, what `busybench load --results` writes), one
 * line at a time. Only the samples the collector uses are parsed; a malformed or truncated line
 * (a run killed mid-write) is counted and skipped, never a crash.
 */
export interface Sample {
  readonly metric: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** The metrics the collector aggregates; every other line is skipped before parsing. */
export const USED_METRICS = [
  'busybench_latency',
  'busybench_ttft',
  'busybench_inter_token',
  'dropped_iterations',
] as const;

const MARKERS = USED_METRICS.map((m) => `"metric":"${m}"`);

export type LineResult = { kind: 'sample'; sample: Sample } | { kind: 'skipped' } | { kind: 'malformed' };

export function parseLine(line: string): LineResult {
  if (line.length === 0 || !MARKERS.some((m) => line.includes(m))) return { kind: 'skipped' };
  try {
    const point = JSON.parse(line) as {
      type?: unknown;
      metric?: unknown;
      data?: { time?: unknown; value?: unknown; tags?: unknown };
    };
    // k6 also writes one "Metric" line per metric, describing it.
    if (point.type === 'Metric') return { kind: 'skipped' };
    const time = typeof point.data?.time === 'string' ? Date.parse(point.data.time) : Number.NaN;
    const value = point.data?.value;
    if (typeof point.metric !== 'string' || typeof value !== 'number' || Number.isNaN(time))
      return { kind: 'malformed' };
    const tags = (point.data?.tags && typeof point.data.tags === 'object' ? point.data.tags : {}) as Record<
      string,
      string
    >;
    return { kind: 'sample', sample: { metric: point.metric, time, value, tags } };
  } catch {
    return { kind: 'malformed' };
  }
}
