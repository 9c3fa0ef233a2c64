import { type Static, Type as T } from '@sinclair/typebox';

/**
 * The chat completion request, as DeepSeek accepts it. Unknown fields are ignored, as serde does.
 * Type and shape errors answer 400 "Failed to deserialize..."; out-of-range values answer 422
 * (see schema-error.ts).
 */
const Nullable = <S extends Parameters<typeof T.Union>[0][number]>(s: S) =>
  T.Optional(T.Union([s, T.Null()]));

const TextPart = T.Object({ type: T.String(), text: T.Optional(T.String()) });
const Content = T.Union([T.String(), T.Array(TextPart), T.Null()]);

const ToolCall = T.Object({
  id: T.String(),
  type: T.Literal('function'),
  function: T.Object({ name: T.String(), arguments: T.String() }),
});

export const MessageSchema = T.Object({
  role: T.Union([T.Literal('system'), T.Literal('user'), T.Literal('assistant'), T.Literal('tool')]),
  content: T.Optional(Content),
  name: T.Optional(T.String()),
  tool_call_id: T.Optional(T.String()),
  tool_calls: T.Optional(T.Array(ToolCall)),
  reasoning_content: Nullable(T.String()),
  prefix: T.Optional(T.Boolean()),
});
export type Message = Static<typeof MessageSchema>;

const Tool = T.Object({
  type: T.Literal('function'),
  function: T.Object({
    name: T.String({ minLength: 1, maxLength: 64 }),
    description: T.Optional(T.String()),
    parameters: T.Optional(T.Record(T.String(), T.Unknown())),
    strict: T.Optional(T.Boolean()),
  }),
});

const ToolChoice = T.Union([
  T.Literal('none'),
  T.Literal('auto'),
  T.Literal('required'),
  T.Object({ type: T.Literal('function'), function: T.Object({ name: T.String() }) }),
]);

const Thinking = T.Object({ type: T.Union([T.Literal('enabled'), T.Literal('disabled')]) });
/** Any value here: serve checks it against the API's pattern and answers with the API's message. */
const UserId = T.Optional(T.Unknown());

export const ChatRequestSchema = T.Object({
  model: T.String(),
  messages: T.Array(MessageSchema, { minItems: 1 }),
  stream: Nullable(T.Boolean()),
  stream_options: Nullable(T.Object({ include_usage: T.Optional(T.Boolean()) })),
  max_tokens: Nullable(T.Integer({ minimum: 1, maximum: 393_216 })),
  temperature: Nullable(T.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(T.Number({ minimum: 0, maximum: 1 })),
  frequency_penalty: Nullable(T.Number({ minimum: -2, maximum: 2 })),
  presence_penalty: Nullable(T.Number({ minimum: -2, maximum: 2 })),
  stop: Nullable(T.Union([T.String(), T.Array(T.String(), { maxItems: 16 })])),
  response_format: Nullable(T.Object({ type: T.Union([T.Literal('text'), T.Literal('json_object')]) })),
  tools: Nullable(T.Array(Tool, { maxItems: 128 })),
  tool_choice: Nullable(ToolChoice),
  logprobs: Nullable(T.Boolean()),
  top_logprobs: Nullable(T.Integer({ minimum: 0, maximum: 20 })),
  thinking: Nullable(Thinking),
  user_id: UserId,
});
export type ChatRequest = Static<typeof ChatRequestSchema>;

/** POST /beta/completions: fill-in-the-middle. */
export const FimRequestSchema = T.Object({
  model: T.String(),
  prompt: T.String(),
  suffix: Nullable(T.String()),
  stream: Nullable(T.Boolean()),
  stream_options: Nullable(T.Object({ include_usage: T.Optional(T.Boolean()) })),
  max_tokens: Nullable(T.Integer({ minimum: 1, maximum: 4096 })),
  temperature: Nullable(T.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(T.Number({ minimum: 0, maximum: 1 })),
  echo: Nullable(T.Boolean()),
  logprobs: Nullable(T.Integer({ minimum: 0, maximum: 20 })),
  stop: Nullable(T.Union([T.String(), T.Array(T.String(), { maxItems: 16 })])),
  thinking: Nullable(Thinking),
  user_id: UserId,
});
export type FimRequest = Static<typeof FimRequestSchema>;
