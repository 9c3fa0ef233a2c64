import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertLoopback, isLoopbackAddress, isLoopbackUrl } from '../../loadtests/guard.js';
import { checkLoopbackTarget } from '../../loadtests/target-check.js';

/** Answers from a table; any other name fails the test, so nothing ever reaches real DNS. */
const NAMES: Readonly<Record<string, string[]>> = {
  localhost: ['127.0.0.1', '::1'],
  'good.test': ['127.0.0.1'],
  'v6only.test': ['0:0:0:0:0:0:0:1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'evil.example': ['10.1.2.3'],
  'mixed.example': ['127.0.0.1', '10.0.0.1'],
  'mixed6.example': ['::1', '2001:db8::1'],
  'mappedremote.example': ['::ffff:10.0.0.1'],
  '127.0.0.1.evil.example': ['10.1.2.3'],
  'localhost.evil.example': ['10.1.2.3'],
  'localhost.': ['127.0.0.1'],
  'empty.example': [],
  'garbage.example': ['not-an-ip'],
  v1: ['10.1.2.4'],
};
const fakeLookup = vi.fn(async (host: string): Promise<string[]> => {
  const addresses = NAMES[host];
  if (host === 'nxdomain.example') throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  if (addresses === undefined) throw new Error(`test looked up unexpected name ${host}`);
  return addresses;
});

afterEach(() => {
  fakeLookup.mockClear();
  vi.unstubAllGlobals();
});

/** URLs whose host is a loopback literal (or `localhost`): allowed by both checks. */
const LOOPBACK_LITERALS = [
  'http://127.0.0.1:8000',
  'http://127.9.9.9',
  'https://127.0.0.1:8443/v1',
  'HTTP://127.0.0.1/',
  'http://[::1]:8000',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://2130706433/', // decimal
  'http://0177.0.0.1/', // octal
  'http://0x7f.1/', // hex, two parts
  'http://0X7F000001/',
  'http://127.1/',
  'http://user:pw@127.0.0.1/',
  'http://127.0.0.1#@10.0.0.1/', // '@' in the fragment is not userinfo
  'http://127.0.0.1?@10.0.0.1/',
  'http://localhost:8080/v1',
  'http://LOCALHOST/',
];

/** URLs the literal check refuses and the resolving check refuses too, with the address it names. */
const REMOTE: readonly (readonly [string, string])[] = [
  ['http://localhost:8000@10.1.2.3:8000', '10.1.2.3'], // userinfo read as host by the old regex
  ['http://127.0.0.1@localhost@10.0.0.1/', '10.0.0.1'],
  ['http://10.0.0.5:8000', '10.0.0.5'],
  ['https://api.deepseek.com', 'api.deepseek.com'],
  ['http://167772161/', '10.0.0.1'], // decimal 10.0.0.1
  ['http://012.0.0.1/', '10.0.0.1'], // octal
  ['http://0xa.1/', '10.0.0.1'], // hex
  ['http://0.0.0.0/', '0.0.0.0'],
  ['http://[::]/', '::'],
  ['http://[::ffff:10.0.0.1]/', '::ffff:a00:1'],
  ['http://[::127.0.0.1]/', '::7f00:1'], // IPv4-compatible is not loopback
  ['http://[2001:db8::1]:8000/', '2001:db8::1'],
  ['http://[fe80::1%25eth0]/', 'fe80::1'],
  ['http://evil.example/', '10.1.2.3'],
  ['http://mixed.example/', '10.0.0.1'],
  ['http://mixed6.example/', '2001:db8::1'],
  ['http://mappedremote.example/', '::ffff:10.0.0.1'],
  ['http://127.0.0.1.evil.example/', '10.1.2.3'],
  ['http://localhost.evil.example/', '10.1.2.3'],
  ['http://nxdomain.example/', 'ENOTFOUND'],
  ['http://empty.example/', 'no address'],
  ['http://garbage.example/', 'not-an-ip'],
  ['http:///v1', '10.1.2.4'], // URL skips the extra slash: the host is v1
];

/** Not an http(s) URL with a host. */
const NOT_HTTP = [
  'ftp://127.0.0.1/',
  'file:///etc/passwd',
  'ws://127.0.0.1/',
  'javascript:alert(1)',
  '//127.0.0.1/',
  'http://',
  'http://:8000/',
  'not a url',
  '',
  'http://256.0.0.1/', // ends in a number but is no IPv4: URL refuses to parse it
];

describe('isLoopbackUrl (literal only)', () => {
  it.each(LOOPBACK_LITERALS)('allows %s', (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });
  it.each(REMOTE.map(([url]) => url))('refuses %s', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
  it.each(NOT_HTTP)('refuses %j', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
  it.each(['http://good.test/', 'http://localhost./', 'http://127.0.0.1.nip.io/'])(
    'refuses a name other than localhost: %s',
    (url) => {
      expect(isLoopbackUrl(url)).toBe(false);
    },
  );
});

describe('isLoopbackUrl without a global URL (k6)', () => {
  const noUrl = (): void => {
    vi.stubGlobal('URL', undefined);
  };
  it.each([
    'http://127.0.0.1:8000',
    'https://127.0.0.1:8443/v1',
    'HTTP://127.9.9.9/',
    'http://[::1]:8000',
    'http://[::1%25lo]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://user:pw@127.0.0.1/',
    'http://a@b@127.0.0.1/',
    'http://127.0.0.1#@10.0.0.1/',
    'http://127.0.0.1?@10.0.0.1/',
    'http://localhost:8080/v1',
    'http://LocalHost/',
  ])('allows %s', (url) => {
    noUrl();
    expect(isLoopbackUrl(url)).toBe(true);
  });
  it.each([
    ...REMOTE.map(([url]) => url),
    ...NOT_HTTP,
    // Odd spellings are refused: the client behind k6 may resolve them as names.
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://127.0.0.1./',
    'http://%6cocalhost/',
    'http://127.0.0.1:8000\\@10.1.2.3/',
    'http://127.0.0.1:80x/',
    'http://[::1/',
    'http://[::1]x/',
    'http://[1::2::3]/',
  ])('refuses %j', (url) => {
    noUrl();
    expect(isLoopbackUrl(url)).toBe(false);
  });
});

describe('assertLoopback', () => {
  it('passes loopback and anything with allowRemote', () => {
    expect(() => assertLoopback('http://127.0.0.1:8000', false)).not.toThrow();
    expect(() => assertLoopback('http://localhost:8000@10.1.2.3:8000', true)).not.toThrow();
  });
  it.each(REMOTE.map(([url]) => url))('throws for %s', (url) => {
    expect(() => assertLoopback(url, false)).toThrow(/^refusing to load .*: it is not a loopback address/);
  });
  it('says how to override', () => {
    expect(() => assertLoopback('http://167772161/', false)).toThrow(
      'refusing to load http://167772161/: it is not a loopback address (127.0.0.0/8, localhost, ::1). ' +
        "Load tests fire thousands of requests a second; pass --allow-remote to busybench load (the plan's allowRemote) only if you mean to load that host.",
    );
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.255', true],
    ['::1', true],
    ['0:0::1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:7F00:1', true],
    ['::1%lo', true],
    ['128.0.0.1', false],
    ['126.255.255.255', false],
    ['0127.0.0.1', false],
    ['127.0.0.256', false],
    ['127.0.0', false],
    ['::2', false],
    ['::ffff:10.0.0.1', false],
    ['::127.0.0.1', false],
    ['1::1', false],
    ['localhost', false],
    ['', false],
  ])('%s → %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe('checkLoopbackTarget', () => {
  it.each(LOOPBACK_LITERALS)('allows %s', async (url) => {
    await expect(checkLoopbackTarget(url, false, fakeLookup)).resolves.toBeNull();
  });

  it.each(['http://good.test:8000/', 'http://v6only.test/', 'http://mapped.test/', 'http://localhost./'])(
    'allows a name that resolves only to loopback: %s',
    async (url) => {
      await expect(checkLoopbackTarget(url, false, fakeLookup)).resolves.toBeNull();
      expect(fakeLookup).toHaveBeenCalledTimes(1);
    },
  );

  it('resolves localhost too', async () => {
    await checkLoopbackTarget('http://localhost:8000', false, fakeLookup);
    expect(fakeLookup).toHaveBeenCalledWith('localhost');
  });

  it.each(REMOTE)('refuses %s, naming %s', async (url, named) => {
    const problem = await checkLoopbackTarget(url, false, fakeLookup);
    expect(problem).toContain(named);
    expect(problem).toContain('--allow-remote');
    expect(problem).not.toContain('\n');
  });

  it.each(NOT_HTTP)('refuses %j', async (url) => {
    const problem = await checkLoopbackTarget(url, false, fakeLookup);
    expect(problem).toMatch(/not an http\(s\) URL with a host.*--allow-remote/);
    expect(fakeLookup).not.toHaveBeenCalled();
  });

  it('never resolves an IP literal', async () => {
    await checkLoopbackTarget('http://167772161/', false, fakeLookup);
    await checkLoopbackTarget('http://[::1]/', false, fakeLookup);
    expect(fakeLookup).not.toHaveBeenCalled();
  });

  it('allows anything, unresolved, with allowRemote', async () => {
    await expect(checkLoopbackTarget('https://evil.example/', true, fakeLookup)).resolves.toBeNull();
    await expect(checkLoopbackTarget('ftp://x/', true, fakeLookup)).resolves.toBeNull();
    expect(fakeLookup).not.toHaveBeenCalled();
  });

  it('masks a password in the message', async () => {
    const problem = await checkLoopbackTarget('http://user:hunter2@10.0.0.1/', false, fakeLookup);
    expect(problem).toContain('10.0.0.1');
    expect(problem).not.toContain('hunter2');
  });

  it('uses the system resolver by default, which literals never reach', async () => {
    await expect(checkLoopbackTarget('http://127.0.0.1:8000', false)).resolves.toBeNull();
    await expect(checkLoopbackTarget('http://0x7f.1/', false)).resolves.toBeNull();
    await expect(checkLoopbackTarget('http://167772161/', false)).resolves.toContain('10.0.0.1');
  });
});
