import { MockError } from '../mock-server/src/errors.js';
import { EXIT_BAD_INPUT, EXIT_CODES, EXIT_RUN_FAILED, isErrorCode } from './exit-codes.js';

export { EXIT_BAD_INPUT, EXIT_RUN_FAILED } from './exit-codes.js';

/** Prints an error the way the CLI always does (one line per problem) and exits. */
export function fail(err: unknown): never {
  if (err instanceof MockError) {
    process.stderr.write(`busybench: ${err.describe()}\n`);
    process.exit(EXIT_CODES[err.code]);
  }
  if (err instanceof UsageError) {
    const lines = err.problems.length > 0 ? `:\n${err.problems.map((p) => `  - ${p}`).join('\n')}` : '';
    process.stderr.write(`busybench: ${err.message}${lines}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  // Errors with a stable code (any component's table) are expected failures: one line, and the
  // exit code the table gives them.
  const code = (err as { code?: unknown })?.code;
  if (isErrorCode(code)) {
    const problems = (err as { problems?: readonly string[] }).problems ?? [];
    const lines = problems.map((p) => `\n  - ${p}`).join('');
    process.stderr.write(`busybench: ${(err as Error).message} (${code})${lines}\n`);
    process.exit(EXIT_CODES[code]);
  }
  // Another library's coded error (fastify's FST_ERR_*, undici's UND_ERR_*): one line too.
  if (typeof code === 'string' && /^[A-Z]+_ERR_/.test(code)) {
    process.stderr.write(`busybench: ${(err as Error).message} (${code})\n`);
    process.exit(/_ERR_(BAD|UNKNOWN|INVALID)/.test(code) ? EXIT_BAD_INPUT : EXIT_RUN_FAILED);
  }
  process.stderr.write(`busybench: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(EXIT_RUN_FAILED);
}

/** Bad flags or arguments of a command (exit 2), one line per problem when there are several. */
export class UsageError extends Error {
  override name = 'UsageError';

  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}
