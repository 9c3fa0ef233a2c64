/**
 * An approximate tokenizer, used the same way for prompts and for generated text so that usage
 * numbers are consistent with the text served. Rule: a run of ASCII letters/digits counts
 * ceil(len / 6) tokens (about one per English word, near DeepSeek's "1 char ≈ 0.3 token"), any
 * other non-space character counts one. It is not DeepSeek's BPE, and does not claim to be.
 */
export const CHARS_PER_WORD_TOKEN = 6;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

export function countTokens(text: string): number {
  let tokens = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isWordChar(c)) {
      run++;
      continue;
    }
    if (run > 0) {
      tokens += Math.ceil(run / CHARS_PER_WORD_TOKEN);
      run = 0;
    }
    if (!isSpace(c)) tokens++;
  }
  if (run > 0) tokens += Math.ceil(run / CHARS_PER_WORD_TOKEN);
  return tokens;
}

/** Chat template overhead per message (role markers), as real tokenizers add. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
