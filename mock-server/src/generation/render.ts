import { randomUUID } from 'node:crypto';
import type { FinishReason, Plan, Usage } from './plan.js';

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

export function chatCompletionBody(
  meta: ResponseMeta,
  plan: Plan,
  finish: FinishReason,
  usage: Usage,
  contentSent: number,
  reasoningSent: number,
) {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: plan.content.slice(0, contentSent).join(''),
  };
  if (plan.reasoning) message.reasoning_content = plan.reasoning.slice(0, reasoningSent).join('');
  if (plan.toolCall) {
    message.tool_calls = [
      {
        index: 0,
        id: plan.toolCall.id,
        type: 'function',
        function: { name: plan.toolCall.name, arguments: plan.toolCall.arguments },
      },
    ];
  }
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

export function fimCompletionBody(
  meta: ResponseMeta,
  plan: Plan,
  finish: FinishReason,
  usage: Usage,
  contentSent: number,
) {
  return {
    id: meta.id,
    object: 'text_completion',
    created: meta.created,
    model: meta.model,
    choices: [
      { text: plan.content.slice(0, contentSent).join(''), index: 0, logprobs: null, finish_reason: finish },
    ],
    usage,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * SSE frames for one stream. The JSON around each delta is built once per stream and only the
 * piece is escaped per token: a stream of 20 chunks costs 20 string concatenations, not 20
 * JSON.stringify calls of the whole chunk.
 */
export class StreamFrames {
  private readonly head: string;
  private readonly chat: boolean;

  constructor(meta: ResponseMeta, kind: 'chat' | 'fim') {
    this.chat = kind === 'chat';
    const object = this.chat ? 'chat.completion.chunk' : 'text_completion';
    this.head = `data: {"id":${JSON.stringify(meta.id)},"object":"${object}","created":${meta.created},"model":${JSON.stringify(meta.model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":[`;
  }

  /** The first frame: the assistant role, as DeepSeek sends it before any token. */
  role(): string {
    return this.chat
      ? `${this.head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`
      : '';
  }

  content(piece: string): string {
    return this.chat
      ? `${this.head}{"index":0,"delta":{"content":${JSON.stringify(piece)}},"logprobs":null,"finish_reason":null}]}\n\n`
      : `${this.head}{"text":${JSON.stringify(piece)},"index":0,"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  reasoning(piece: string): string {
    return `${this.head}{"index":0,"delta":{"content":null,"reasoning_content":${JSON.stringify(piece)}},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  toolCall(plan: Plan): string {
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
  finish(reason: FinishReason, usage: Usage): string {
    const choice = this.chat
      ? `{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"${reason}"}`
      : `{"text":"","index":0,"logprobs":null,"finish_reason":"${reason}"}`;
    return `${this.head}${choice}],"usage":${JSON.stringify(usage)}}\n\n`;
  }

  /** stream_options.include_usage: a frame with empty choices, before [DONE]. */
  usage(usage: Usage): string {
    return `${this.head}],"usage":${JSON.stringify(usage)}}\n\n`;
  }

  static readonly DONE = 'data: [DONE]\n\n';
  static readonly KEEP_ALIVE = ': keep-alive\n\n';
}
