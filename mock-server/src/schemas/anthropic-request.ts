import { type Static, Type as T } from '@sinclair/typebox';
import type { ChatRequest, Message } from './chat-request.js';

/**
 * POST /anthropic/v1/messages, as DeepSeek's Anthropic-format route takes it. Fields it
 * documents as ignored (container, mcp_servers, service_tier, top_k, cache_control, citations)
 * are accepted and left alone, like any unknown field.
 */
const TextBlock = T.Object({ type: T.Literal('text'), text: T.String() });
const Block = T.Object({
  type: T.String(),
  text: T.Optional(T.String()),
  thinking: T.Optional(T.String()),
  content: T.Optional(T.Unknown()),
  input: T.Optional(T.Unknown()),
  name: T.Optional(T.String()),
  id: T.Optional(T.String()),
});

const Tool = T.Object({
  name: T.String({ minLength: 1, maxLength: 64 }),
  description: T.Optional(T.String()),
  input_schema: T.Optional(T.Record(T.String(), T.Unknown())),
});

const ToolChoice = T.Union([
  T.Object({ type: T.Literal('auto') }),
  T.Object({ type: T.Literal('any') }),
  T.Object({ type: T.Literal('none') }),
  T.Object({ type: T.Literal('tool'), name: T.String() }),
]);

export const AnthropicRequestSchema = T.Object({
  model: T.String(),
  max_tokens: T.Integer({ minimum: 1, maximum: 393_216 }),
  messages: T.Array(
    T.Object({
      role: T.Union([T.Literal('user'), T.Literal('assistant')]),
      content: T.Union([T.String(), T.Array(Block)]),
    }),
    { minItems: 1 },
  ),
  system: T.Optional(T.Union([T.String(), T.Array(TextBlock)])),
  stream: T.Optional(T.Boolean()),
  temperature: T.Optional(T.Number({ minimum: 0, maximum: 2 })),
  top_p: T.Optional(T.Number({ minimum: 0, maximum: 1 })),
  stop_sequences: T.Optional(T.Array(T.String())),
  tools: T.Optional(T.Array(Tool, { maxItems: 128 })),
  tool_choice: T.Optional(ToolChoice),
  /** budget_tokens is accepted and ignored, as DeepSeek documents. */
  thinking: T.Optional(
    T.Object({
      type: T.Union([T.Literal('enabled'), T.Literal('disabled')]),
      budget_tokens: T.Optional(T.Integer()),
    }),
  ),
  /** Only user_id is read (checked with the OpenAI route's rule); other keys are ignored. */
  metadata: T.Optional(T.Object({ user_id: T.Optional(T.Unknown()) })),
});
export type AnthropicRequest = Static<typeof AnthropicRequestSchema>;

/** The text a block contributes to the prompt (for token counts and cache prefixes). */
function blockText(block: Static<typeof Block>): string {
  if (block.text !== undefined) return block.text;
  if (block.thinking !== undefined) return block.thinking;
  if (block.input !== undefined) return JSON.stringify(block.input);
  if (typeof block.content === 'string') return block.content;
  if (Array.isArray(block.content)) {
    return block.content.map((c) => (typeof c?.text === 'string' ? c.text : '')).join('');
  }
  return '';
}

/** Anthropic's tool_choice in chat-completion terms: `any` is `required`, `tool` a named function. */
function toolChoice(choice: AnthropicRequest['tool_choice']): ChatRequest['tool_choice'] {
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'auto':
      return undefined;
    case 'none':
      return 'none';
    case 'any':
      return 'required';
    default:
      return { type: 'function', function: { name: choice.name } };
  }
}

/**
 * The same request in the chat-completion form the mock plans from: the system prompt becomes
 * the first message, blocks their text, `any` and `tool` choices forced tool calls. The model
 * name is kept as sent; the route maps it.
 */
export function toChatRequest(body: AnthropicRequest): ChatRequest {
  const messages: Message[] = [];
  if (body.system !== undefined) {
    const text = typeof body.system === 'string' ? body.system : body.system.map((b) => b.text).join('');
    messages.push({ role: 'system', content: text });
  }
  for (const m of body.messages) {
    const content = typeof m.content === 'string' ? m.content : m.content.map(blockText).join('');
    messages.push({ role: m.role, content });
  }
  return {
    model: body.model,
    messages,
    stream: body.stream === true,
    max_tokens: body.max_tokens,
    tools: body.tools?.map((t) => ({ type: 'function' as const, function: { name: t.name } })),
    tool_choice: toolChoice(body.tool_choice),
    thinking: body.thinking ? { type: body.thinking.type } : undefined,
    user_id: body.metadata?.user_id,
  };
}
