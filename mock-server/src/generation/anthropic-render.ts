import { apiError } from '../api-error.js';
import type { FinishReason, Plan, Usage } from './plan.js';
import { type BodyRenderer, type ResponseMeta, type StreamFormat, servedJson } from './render.js';

/**
 * The Messages API's answers (non-streaming and SSE events) for DeepSeek's Anthropic-format
 * route: a thinking block (with the placeholder signature DeepSeek sends: the message id), a
 * text block, a tool_use block when a tool was forced.
 */

/** DeepSeek's finish reasons as Anthropic stop reasons; insufficient resources has none. */
const STOP_REASONS: Record<Exclude<FinishReason, 'insufficient_system_resource'>, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

/** What an Anthropic client is told when generation ran out of resources part-way. */
const overloaded = () =>
  apiError(
    503,
    'Server Overloaded: insufficient system resource, please retry your request after a brief wait',
  );

const messageId = (meta: ResponseMeta) => `msg_${meta.id.replaceAll('-', '')}`;

/**
 * Usage in Anthropic's terms: input_tokens excludes what was read from cache; DeepSeek caches on
 * its own, so nothing is ever written to cache on request.
 */
function usageJson(u: Usage): string {
  return `{"input_tokens":${u.prompt_cache_miss_tokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":${u.prompt_cache_hit_tokens},"output_tokens":${u.completion_tokens}}`;
}

function toolUseJson(plan: Plan): string {
  const call = plan.toolCall;
  return call
    ? `{"type":"tool_use","id":${JSON.stringify(call.id)},"name":${JSON.stringify(call.name)},"input":{}}`
    : '';
}

export const anthropicMessageText: BodyRenderer = (meta, plan, finish, usage, contentSent, reasoningSent) => {
  if (finish === 'insufficient_system_resource') return overloaded();
  const { text } = plan;
  const id = messageId(meta);
  const blocks: string[] = [];
  if (text.reasoning) {
    const thinking = servedJson(text.reasoning, reasoningSent, text.reasoningJson);
    blocks.push(`{"type":"thinking","thinking":${thinking},"signature":"${id}"}`);
  }
  if (contentSent > 0 || !plan.toolCall) {
    const content = servedJson(text.content, contentSent, text.contentJson);
    blocks.push(`{"type":"text","text":${content}}`);
  }
  if (plan.toolCall && finish === 'tool_calls') blocks.push(toolUseJson(plan));
  return `{"id":"${id}","type":"message","role":"assistant","model":${JSON.stringify(meta.model)},"content":[${blocks.join(',')}],"stop_reason":"${STOP_REASONS[finish]}","stop_sequence":null,"usage":${usageJson(usage)}}`;
};

const event = (name: string, data: string) => `event: ${name}\ndata: ${data}\n\n`;

/** One Messages API stream: message_start, a block per kind of output, message_delta, message_stop. */
export class AnthropicStream implements StreamFormat {
  private readonly id: string;
  /** The index and kind of the block now open, if any. */
  private block = -1;
  private open: 'thinking' | 'text' | null = null;

  constructor(
    private readonly meta: ResponseMeta,
    private readonly plan: Plan,
  ) {
    this.id = messageId(meta);
  }

  opening(): string {
    const { plan } = this;
    const hit = plan.cachedTokens;
    const start = `{"type":"message_start","message":{"id":"${this.id}","type":"message","role":"assistant","model":${JSON.stringify(this.meta.model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${plan.promptTokens - hit},"cache_creation_input_tokens":0,"cache_read_input_tokens":${hit},"output_tokens":0}}}`;
    return event('message_start', start) + event('ping', '{"type":"ping"}');
  }

  token(i: number): string {
    const { plan } = this;
    const thinking = i < plan.reasoningTokens;
    const piece = thinking ? plan.text.reasoning?.[i] : plan.text.content[i - plan.reasoningTokens];
    let out = '';
    const kind = thinking ? 'thinking' : 'text';
    if (this.open !== kind) out += this.closeBlock() + this.startBlock(kind);
    const delta = thinking
      ? `{"type":"thinking_delta","thinking":${JSON.stringify(piece ?? '')}}`
      : `{"type":"text_delta","text":${JSON.stringify(piece ?? '')}}`;
    return `${out}${event('content_block_delta', `{"type":"content_block_delta","index":${this.block},"delta":${delta}}`)}`;
  }

  closing(finish: FinishReason, usage: Usage, served: number): string {
    let out = this.closeBlock();
    if (finish === 'insufficient_system_resource') {
      // Anthropic's way to fail a stream already under way: an error event, no message_stop.
      const error = `{"type":"error","error":{"type":"overloaded_error","message":${JSON.stringify(overloaded().body.error.message)}}}`;
      return out + event('error', error);
    }
    if (this.plan.toolCall && served === this.plan.totalTokens) {
      this.block++;
      out += event(
        'content_block_start',
        `{"type":"content_block_start","index":${this.block},"content_block":${toolUseJson(this.plan)}}`,
      );
      out += event(
        'content_block_delta',
        `{"type":"content_block_delta","index":${this.block},"delta":{"type":"input_json_delta","partial_json":"{}"}}`,
      );
      out += event('content_block_stop', `{"type":"content_block_stop","index":${this.block}}`);
    }
    out += event(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":"${STOP_REASONS[finish]}","stop_sequence":null},"usage":${usageJson(usage)}}`,
    );
    return out + event('message_stop', '{"type":"message_stop"}');
  }

  /** A content_block_delta whose JSON stops mid-way: an Anthropic parser fails on it. */
  malformed(): string {
    return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${Math.max(0, this.block)},"delta":{"type":"text_delta","text":\n\n`;
  }

  private startBlock(kind: 'thinking' | 'text'): string {
    this.block++;
    this.open = kind;
    const block =
      kind === 'thinking' ? '{"type":"thinking","thinking":"","signature":""}' : '{"type":"text","text":""}';
    return event(
      'content_block_start',
      `{"type":"content_block_start","index":${this.block},"content_block":${block}}`,
    );
  }

  private closeBlock(): string {
    if (this.open === null) return '';
    const signature =
      this.open === 'thinking'
        ? event(
            'content_block_delta',
            `{"type":"content_block_delta","index":${this.block},"delta":{"type":"signature_delta","signature":"${this.id}"}}`,
          )
        : '';
    this.open = null;
    return signature + event('content_block_stop', `{"type":"content_block_stop","index":${this.block}}`);
  }
}
