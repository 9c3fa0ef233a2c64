/**
 * DeepSeek's context caching, modelled: the longest prefix of a prompt, in 64-token units, with
 * which an earlier prompt of the same scope (the account, or the account and user_id) also
 * began is a cache hit (prompt-prefix.ts hashes the boundaries). The boundaries are kept in a
 * bounded LRU, so memory stays flat whatever the run length.
 */
import { hashString } from '../rng.js';
import { CACHE_UNIT_TOKENS, type PromptShape } from './prompt-prefix.js';

/**
 * A million units is 64 million tokens of distinct prefixes (about 60 MB of keys): a whole
 * replay of the Azure conversation trace (22 million prompt tokens) or of the first 1 000
 * Mooncake rows (12 million) fits without one eviction.
 */
export const DEFAULT_MAX_UNITS = 1_000_000;

const TWO_21 = 2 ** 21;

export class PromptCache {
  private current = new Map<number, true>();
  private previous = new Map<number, true>();

  constructor(private readonly maxUnits = DEFAULT_MAX_UNITS) {}

  /** Tokens of the prompt served from cache; remembers every unit of it for later prompts. */
  lookup(scope: string, prompt: PromptShape): number {
    const s = hashString(scope, 0x2545f491);
    const keys = prompt.boundaries.map((b) => ((Math.floor(b / TWO_21) ^ s) >>> 0) * TWO_21 + (b % TWO_21));
    let hit = 0;
    while (hit < keys.length && this.has(keys[hit] as number)) hit++;
    for (const key of keys) this.use(key);
    return hit * CACHE_UNIT_TOKENS;
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }

  private has(key: number): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  /** A unit used now: into the current generation; a full one becomes the previous. */
  private use(key: number): void {
    if (this.current.has(key)) return;
    this.current.set(key, true);
    if (this.current.size >= Math.max(1, Math.floor(this.maxUnits / 2))) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}
