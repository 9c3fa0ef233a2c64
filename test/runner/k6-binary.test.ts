import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunnerError } from '../../runner/src/errors.js';
import { k6Binary } from '../../runner/src/k6-binary.js';

const NOT_FOUND =
  /^k6 not found: --engine k6 runs the k6 you installed .*busybench does not install k6 \(AGPL\)/;

describe('k6Binary: the user’s own k6, never built', () => {
  let dir: string;
  const saved = { PATH: process.env.PATH, BUSYBENCH_K6: process.env.BUSYBENCH_K6 };

  /** A stand-in `k6` script: found, never run. */
  function fakeK6(where: string, name = 'k6', mode = 0o755): string {
    mkdirSync(where, { recursive: true });
    const path = join(where, name);
    writeFileSync(path, '#!/bin/sh\necho "fake k6 must not run" >&2\nexit 1\n');
    chmodSync(path, mode);
    return path;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'busybench-k6-binary-'));
    delete process.env.BUSYBENCH_K6;
    process.env.PATH = join(dir, 'empty');
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds k6 on PATH, skipping directories without an executable one', () => {
    fakeK6(join(dir, 'a'), 'k6', 0o644);
    const k6 = fakeK6(join(dir, 'b'));
    process.env.PATH = [join(dir, 'missing'), '', join(dir, 'a'), join(dir, 'b')].join(delimiter);
    expect(k6Binary()).toBe(k6);
  });

  it('prefers BUSYBENCH_K6, and --k6 over both', () => {
    fakeK6(join(dir, 'path'));
    process.env.PATH = join(dir, 'path');
    const fromEnv = fakeK6(join(dir, 'env'));
    const explicit = fakeK6(join(dir, 'flag'));
    process.env.BUSYBENCH_K6 = fromEnv;
    expect(k6Binary()).toBe(fromEnv);
    expect(k6Binary(explicit)).toBe(explicit);
  });

  it('looks a bare name given with --k6 up on PATH', () => {
    const mine = fakeK6(join(dir, 'bin'), 'k6-v1');
    process.env.PATH = join(dir, 'bin');
    expect(k6Binary('k6-v1')).toBe(mine);
  });

  it('throws a coded error (exit 2) that says busybench does not install k6 when there is none', () => {
    expect(() => k6Binary()).toThrow(RunnerError);
    expect(() => k6Binary()).toThrow(NOT_FOUND);
    try {
      k6Binary();
    } catch (err) {
      expect((err as Error).message).toBe(
        'k6 not found: --engine k6 runs the k6 you installed (on PATH, or BUSYBENCH_K6=/path/to/k6); busybench does not install k6 (AGPL). The default engine needs nothing: drop --engine k6',
      );
    }
  });

  it('throws the same error, naming the path, for a --k6 or BUSYBENCH_K6 that is not an executable', () => {
    expect(() => k6Binary(join(dir, 'nope', 'k6'))).toThrow(RunnerError);
    expect(() => k6Binary(join(dir, 'nope', 'k6'))).toThrow(/\(--k6 is .*nope\/k6\)$/);
    process.env.BUSYBENCH_K6 = fakeK6(join(dir, 'x'), 'k6', 0o600);
    expect(() => k6Binary()).toThrow(/\(BUSYBENCH_K6 is .*x\/k6\)$/);
    expect(() => k6Binary(dir)).toThrow(NOT_FOUND);
  });
});
