import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { goBinary } from '../../common/go-binary.js';

describe('goBinary', () => {
  it('builds (or finds) each Go program, and the binary runs', () => {
    for (const program of ['engine', 'frame'] as const) {
      const bin = goBinary(program);
      expect(bin).toMatch(program === 'engine' ? /busybench-engine$/ : /busybench-frame$/);
      // Both refuse a flag they do not know with their usage on stderr: proof the file is the program.
      const run = spawnSync(bin as string, ['--no-such-flag'], { encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/no-such-flag/);
    }
  }, 300_000);
});
