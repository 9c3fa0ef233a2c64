/**
 * Errors of the kit, with stable codes. Each component has its own table like this one; the CLI
 * maps every code of every table to an exit code (cli/exit-codes.ts).
 */
export const KitErrorCodes = {
  /** A duration that is not one ("30s", "2m", "250ms", or a number of milliseconds). */
  BAD_DURATION: 'KIT_ERR_BAD_DURATION',
  /** A YAML or JSON file that cannot be read or parsed. */
  FILE_UNREADABLE: 'KIT_ERR_FILE_UNREADABLE',
  /** An SLA file that does not hold an SLA (every problem listed). */
  SLA_INVALID: 'KIT_ERR_SLA_INVALID',
} as const;

export type KitErrorCode = (typeof KitErrorCodes)[keyof typeof KitErrorCodes];

export class KitError extends Error {
  constructor(
    readonly code: KitErrorCode,
    message: string,
    /** One line per problem, so that every one is reported at once. */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'KitError';
  }
}
