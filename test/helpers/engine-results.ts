import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The latencies of an engine results file (.gz or not), by step, read independently of the
 * collector: the exact values its histograms are checked against.
 */
export function latenciesByStep(...files: string[]): Map<number, number[]> {
  const byStep = new Map<number, number[]>();
  for (const file of files) {
    const raw = readFileSync(file);
    const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.startsWith('{"type":"req"')) continue;
      const { step, ms } = JSON.parse(line) as { step: number; ms: number };
      const values = byStep.get(step) ?? [];
      values.push(ms);
      byStep.set(step, values);
    }
  }
  return byStep;
}

/** The exact percentile of a list of values (nearest rank). */
export function exactPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
