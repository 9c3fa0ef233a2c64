import type { FastifyInstance } from 'fastify';
import { AnthropicStream, anthropicMessageText } from '../generation/anthropic-render.js';
import { findModel, type ModelInfo } from '../models.js';
import type { MockNode } from '../node.js';
import { AnthropicRequestSchema, toChatRequest } from '../schemas/anthropic-request.js';
import type { ChatRequest } from '../schemas/chat-request.js';
import type { CompletionKind } from '../serve/completion-flow.js';
import { chatPlanner, handler } from './completions.js';

export const ANTHROPIC_ENDPOINT = '/anthropic/v1/messages';

const PRO = findModel('deepseek-v4-pro', 'retire') as ModelInfo;
const FLASH = findModel('deepseek-v4-flash', 'retire') as ModelInfo;

/**
 * DeepSeek's documented mapping on this route: its own model names as on the OpenAI route,
 * claude-opus* to v4-pro, and any other name (claude-sonnet*, claude-haiku*, anything) to
 * v4-flash. A retired alias is such another name.
 */
export function anthropicModel(name: string, aliases: 'serve' | 'retire'): ModelInfo {
  return findModel(name, aliases) ?? (name.startsWith('claude-opus') ? PRO : FLASH);
}

/**
 * POST /anthropic/v1/messages (the Anthropic SDK's path under the base URL /anthropic) and
 * /anthropic/messages (the direct path DeepSeek also documents): the same busy rules, plans and
 * faults as /chat/completions, answered in the Messages API's format.
 */
export function anthropicRoutes(app: FastifyInstance, node: MockNode): void {
  const kind: CompletionKind<ChatRequest> = {
    model: (name) => anthropicModel(name, node.config.models.aliases),
    plan: chatPlanner(node),
    render: anthropicMessageText,
    stream: (meta, plan) => new AnthropicStream(meta, plan),
  };
  const route = handler(node, ANTHROPIC_ENDPOINT, kind, (raw) => toChatRequest(raw as never), true);
  for (const path of [ANTHROPIC_ENDPOINT, '/anthropic/messages']) {
    app.post(path, { schema: { body: AnthropicRequestSchema } }, route);
  }
}
