import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerMatches, readTokenFile } from '../../common/bearer-token.js';

const dir = mkdtempSync(join(tmpdir(), 'bb-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'a'.repeat(16) + '0123456789abcdef';

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readTokenFile', () => {
  it('takes one line, its newline and spaces around it removed', () => {
    expect(readTokenFile(file('ok', `  ${TOKEN}\n`), '--token-file')).toBe(TOKEN);
  });

  it.each([
    ['missing', null, /--token-file .*missing: ENOENT/],
    ['empty', '\n', /one line of printable characters/],
    ['two-lines', `${TOKEN}\n${TOKEN}\n`, /one line of printable characters/],
    ['spaced', `${TOKEN} ${TOKEN}`, /one line of printable characters/],
    ['short', 'abc123', /6 characters; at least 32/],
    ['huge', 'x'.repeat(5000), /over 4096 bytes/],
  ])('refuses a %s file with one line naming it', (name, content, message) => {
    const path = content === null ? join(dir, name) : file(name, content);
    let err: unknown;
    try {
      readTokenFile(path, '--token-file');
    } catch (e) {
      err = e;
    }
    expect((err as { code: string }).code).toBe('KIT_ERR_BAD_TOKEN_FILE');
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('bearerMatches', () => {
  it('takes the token as a bearer, the scheme in any case', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    TOKEN,
    `Basic ${TOKEN}`,
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer ${TOKEN}0`,
    `Bearer ${TOKEN} extra`,
    [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`],
  ])('refuses %j', (header) => {
    expect(bearerMatches(header, TOKEN)).toBe(false);
  });
});
