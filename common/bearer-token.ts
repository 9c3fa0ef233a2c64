import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KitError, KitErrorCodes } from './errors.js';

/**
 * The least a token may be: 32 characters (the `openssl rand -hex 16` the READMEs show is 32).
 * A shorter one could be guessed by a stranger with time to try.
 */
export const MIN_TOKEN_CHARS = 32;
/** A token file is a line, not a document: anything longer is the wrong file. */
const MAX_TOKEN_FILE_BYTES = 4096;
/** What a header carries as it is: printable ASCII with no space (RFC 6750's b64token and more). */
const TOKEN = /^[\x21-\x7e]+$/;

/**
 * The token in a file (`--token-file`, a mounted Secret): its one line, trailing newline and
 * surrounding spaces removed. Refused with one line naming the file when it cannot be read, is
 * empty or short, holds more than a line, or holds what an HTTP header cannot carry.
 */
export function readTokenFile(path: string, flag: string): string {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw tokenError(`${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (raw.length > MAX_TOKEN_FILE_BYTES)
    throw tokenError(`${flag} ${path}: over ${MAX_TOKEN_FILE_BYTES} bytes; a token file holds one line`);
  const token = raw.toString('utf8').trim();
  if (!TOKEN.test(token))
    throw tokenError(`${flag} ${path}: one line of printable characters without spaces, please`);
  if (token.length < MIN_TOKEN_CHARS)
    throw tokenError(
      `${flag} ${path}: ${token.length} characters; at least ${MIN_TOKEN_CHARS} (e.g. openssl rand -hex 16)`,
    );
  return token;
}

/**
 * Whether an Authorization header carries the token as a bearer. Compared in constant time:
 * both sides are hashed first, so neither the token's length nor where a guess goes wrong shows
 * in how long the answer takes.
 */
export function bearerMatches(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const sent = m?.[1] ?? '';
  return timingSafeEqual(digest(sent), digest(token)) && m !== null;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function tokenError(message: string): KitError {
  return new KitError(KitErrorCodes.BAD_TOKEN_FILE, message);
}
