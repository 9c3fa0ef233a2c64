import type { Rng } from '../rng.js';
import { CHARS_PER_WORD_TOKEN } from './tokenizer.js';

// Every word is at most CHARS_PER_WORD_TOKEN letters, so each one is exactly one token.
const WORDS = (
  'the a of to and in that is for it as with was on be by this are from at or an which have not ' +
  'model token stream server queue busy retry load limit rate error reply answer prompt cache node ' +
  'quick steady calm under over after before again always never often window burst budget ' +
  'signal metric sample window step phase spike surge peak quiet night day hour minute second ' +
  'clear simple honest exact fast slow large small early late first last next other every ' +
  'system client proxy route health check trace batch chunk frame bytes socket timer'
)
  .split(' ')
  .filter((w) => w.length > 0 && w.length <= CHARS_PER_WORD_TOKEN);

const REASONING_OPENERS = ['First', 'So', 'Then', 'Now', 'Wait', 'Hmm', 'Next'];

/**
 * Deterministic text of exactly `tokens` tokens, as an array of pieces (one per token) so a
 * stream can send them one by one. Sentences end with a period, which is a token of its own.
 */
export function generateTokens(rng: Rng, tokens: number, reasoning = false): string[] {
  const pieces: string[] = [];
  let sentenceLeft = 0;
  while (pieces.length < tokens) {
    const leftInText = tokens - pieces.length;
    if (sentenceLeft === 0) {
      sentenceLeft = rng.int(6, 14);
      const opener = reasoning
        ? (REASONING_OPENERS[rng.int(0, REASONING_OPENERS.length - 1)] as string)
        : capitalise(pick(rng));
      pieces.push(pieces.length === 0 ? opener : ` ${opener}`);
      continue;
    }
    // Close the sentence when its length is reached, or when one token is left for the period.
    if (sentenceLeft === 1 || leftInText === 1) {
      pieces.push('.');
      sentenceLeft = 0;
      continue;
    }
    pieces.push(` ${pick(rng)}`);
    sentenceLeft--;
  }
  return pieces;
}

function pick(rng: Rng): string {
  return WORDS[rng.int(0, WORDS.length - 1)] as string;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
