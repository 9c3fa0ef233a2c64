import { MockError } from '../mock-server/src/errors.js';

/** Exit codes of the CLI: 1 for a failed run, 2 for bad input (flags, config, scenario). */
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Prints an error the way the CLI always does (one line per problem) and exits. */
export function fail(err: unknown): never {
  if (err instanceof MockError) {
    process.stderr.write(`busybench: ${err.describe()}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  if (err instanceof UsageError) {
    const lines = err.problems.length > 0 ? `:\n${err.problems.map((p) => `  - ${p}`).join('\n')}` : '';
    process.stderr.write(`busybench: ${err.message}${lines}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  // Errors with a stable code (the stack's, the collector's) are expected failures: one line.
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[A-Z]+_ERR_/.test(code)) {
    const problems = (err as { problems?: readonly string[] }).problems ?? [];
    const lines = problems.map((p) => `\n  - ${p}`).join('');
    process.stderr.write(`busybench: ${(err as Error).message} (${code})${lines}\n`);
    // Bad options and unknown names are bad input; the rest failed while running.
    process.exit(/_ERR_(BAD|UNKNOWN|INVALID)/.test(code) ? EXIT_BAD_INPUT : EXIT_RUN_FAILED);
  }
  process.stderr.write(`busybench: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(EXIT_RUN_FAILED);
}

export class UsageError extends Error {
  override name = 'UsageError';

  /** One line per problem, when there are several. */
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}
