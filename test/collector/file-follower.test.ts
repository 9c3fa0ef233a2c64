import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFollower } from '../../collector/src/file-follower.js';

describe('FileFollower', () => {
  it('hands over each complete line once, keeping a half-written line until its newline', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'busybench-follow-')), 'r.json');
    const seen: string[] = [];
    const f = new FileFollower(path, (l) => seen.push(l));
    expect(f.poll()).toBe(0); // not there yet
    writeFileSync(path, 'one\ntw');
    f.poll();
    expect(seen).toEqual(['one']);
    appendFileSync(path, 'o\nthree\n');
    f.poll();
    f.poll();
    expect(seen).toEqual(['one', 'two', 'three']);
  });

  it('starts over when the file is replaced, and flushes a last line without newline on stop', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'busybench-follow-')), 'r.json');
    const seen: string[] = [];
    const f = new FileFollower(path, (l) => seen.push(l));
    writeFileSync(path, 'a long first line\n');
    f.poll();
    writeFileSync(path, 'new\n');
    f.poll();
    appendFileSync(path, 'cut');
    f.stop();
    expect(seen).toEqual(['a long first line', 'new', 'cut']);
  });
});
