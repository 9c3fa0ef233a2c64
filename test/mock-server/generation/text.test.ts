import { describe, expect, it } from 'vitest';
import { generateTokens } from '../../../mock-server/src/generation/text.js';
import { countTokens } from '../../../mock-server/src/generation/tokenizer.js';
import { Rng } from '../../../mock-server/src/rng.js';

describe('generated text', () => {
  it('has exactly the asked number of tokens, as the tokenizer counts them', () => {
    for (const n of [1, 2, 5, 20, 137]) {
      const pieces = generateTokens(new Rng(n), n);
      expect(pieces).toHaveLength(n);
      expect(countTokens(pieces.join(''))).toBe(n);
    }
  });

  it('is the same for the same seed and differs for another', () => {
    expect(generateTokens(new Rng(3), 30).join('')).toBe(generateTokens(new Rng(3), 30).join(''));
    expect(generateTokens(new Rng(3), 30).join('')).not.toBe(generateTokens(new Rng(4), 30).join(''));
  });

  it('counts prompt text the documented way: word runs by six letters, other marks one each', () => {
    expect(countTokens('Hello, world!')).toBe(4);
    expect(countTokens('internationalization')).toBe(4);
    expect(countTokens('  ')).toBe(0);
    expect(countTokens('你好')).toBe(2);
  });
});
