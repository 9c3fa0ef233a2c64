import { slowdownMultiplier } from '../busy/latency-model.js';
import type { FinishReason, Plan, Usage } from '../generation/plan.js';
import { usageOf } from '../generation/plan.js';
import { StreamFrames } from '../generation/render.js';
import { costOf, type ModelInfo } from '../models.js';
import type { Exchange } from './exchange.js';
import { SSE_HEADERS } from './exchange.js';
import type { FaultPlan } from './fault-draw.js';
import { sendFaultyBody } from './network-faults.js';

/** How far a completion goes: every token, or up to a cut chosen by a stream fault. */
interface Course {
  readonly total: number;
  readonly served: number;
  readonly finish: FinishReason;
  /** Index of the token before which a stall happens, or -1. */
  readonly stallAt: number;
  readonly truncated: boolean;
}

function courseOf(ex: Exchange, plan: Plan, faults: FaultPlan): Course {
  const total = (plan.reasoning?.length ?? 0) + plan.content.length;
  const fault = faults.stream;
  const cutAt = total > 1 ? ex.node.rng.int(1, total - 1) : total;
  const stallAt = fault === 'stall' ? cutAt : -1;
  if (fault === 'stall') ex.node.metrics?.fault('stream_stall');
  if (fault === 'truncate' && ex.stream) {
    ex.node.metrics?.fault('stream_truncate');
    return { total, served: cutAt, finish: plan.finishReason, stallAt, truncated: true };
  }
  if (fault === 'insufficient_resource' || fault === 'content_filter') {
    ex.node.metrics?.fault(
      fault === 'content_filter' ? 'stream_content_filter' : 'stream_insufficient_resource',
    );
    return {
      total,
      served: cutAt,
      finish: fault === 'content_filter' ? 'content_filter' : 'insufficient_system_resource',
      stallAt,
      truncated: false,
    };
  }
  return { total, served: total, finish: plan.finishReason, stallAt, truncated: false };
}

/** Splits a number of served tokens into reasoning first, then content. */
function split(plan: Plan, served: number): { reasoning: number; content: number } {
  const reasoning = Math.min(served, plan.reasoning?.length ?? 0);
  return { reasoning, content: served - reasoning };
}

/** Charges the account and counts tokens for what was served. */
function account(ex: Exchange, model: ModelInfo, usage: Usage, reasoning: number): void {
  const metrics = ex.node.metrics;
  if (metrics) {
    const tokens = metrics.tokenHandles(model.id);
    tokens.prompt_cache_hit.value += usage.prompt_cache_hit_tokens;
    tokens.prompt_cache_miss.value += usage.prompt_cache_miss_tokens;
    tokens.completion.value += usage.completion_tokens;
    tokens.reasoning.value += reasoning;
  }
  if (ex.account) {
    ex.account.balance -= costOf(
      model,
      usage.prompt_cache_hit_tokens,
      usage.prompt_cache_miss_tokens,
      usage.completion_tokens,
    );
  }
}

/** Latency of one request: samples, scaled by the load-dependent slowdown. */
function latency(ex: Exchange) {
  const { node } = ex;
  const eff = node.effective;
  const slow = slowdownMultiplier(
    node.capacity.inFlight,
    node.capacity.maxInFlight,
    eff.behaviour.latency.slowdown,
  );
  const interToken = node.metrics?.interToken;
  return {
    instant: eff.instant,
    ttft: () => eff.ttft(node.rng) * slow,
    gap: () => {
      const ms = eff.interToken(node.rng) * slow;
      interToken?.observe(ms / 1000);
      return ms;
    },
    stallMs: eff.stallMs,
  };
}

export type BodyRenderer = (
  finish: FinishReason,
  usage: Usage,
  contentSent: number,
  reasoningSent: number,
) => unknown;

/**
 * A non-streaming answer: wait as long as generating would take, then send the whole body.
 * With no latency to wait for it is answered synchronously.
 */
export function emitBody(
  ex: Exchange,
  model: ModelInfo,
  plan: Plan,
  faults: FaultPlan,
  render: BodyRenderer,
): void | Promise<void> {
  const course = courseOf(ex, plan, faults);
  const lat = latency(ex);
  const ttft = lat.instant ? 0 : lat.ttft();
  let waitMs = ttft + (course.stallAt >= 0 ? lat.stallMs : 0);
  if (!lat.instant) for (let i = 1; i < course.served; i++) waitMs += lat.gap();
  ex.node.metrics?.ttftHandle(model.id).observe(ttft / 1000);
  const send = (): void | Promise<void> => {
    const { reasoning, content } = split(plan, course.served);
    const usage = usageOf(plan, content, reasoning);
    const text = JSON.stringify(render(course.finish, usage, content, reasoning));
    account(ex, model, usage, reasoning);
    if (faults.network === 'slow_body' || faults.network === 'malformed_json')
      return sendFaultyBody(ex, text, faults.network);
    ex.sendJson(200, text);
  };
  if (waitMs <= 0) return send();
  return ex.sleep(waitMs).then((alive) => (alive ? send() : undefined));
}

/** A streaming answer: role and first token after TTFT, then a frame per token. */
export async function emitStream(
  ex: Exchange,
  model: ModelInfo,
  plan: Plan,
  faults: FaultPlan,
  frames: StreamFrames,
  includeUsage: boolean,
): Promise<void> {
  const course = courseOf(ex, plan, faults);
  const lat = latency(ex);
  const reasoningTotal = plan.reasoning?.length ?? 0;
  const frameAt = (i: number) =>
    i < reasoningTotal
      ? frames.reasoning(plan.reasoning?.[i] as string)
      : frames.content(plan.content[i - reasoningTotal] as string);
  const malformedAt = faults.network === 'malformed_json' ? Math.floor(course.served / 2) : -1;
  if (malformedAt >= 0) ex.node.metrics?.fault('network_malformed_json');
  ex.watch();
  ex.writeHead(200, SSE_HEADERS);

  const ttft = lat.instant ? 0 : lat.ttft();
  ex.node.metrics?.ttftHandle(model.id).observe(ttft / 1000);
  let out = '';
  if (lat.instant && course.stallAt < 0) {
    // Zero latency: the whole stream in one write, the cheapest way to serve it.
    out = frames.role();
    for (let i = 0; i < course.served; i++) out += (i === malformedAt ? MALFORMED_FRAME : '') + frameAt(i);
  } else {
    if (!(await ex.sleep(ttft))) return;
    ex.write(frames.role());
    for (let i = 0; i < course.served; i++) {
      if (i > 0) {
        const gap = (i === course.stallAt ? lat.stallMs : 0) + (lat.instant ? 0 : lat.gap());
        if (gap > 0 && !(await ex.sleep(gap))) return;
      }
      ex.write((i === malformedAt ? MALFORMED_FRAME : '') + frameAt(i));
    }
  }
  const { reasoning, content } = split(plan, course.served);
  const usage = usageOf(plan, content, reasoning);
  account(ex, model, usage, reasoning);
  if (course.truncated) {
    // Cut short: the connection ends cleanly but without a finish frame or [DONE].
    ex.end(out || undefined);
    return;
  }
  if (plan.toolCall && course.served === course.total) out += frames.toolCall(plan);
  out += frames.finish(course.finish, usage);
  if (includeUsage) out += frames.usage(usage);
  ex.end(out + StreamFrames.DONE);
}

const MALFORMED_FRAME =
  'data: {"id":"broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n';
