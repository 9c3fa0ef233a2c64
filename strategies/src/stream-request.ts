/**
 * Whether a request body asks for a stream, read as JSON reads it: the top-level object's
 * `stream` member is `true` (the last one, where a key repeats, as JSON.parse keeps it). The
 * words `"stream": true` inside a prompt are a string, not the member (a regex took them for
 * it). Scanned rather than parsed whole: only the top level is walked, strings skipped with
 * `indexOf`, so a 100 000-token prompt costs a few scans for its quotes, not an object tree.
 * A body that is not a JSON object asks for no stream (the upstream answers it 400). A key
 * spelled with escapes (`"str\u0065am"`) is not recognised: such a request is forwarded as
 * non-streaming, and whatever streams back is still forwarded as a stream (never cached: it
 * is not a JSON answer).
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function asksForStream(body: Buffer): boolean {
  let i = skipSpace(body, 0);
  if (body[i] !== 0x7b) return false;
  let stream = false;
  i = skipSpace(body, i + 1);
  if (body[i] === 0x7d) return false;
  for (;;) {
    if (body[i] !== QUOTE) return false;
    const end = stringEnd(body, i);
    if (end < 0) return false;
    const isStream = end - i - 1 === 6 && body.toString('latin1', i + 1, end) === 'stream';
    i = skipSpace(body, end + 1);
    if (body[i] !== 0x3a) return false;
    i = skipSpace(body, i + 1);
    const valueEnd = skipValue(body, i);
    if (valueEnd < 0) return false;
    if (isStream) stream = body.toString('latin1', i, valueEnd) === 'true';
    i = skipSpace(body, valueEnd);
    if (body[i] === 0x7d) return stream;
    if (body[i] !== 0x2c) return false;
    i = skipSpace(body, i + 1);
  }
}

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length) {
    const c = b[i] as number;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** The index of the quote that closes the string opening at `i`; -1 if it never closes. */
function stringEnd(b: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, from);
    if (q < 0) return -1;
    let slashes = 0;
    while (b[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
    from = q + 1;
  }
}

/** Where the value starting at `i` ends (the index after it); -1 if it is cut or unbalanced. */
function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) {
    const end = stringEnd(b, i);
    return end < 0 ? -1 : end + 1;
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < b.length) {
      const d = b[i] as number;
      if (d === QUOTE) {
        const end = stringEnd(b, i);
        if (end < 0) return -1;
        i = end + 1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  // A number or a literal (true, false, null): up to the next delimiter.
  const start = i;
  while (i < b.length) {
    const d = b[i] as number;
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    i++;
  }
  return i > start ? i : -1;
}
