/**
 * The model catalogue as DeepSeek documents it in late 2026: two V4 models, thinking on by
 * default, and the two retired compatibility aliases, served only when the config says so
 * (`models.aliases: serve`) for set-ups older than their retirement.
 */
import type { MockConfig } from './config/schema.js';

export type ConcurrencyGroup = 'pro' | 'flash';
/** The ids that have a price: aliases are billed as the model they stand for. */
export type BilledModel = 'deepseek-v4-flash' | 'deepseek-v4-pro';

export interface ModelInfo {
  readonly id: string;
  /** V4 models think unless asked not to; the `deepseek-chat` alias never did by default. */
  readonly thinksByDefault: boolean;
  readonly group: ConcurrencyGroup;
  readonly billedAs: BilledModel;
  /** A compatibility name, answered as an unknown model once retired. */
  readonly alias: boolean;
}

export const MODELS: readonly ModelInfo[] = [
  {
    id: 'deepseek-v4-flash',
    thinksByDefault: true,
    group: 'flash',
    billedAs: 'deepseek-v4-flash',
    alias: false,
  },
  { id: 'deepseek-v4-pro', thinksByDefault: true, group: 'pro', billedAs: 'deepseek-v4-pro', alias: false },
  // Announced as inaccessible after 2026-07-24 15:59 UTC: v4-flash without and with thinking.
  { id: 'deepseek-chat', thinksByDefault: false, group: 'flash', billedAs: 'deepseek-v4-flash', alias: true },
  {
    id: 'deepseek-reasoner',
    thinksByDefault: true,
    group: 'flash',
    billedAs: 'deepseek-v4-flash',
    alias: true,
  },
];

/** DeepSeek's documented in-flight ceilings per account (and per user_id on raised accounts). */
export const CONCURRENCY_CEILING: Readonly<Record<ConcurrencyGroup, number>> = { pro: 500, flash: 2500 };

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

/** The model a request names, or undefined when unknown (or a retired alias). */
export function findModel(id: unknown, aliases: MockConfig['models']['aliases']): ModelInfo | undefined {
  const model = typeof id === 'string' ? BY_ID.get(id) : undefined;
  return model?.alias && aliases === 'retire' ? undefined : model;
}

/** The model ids GET /models lists: the two V4 models, as the real endpoint lists them. */
export const LISTED_MODELS = MODELS.filter((m) => !m.alias);

export type Prices = MockConfig['models']['prices'];

/** USD cost of one request at the configured prices (per million tokens). */
export function costOf(prices: Prices, model: ModelInfo, hit: number, miss: number, output: number): number {
  const price = prices[model.billedAs];
  return (hit * price.cacheHit + miss * price.cacheMiss + output * price.output) / 1e6;
}
