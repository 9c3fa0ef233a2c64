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

const USED = new Set<string>(USED_METRICS);
const MARKERS = USED_METRICS.map((m) => `"metric":"${m}"`);
const PREFIX = '{"metric":"';

/**
 * Whether a line is about a metric the collector uses. k6's Point lines start with the metric
 * name, so this reads just the name; other shapes (metric descriptions) are searched whole.
 * Most lines are skipped here, so this is the ingest's hot path.
 */
function isUsed(line: string): boolean {
  if (line.startsWith(PREFIX)) {
    const end = line.indexOf('"', PREFIX.length);
    return end > 0 && USED.has(line.slice(PREFIX.length, end));
  }
  return MARKERS.some((m) => line.includes(m));
}

export type LineResult = { kind: 'sample'; sample: Sample } | { kind: 'skipped' } | { kind: 'malformed' };

/**
 * k6 writes every Point line in one fixed shape; reading that shape with one regular expression
 * is several times cheaper than JSON.parse of the whole line. Anything else takes the slow path.
 */
const POINT =
  /^\{"metric":"([^"]+)","type":"Point","data":\{"time":"([^"]+)","value":(-?[\d.eE+-]+),"tags":(\{[^{}]*\})\}\}$/;

export function parseLine(line: string): LineResult {
  if (line.length === 0 || !isUsed(line)) return { kind: 'skipped' };
  const fast = POINT.exec(line);
  if (fast) {
    const time = Date.parse(fast[2] as string);
    const value = Number(fast[3]);
    try {
      const tags = JSON.parse(fast[4] as string) as Record<string, string>;
      if (!Number.isNaN(time) && Number.isFinite(value))
        return { kind: 'sample', sample: { metric: fast[1] as string, time, value, tags } };
    } catch {
      return { kind: 'malformed' };
    }
  }
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
