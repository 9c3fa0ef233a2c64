import type { Behaviour } from '../config/schema.js';
import type { ModelInfo } from '../models.js';
import { hashString, Rng, unitFromHash } from '../rng.js';
import type { ChatRequest, FimRequest } from '../schemas/chat-request.js';
import type { PromptCache } from './prompt-cache.js';
import { PrefixReader } from './prompt-prefix.js';
import { generateTokens } from './text.js';
import { countTokens } from './tokenizer.js';

export type FinishReason =
  | 'stop'
  | 'length'
  | 'content_filter'
  | 'tool_calls'
  | 'insufficient_system_resource';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  prompt_cache_hit_tokens: number;
  prompt_cache_miss_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface ToolCallPlan {
  id: string;
  name: string;
  arguments: string;
}

/** Text generated once per distinct request and kept: pieces for streams, JSON for bodies. */
export interface Generated {
  readonly content: readonly string[];
  readonly reasoning: readonly string[] | null;
  /** The whole content, JSON-escaped, for answers that serve every token (most of them). */
  readonly contentJson: string;
  readonly reasoningJson: string;
  /** Each token's SSE frame after the per-stream head, made on first use (render.ts). */
  chatTails?: StreamTails;
  fimTails?: StreamTails;
}

export interface StreamTails {
  readonly content: readonly string[];
  readonly reasoning: readonly string[];
}

/** What a completion will say, decided before any byte is sent; faults may cut it shorter. */
export interface Plan {
  readonly text: Generated;
  readonly toolCall: ToolCallPlan | null;
  readonly finishReason: FinishReason;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  /** Reasoning tokens, then content tokens. */
  readonly reasoningTokens: number;
  readonly totalTokens: number;
}

/** Identical requests are common under load; their text is generated once. */
const generatedCache = new Map<number, Generated>();
const GENERATED_CACHE_MAX = 4096;

function generate(hash: number, count: number, reasoningCount: number): Generated {
  const key = (hash ^ Math.imul(count + 1, 0x9e3779b1) ^ Math.imul(reasoningCount + 1, 0x85ebca6b)) >>> 0;
  let g = generatedCache.get(key);
  if (!g) {
    const rng = new Rng(key);
    const reasoning = reasoningCount > 0 ? generateTokens(rng, reasoningCount, true) : null;
    const content = generateTokens(rng, count);
    g = {
      content,
      reasoning,
      contentJson: JSON.stringify(content.join('')),
      reasoningJson: JSON.stringify(reasoning?.join('') ?? ''),
    };
    if (generatedCache.size >= GENERATED_CACHE_MAX) generatedCache.clear();
    generatedCache.set(key, g);
  }
  return g;
}

function contentText(content: ChatRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

function wantedTokens(hash: number, output: Behaviour['output']): number {
  return output.minTokens + Math.floor(unitFromHash(hash, 1) * (output.maxTokens - output.minTokens + 1));
}

export function planChat(
  body: ChatRequest,
  model: ModelInfo,
  thinking: boolean,
  seed: number,
  output: Behaviour['output'],
  cache: PromptCache,
  /** The account, or account and user_id: whose earlier prompts can be cache hits. */
  cacheScope: string,
): Plan {
  // One pass over the prompt: its tokens, and its hash at every 64-token boundary for the cache.
  const reader = new PrefixReader(hashString(model.id, seed >>> 0));
  for (const m of body.messages) reader.message(m.role, contentText(m.content));
  const shape = reader.shape();
  const hash = shape.hash;
  const promptTokens = shape.tokens;
  const cachedTokens = cache.lookup(cacheScope, shape);

  const choice = body.tool_choice;
  const tools = body.tools ?? [];
  const forcedTool =
    tools.length > 0 && choice && choice !== 'none' && choice !== 'auto'
      ? choice === 'required'
        ? tools[0]?.function.name
        : choice.function.name
      : undefined;

  const wanted = wantedTokens(hash, output);
  const wantedReasoning = thinking
    ? Math.max(1, Math.round(output.reasoningTokens * (0.75 + unitFromHash(hash, 2) * 0.5)))
    : 0;
  const budget = body.max_tokens ?? Number.POSITIVE_INFINITY;
  const reasoningCount = Math.min(wantedReasoning, budget);
  const contentCount = forcedTool ? 0 : Math.min(wanted, budget - reasoningCount);
  const cut = reasoningCount < wantedReasoning || contentCount < wanted;
  return {
    text: generate(hash, contentCount, reasoningCount),
    toolCall: forcedTool
      ? { id: `call_00_${(hash >>> 0).toString(36)}`, name: forcedTool, arguments: '{}' }
      : null,
    finishReason: forcedTool ? 'tool_calls' : cut ? 'length' : 'stop',
    promptTokens,
    cachedTokens,
    reasoningTokens: reasoningCount,
    totalTokens: reasoningCount + contentCount,
  };
}

export function planFim(body: FimRequest, model: ModelInfo, seed: number, output: Behaviour['output']): Plan {
  const hash = hashString(body.suffix ?? '', hashString(body.prompt, hashString(model.id, seed >>> 0)));
  const wanted = wantedTokens(hash, output);
  const count = Math.min(wanted, body.max_tokens ?? Number.POSITIVE_INFINITY);
  return {
    text: generate(hash, count, 0),
    toolCall: null,
    finishReason: count < wanted ? 'length' : 'stop',
    promptTokens: countTokens(body.prompt) + countTokens(body.suffix ?? ''),
    cachedTokens: 0,
    reasoningTokens: 0,
    totalTokens: count,
  };
}

/** Usage for what was actually served (a cut stream counts only the tokens sent). */
export function usageOf(plan: Plan, contentSent: number, reasoningSent: number): Usage {
  const toolTokens = plan.toolCall ? 8 : 0;
  const completion = contentSent + reasoningSent + toolTokens;
  const usage: Usage = {
    prompt_tokens: plan.promptTokens,
    completion_tokens: completion,
    total_tokens: plan.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: plan.cachedTokens },
    prompt_cache_hit_tokens: plan.cachedTokens,
    prompt_cache_miss_tokens: plan.promptTokens - plan.cachedTokens,
  };
  if (plan.text.reasoning) usage.completion_tokens_details = { reasoning_tokens: reasoningSent };
  return usage;
}

/** Usage as JSON, built directly: it is on every answer. */
export function usageJson(u: Usage): string {
  const details = u.completion_tokens_details
    ? `,"completion_tokens_details":{"reasoning_tokens":${u.completion_tokens_details.reasoning_tokens}}`
    : '';
  return `{"prompt_tokens":${u.prompt_tokens},"completion_tokens":${u.completion_tokens},"total_tokens":${u.total_tokens},"prompt_tokens_details":{"cached_tokens":${u.prompt_tokens_details.cached_tokens}},"prompt_cache_hit_tokens":${u.prompt_cache_hit_tokens},"prompt_cache_miss_tokens":${u.prompt_cache_miss_tokens}${details}}`;
}
