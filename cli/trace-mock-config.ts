import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockOutputFor, type TraceInfo } from '../loadtests/trace-plan.js';

/**
 * The mock config of a trace's run (run --trace, compare's trace experiment): every answer exactly
 * as long as its row asks (max_tokens), so output tokens are the trace's; the rest is the mock's
 * default.
 */
export function traceMockConfig(out: string, info: TraceInfo): string {
  const file = join(out, 'trace-mock.json');
  const output = { ...mockOutputFor(info), reasoningTokens: 0 };
  writeFileSync(file, `${JSON.stringify({ behaviour: { output } }, null, 2)}\n`);
  return file;
}
