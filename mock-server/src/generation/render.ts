import { randomUUID } from 'node:crypto';
import type { ApiError } from '../api-error.js';
import {
  type FinishReason,
  type Generated,
  type Plan,
  type StreamTails,
  type Usage,
  usageJson,
} from './plan.js';

/** What every response of one request shares: id, creation time, model name as requested. */
export interface ResponseMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export const SYSTEM_FINGERPRINT = 'fp_busybench_mock';

export function newMeta(model: string): ResponseMeta {
  return { id: randomUUID(), created: Math.floor(Date.now() / 1000), model };
}

/** Content as served: the cached JSON when every token went out, else the cut text escaped. */
export function servedJson(pieces: readonly string[], sent: number, whole: string): string {
  return sent === pieces.length ? whole : JSON.stringify(pieces.slice(0, sent).join(''));
}

/**
 * Renders a whole (non-streaming) answer body as JSON text, or the error a format gives instead
 * for a finish it cannot express (the Anthropic format has no "insufficient resources").
 */
export type BodyRenderer = (
  meta: ResponseMeta,
  plan: Plan,
  finish: FinishReason,
  usage: Usage,
  contentSent: number,
  reasoningSent: number,
) => string | ApiError;

/**
 * A stream's frames in one API format. Tokens are numbered reasoning first, then content; a
 * format may keep state between calls (which block is open), as they come in order.
 */
export interface StreamFormat {
  /** Written when the first token is due: the role frame, or message_start. */
  opening(): string;
  /** Token i's frame. */
  token(i: number): string;
  /** What ends a stream that was not cut: `served` tokens went out. */
  closing(finish: FinishReason, usage: Usage, served: number): string;
  /** A frame cut mid-JSON, as this format's parsers would read it (the malformed_json fault). */
  malformed(): string;
}

/**
 * The chat completion body, written as JSON text directly: it is the mock's most served answer,
 * and building an object only to stringify it costs more than the rest of the request.
 */
export const chatCompletionText: BodyRenderer = (meta, plan, finish, usage, contentSent, reasoningSent) => {
  const { text } = plan;
  let message = `{"role":"assistant","content":${servedJson(text.content, contentSent, text.contentJson)}`;
  if (text.reasoning)
    message += `,"reasoning_content":${servedJson(text.reasoning, reasoningSent, text.reasoningJson)}`;
  if (plan.toolCall) {
    const call = plan.toolCall;
    const calls = [
      { index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } },
    ];
    message += `,"tool_calls":${JSON.stringify(calls)}`;
  }
  return `{"id":"${meta.id}","object":"chat.completion","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":[{"index":0,"message":${message}},"logprobs":null,"finish_reason":"${finish}"}],"usage":${usageJson(usage)},"system_fingerprint":"${SYSTEM_FINGERPRINT}"}`;
};

export const fimCompletionText: BodyRenderer = (meta, plan, finish, usage, contentSent) => {
  const served = servedJson(plan.text.content, contentSent, plan.text.contentJson);
  return `{"id":"${meta.id}","object":"text_completion","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":[{"text":${served},"index":0,"logprobs":null,"finish_reason":"${finish}"}],"usage":${usageJson(usage)},"system_fingerprint":"${SYSTEM_FINGERPRINT}"}`;
};

const chatTail = (p: string) =>
  `{"index":0,"delta":{"content":${JSON.stringify(p)}},"logprobs":null,"finish_reason":null}]}\n\n`;
const fimTail = (p: string) =>
  `{"text":${JSON.stringify(p)},"index":0,"logprobs":null,"finish_reason":null}]}\n\n`;
const reasoningTail = (p: string) =>
  `{"index":0,"delta":{"content":null,"reasoning_content":${JSON.stringify(p)}},"logprobs":null,"finish_reason":null}]}\n\n`;

/**
 * The part of every token frame after the per-stream head, escaped once per generated text and
 * kept on it (the generation cache holds it), so a stream costs one concatenation per token.
 */
export function streamTails(text: Generated, kind: 'chat' | 'fim'): StreamTails {
  const known = kind === 'chat' ? text.chatTails : text.fimTails;
  if (known) return known;
  const tails = {
    content: text.content.map(kind === 'chat' ? chatTail : fimTail),
    reasoning: (text.reasoning ?? []).map(reasoningTail),
  };
  if (kind === 'chat') text.chatTails = tails;
  else text.fimTails = tails;
  return tails;
}

/**
 * DeepSeek's own (OpenAI-format) SSE frames for one stream. The JSON around each delta is built
 * once per stream and only the piece is escaped per token: a stream of 20 chunks costs 20 string
 * concatenations, not 20 JSON.stringify calls of the whole chunk.
 */
export class StreamFrames implements StreamFormat {
  private readonly head: string;
  private readonly chat: boolean;
  private readonly tails: StreamTails;

  constructor(
    meta: ResponseMeta,
    readonly kind: 'chat' | 'fim',
    private readonly plan: Plan,
    private readonly includeUsage: boolean,
  ) {
    this.chat = kind === 'chat';
    this.tails = streamTails(plan.text, kind);
    const object = this.chat ? 'chat.completion.chunk' : 'text_completion';
    this.head = `data: {"id":${JSON.stringify(meta.id)},"object":"${object}","created":${meta.created},"model":${JSON.stringify(meta.model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":[`;
  }

  /** The first frame: the assistant role, as DeepSeek sends it before any token. */
  opening(): string {
    return this.chat
      ? `${this.head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`
      : '';
  }

  /** A token's frame, from its tail (see streamTails). */
  token(i: number): string {
    const reasoning = this.plan.reasoningTokens;
    return this.head + (i < reasoning ? this.tails.reasoning[i] : this.tails.content[i - reasoning]);
  }

  malformed(): string {
    return 'data: {"id":"broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n';
  }

  /** The tool call (when every token went out), the finish frame, the usage frame if asked, [DONE]. */
  closing(finish: FinishReason, usage: Usage, served: number): string {
    let out = served === this.plan.totalTokens ? this.toolCall(this.plan) : '';
    out += this.finish(finish, usage);
    if (this.includeUsage) out += this.usage(usage);
    return out + StreamFrames.DONE;
  }

  private toolCall(plan: Plan): string {
    const call = plan.toolCall;
    if (!call) return '';
    const delta = {
      tool_calls: [
        { index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } },
      ],
    };
    return `${this.head}{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  /** The last choice frame; DeepSeek puts usage on it too. */
  private finish(reason: FinishReason, usage: Usage): string {
    const choice = this.chat
      ? `{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"${reason}"}`
      : `{"text":"","index":0,"logprobs":null,"finish_reason":"${reason}"}`;
    return `${this.head}${choice}],"usage":${usageJson(usage)}}\n\n`;
  }

  /** stream_options.include_usage: a frame with empty choices, before [DONE]. */
  private usage(usage: Usage): string {
    return `${this.head}],"usage":${usageJson(usage)}}\n\n`;
  }

  static readonly DONE = 'data: [DONE]\n\n';
  static readonly KEEP_ALIVE = ': keep-alive\n\n';
}
