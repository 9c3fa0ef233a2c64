import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { RunStats } from './step-stats.js';

/**
 * Feeds a whole k6 NDJSON file (gzip when it ends in .gz) into a run's stats, line by line, in
 * bounded memory. A file cut short (a killed run) ends with a partial line: counted malformed.
 */
export async function ingestFile(path: string, run: RunStats): Promise<void> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) run.ingestLine(line);
}
