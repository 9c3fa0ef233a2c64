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
  /** A token file (`--token-file` and the like) that cannot be read or holds no usable token. */
  BAD_TOKEN_FILE: 'KIT_ERR_BAD_TOKEN_FILE',
} as const;

/** The codes of a component's table. */
export type CodeOf<Table> = Table[keyof Table];

export type KitErrorCode = CodeOf<typeof KitErrorCodes>;

/**
 * An error with a stable code from its component's table, and one line per problem so that
 * every problem is reported at once. Each component's error is one of these with its own codes.
 */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class KitError extends CodedError<KitErrorCode> {}
