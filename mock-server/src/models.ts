/**
 * The model catalogue: current and older names as clients still send them, what each does
 * (thinking), its concurrency ceiling per account, and its price.
 */
export type ConcurrencyGroup = 'pro' | 'flash';

export interface ModelInfo {
  readonly id: string;
  /** Thinking by default (deepseek-reasoner); others think only when asked. */
  readonly thinksByDefault: boolean;
  readonly group: ConcurrencyGroup;
  /** USD per million tokens. */
  readonly price: { readonly cacheHit: number; readonly cacheMiss: number; readonly output: number };
  readonly created: number;
}

const FLASH_PRICE = { cacheHit: 0.028, cacheMiss: 0.28, output: 0.42 };
const PRO_PRICE = { cacheHit: 0.14, cacheMiss: 1.74, output: 3.48 };
const CREATED = 1_767_225_600; // 2026-01-01

export const MODELS: readonly ModelInfo[] = [
  { id: 'deepseek-flash', thinksByDefault: false, group: 'flash', price: FLASH_PRICE, created: CREATED },
  { id: 'deepseek-v4-pro', thinksByDefault: false, group: 'pro', price: PRO_PRICE, created: CREATED },
  { id: 'deepseek-v4-flash', thinksByDefault: false, group: 'flash', price: FLASH_PRICE, created: CREATED },
  { id: 'deepseek-chat', thinksByDefault: false, group: 'flash', price: FLASH_PRICE, created: CREATED },
  { id: 'deepseek-reasoner', thinksByDefault: true, group: 'flash', price: FLASH_PRICE, created: CREATED },
];

/** DeepSeek's documented in-flight ceilings per account, summed over all its keys. */
export const CONCURRENCY_CEILING: Readonly<Record<ConcurrencyGroup, number>> = { pro: 500, flash: 2500 };

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: unknown): ModelInfo | undefined {
  return typeof id === 'string' ? BY_ID.get(id) : undefined;
}

/** Models listed by GET /models: the current names, as the real endpoint lists them. */
export const LISTED_MODELS = MODELS.filter((m) => m.id === 'deepseek-flash' || m.id === 'deepseek-v4-pro');

/** USD cost of one request. */
export function costOf(model: ModelInfo, hit: number, miss: number, output: number): number {
  return (hit * model.price.cacheHit + miss * model.price.cacheMiss + output * model.price.output) / 1e6;
}
