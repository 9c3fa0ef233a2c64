// Prints vitest's totals as one plain line, "N passed, N failed, N skipped", for CI to read.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.test-results.json';
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  process.stdout.write(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`);
} catch (err) {
  process.stdout.write(`tests: no results in ${file} (${err.message})\n`);
  process.exitCode = 1;
}
