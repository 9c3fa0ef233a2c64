import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../../mock-server/src/generation/tokenizer.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../loadtests/engine/contract/token-vectors.json', import.meta.url), 'utf8'),
) as { vectors: { text: string; tokens: number }[] };

describe('the mock counts tokens as the engine builds prompts', () => {
  it('gives every shared vector its count (the Go engine is held to the same file)', () => {
    expect(vectors.vectors.length).toBeGreaterThan(10);
    for (const v of vectors.vectors)
      expect(countTokens(v.text), JSON.stringify(v.text.slice(0, 40))).toBe(v.tokens);
  });
});
