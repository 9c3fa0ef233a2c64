import { describe, expect, it } from 'vitest';
import { PromptCache } from '../../../mock-server/src/generation/prompt-cache.js';
import { PrefixReader } from '../../../mock-server/src/generation/prompt-prefix.js';
import { countTokens, MESSAGE_OVERHEAD_TOKENS } from '../../../mock-server/src/generation/tokenizer.js';
import { Rng } from '../../../mock-server/src/rng.js';

/** Text of every kind the tokenizer tells apart: long and short words, digits, punctuation, spaces. */
function randomText(rng: Rng, chars: number): string {
  const pieces = ['the', 'unbelievably', 'a1b2c3d4', ',', '!', ' ', '  ', '\n', 'x', '42', '你', 'é'];
  let text = '';
  while (text.length < chars) text += pieces[Math.floor(rng.next() * pieces.length)];
  return text;
}

function shape(messages: [string, string][], seed = 1) {
  const r = new PrefixReader(seed);
  for (const [role, text] of messages) r.message(role, text);
  return r.shape();
}

describe('a prompt read for the context cache', () => {
  it('counts the tokens the tokenizer counts, overhead per message included', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const messages: [string, string][] = [
        ['system', randomText(rng, Math.floor(rng.next() * 400))],
        ['user', randomText(rng, Math.floor(rng.next() * 2000))],
      ];
      const want = messages.reduce((n, [, t]) => n + countTokens(t) + MESSAGE_OVERHEAD_TOKENS, 0);
      const s = shape(messages);
      expect(s.tokens).toBe(want);
      expect(s.boundaries.length).toBe(Math.floor(want / 64));
    }
  });

  it('gives two prompts the same boundaries exactly as far as their tokens agree', () => {
    const words = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `w${(from + i).toString(36)}`).join(' ');
    // 4 overhead tokens and 300 one-token words, then each its own.
    const a = shape([['user', `${words(0, 300)} ${words(1000, 200)}`]]);
    const b = shape([['user', `${words(0, 300)} ${words(5000, 200)}`]]);
    // Tokens 1..304 agree: boundaries at 64, 128, 192, 256 are shared, 320 not.
    expect(a.boundaries.slice(0, 4)).toEqual(b.boundaries.slice(0, 4));
    expect(a.boundaries[4]).not.toBe(b.boundaries[4]);
    // The model (the seed) and the role are part of the prefix.
    expect(shape([['user', words(0, 300)]], 2).boundaries[0]).not.toBe(a.boundaries[0]);
    expect(shape([['system', words(0, 300)]]).boundaries[0]).not.toBe(a.boundaries[0]);
  });
});

describe('the context cache', () => {
  it('serves the longest prefix seen before in 64-token units, per scope', () => {
    const cache = new PromptCache();
    const text = (n: number, salt: string) => Array.from({ length: n }, (_, i) => `${salt}${i}`).join(' ');
    const first = shape([['user', `${text(600, 'a')}`]]);
    expect(cache.lookup('acct', first)).toBe(0);
    // The same 604 tokens again: 9 whole units.
    expect(cache.lookup('acct', first)).toBe(576);
    // 300 shared words then new ones: 304 shared tokens, 4 whole units.
    const second = shape([['user', `${text(300, 'a')} ${text(300, 'b')}`]]);
    expect(cache.lookup('acct', second)).toBe(256);
    // Another scope (another account, or user_id) shares nothing.
    expect(cache.lookup('other', first)).toBe(0);
    cache.clear();
    expect(cache.lookup('acct', first)).toBe(0);
  });

  it('forgets units not used for a whole generation past its size, and keeps those used again', () => {
    // 20 units: two generations of 10.
    const cache = new PromptCache(20);
    const p = (salt: string) =>
      shape([['user', Array.from({ length: 316 }, (_, i) => `${salt}${i}`).join(' ')]]);
    const [a, b, c] = [p('a'), p('b'), p('c')]; // 5 units each
    cache.lookup('s', a);
    cache.lookup('s', b); // a and b fill a generation: it becomes the previous one
    expect(cache.lookup('s', a)).toBe(320); // a used again: into the current generation
    cache.lookup('s', c); // a and c fill it: b's generation is dropped
    expect(cache.lookup('s', b)).toBe(0);
    expect(cache.lookup('s', c)).toBe(320);
  });
});
