import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { LineSource } from './runner-view.js';
import type { RunStats } from './step-stats.js';

/**
 * Feeds a whole results file (the engine's NDJSON or k6's; gzip when it ends in .gz) into a run's
 * stats, line by line, in bounded memory. A file cut short (a killed run) keeps everything before
 * the cut: a partial last line is counted malformed, and a gzip stream that ends early ends the
 * reading, not the report.
 * Each file is one generator (its own `source`). Returns whether it was read to a clean end.
 */
export async function ingestFile(
  path: string,
  run: RunStats,
  source: LineSource = { tally: null },
): Promise<{ complete: boolean }> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) run.ingestLine(line, source);
  } catch (err) {
    // A gzip stream that ends early (zlib's "unexpected end of file"): what came before stands.
    if ((err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') return { complete: false };
    throw err;
  }
  return { complete: true };
}
