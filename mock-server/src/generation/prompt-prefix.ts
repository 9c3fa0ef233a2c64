/**
 * A prompt read once, as the mock's tokenizer counts it (tokenizer.ts), with a hash of its text
 * at every 64-token boundary: what DeepSeek's context cache matches, in its 64-token units.
 * Two prompts that begin with the same 64·n tokens share their first n boundary hashes.
 */
import { CHARS_PER_WORD_TOKEN, MESSAGE_OVERHEAD_TOKENS } from './tokenizer.js';

/** DeepSeek stores and bills cached prefixes in units of 64 tokens. */
export const CACHE_UNIT_TOKENS = 64;

export interface PromptShape {
  readonly tokens: number;
  /** The prefix's hash at tokens 64, 128, … (53-bit numbers: two 32-bit lanes, for few collisions). */
  readonly boundaries: readonly number[];
  /** The whole prompt's hash (seeds the answer's text). */
  readonly hash: number;
}

const TWO_21 = 2 ** 21;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** Reads messages in order; `shape()` gives the prompt's tokens and boundary hashes. */
export class PrefixReader {
  private h1: number;
  private h2: number;
  private tokens = 0;
  private readonly boundaries: number[] = [];

  constructor(seed: number) {
    this.h1 = (seed ^ 0x811c9dc5) >>> 0;
    this.h2 = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  }

  /** One message: its role markers (the fixed overhead per message), then its text. */
  message(role: string, text: string): void {
    for (let i = 0; i < MESSAGE_OVERHEAD_TOKENS; i++) {
      this.startToken();
      this.mix(i === 0 ? role.length * 31 + (role.charCodeAt(0) || 0) : 0x2000 + i);
    }
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isWordChar(c)) {
        // A run of letters and digits is one token per six characters: a new one every sixth.
        if (run % CHARS_PER_WORD_TOKEN === 0) this.startToken();
        run++;
      } else {
        run = 0;
        if (!isSpace(c)) this.startToken();
      }
      this.mix(c);
    }
  }

  shape(): PromptShape {
    this.boundary();
    return { tokens: this.tokens, boundaries: this.boundaries, hash: (this.h1 ^ this.h2) >>> 0 };
  }

  /** Before token t+1 starts, the text so far is exactly the first t tokens. */
  private startToken(): void {
    this.boundary();
    this.tokens++;
  }

  private boundary(): void {
    const t = this.tokens;
    if (t > 0 && t % CACHE_UNIT_TOKENS === 0 && this.boundaries.length < t / CACHE_UNIT_TOKENS)
      this.boundaries.push((this.h1 >>> 0) * TWO_21 + (this.h2 >>> 11));
  }

  private mix(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 0x01000193);
    this.h2 = Math.imul((this.h2 ^ c) + 0x7f4a7c15, 0x85ebca6b);
    this.h2 ^= this.h2 >>> 15;
  }
}
