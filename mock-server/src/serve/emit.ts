import { slowdownMultiplier } from '../busy/latency-model.js';
import type { FinishReason, Plan, Usage } from '../generation/plan.js';
import { usageOf } from '../generation/plan.js';
import type { BodyRenderer, ResponseMeta, StreamFormat } from '../generation/render.js';
import { costOf, type ModelInfo } from '../models.js';
import type { Exchange } from './exchange.js';
import { SSE_HEADERS } from './exchange.js';
import type { FaultPlan } from './fault-draw.js';
import { sendFaultyBody } from './network-faults.js';

/** How far a completion goes when a stream fault cuts it: up to `served` tokens. */
interface Course {
  readonly served: number;
  readonly finish: FinishReason;
  /** Index of the token before which a stall happens, or -1. */
  readonly stallAt: number;
  readonly truncated: boolean;
}

/** The course of an answer that no stream fault touches; the common case allocates nothing. */
function courseOf(ex: Exchange, plan: Plan, faults: FaultPlan): Course | null {
  const fault = faults.stream;
  if (fault === null) return null;
  const total = plan.totalTokens;
  const cutAt = total > 1 ? ex.node.rng.int(1, total - 1) : total;
  const metrics = ex.node.metrics;
  if (fault === 'stall') {
    metrics?.fault('stream_stall');
    return { served: total, finish: plan.finishReason, stallAt: cutAt, truncated: false };
  }
  if (fault === 'truncate') {
    // A body cannot be cut and still parse: truncation is a streaming fault only.
    if (!ex.stream) return null;
    metrics?.fault('stream_truncate');
    return { served: cutAt, finish: plan.finishReason, stallAt: -1, truncated: true };
  }
  const filtered = fault === 'content_filter';
  metrics?.fault(filtered ? 'stream_content_filter' : 'stream_insufficient_resource');
  return {
    served: cutAt,
    finish: filtered ? 'content_filter' : 'insufficient_system_resource',
    stallAt: -1,
    truncated: false,
  };
}

/** Charges the account and counts tokens for what was served. */
function charge(ex: Exchange, model: ModelInfo, usage: Usage, reasoning: number): void {
  const metrics = ex.node.metrics;
  const cost = costOf(
    ex.node.config.models.prices,
    model,
    usage.prompt_cache_hit_tokens,
    usage.prompt_cache_miss_tokens,
    usage.completion_tokens,
  );
  if (metrics) {
    const tokens = metrics.tokenHandles(model.id);
    tokens.prompt_cache_hit.value += usage.prompt_cache_hit_tokens;
    tokens.prompt_cache_miss.value += usage.prompt_cache_miss_tokens;
    tokens.completion.value += usage.completion_tokens;
    tokens.reasoning.value += reasoning;
    metrics.costHandle(model.billedAs).value += cost;
  }
  if (ex.account) ex.account.balance -= cost;
}

/** The load-dependent slowdown now, for this request's samples. */
function slowdown(ex: Exchange): number {
  const { capacity } = ex.node;
  return slowdownMultiplier(
    capacity.inFlight,
    capacity.maxInFlight,
    ex.node.effective.behaviour.latency.slowdown,
  );
}

/** Samples an inter-token gap (ms) and records it as served. */
/** Time to first token before any slowdown: the configured base, and the prompt's prefill. */
function firstToken(ex: Exchange, model: ModelInfo, plan: Plan): number {
  const eff = ex.node.effective;
  return eff.ttft(ex.node.rng) + eff.prefillMs(model.id, plan.promptTokens - plan.cachedTokens);
}

function gap(ex: Exchange, slow: number): number {
  const ms = ex.node.effective.interToken(ex.node.rng) * slow;
  ex.node.metrics?.interToken.observe(ms / 1000);
  return ms;
}

/**
 * A non-streaming answer: wait as long as generating would take, then send the whole body.
 * With no latency to wait for it is answered synchronously.
 */
export function emitBody(
  ex: Exchange,
  model: ModelInfo,
  plan: Plan,
  faults: FaultPlan,
  meta: ResponseMeta,
  render: BodyRenderer,
): void | Promise<void> {
  const course = courseOf(ex, plan, faults);
  const served = course?.served ?? plan.totalTokens;
  const eff = ex.node.effective;
  let ttft = 0;
  let waitMs = course && course.stallAt >= 0 ? eff.stallMs : 0;
  if (!eff.instant) {
    const slow = slowdown(ex);
    ttft = firstToken(ex, model, plan) * slow;
    waitMs += ttft;
    for (let i = 1; i < served; i++) waitMs += gap(ex, slow);
  }
  ex.node.metrics?.ttftHandle(model.id).observe(ttft / 1000);
  const send = (): void | Promise<void> => {
    const reasoning = Math.min(served, plan.reasoningTokens);
    const usage = usageOf(plan, served - reasoning, reasoning);
    const text = render(
      meta,
      plan,
      course?.finish ?? plan.finishReason,
      usage,
      served - reasoning,
      reasoning,
    );
    if (typeof text !== 'string') {
      // A format that cannot say "insufficient resources" answers an error instead, not charged
      // (nothing reached the client); after a hold the 200 is out, so the answer is cut instead.
      if (!ex.headSent) return ex.sendError(text);
      ex.req.raw.socket.destroy();
      return;
    }
    charge(ex, model, usage, reasoning);
    if (faults.network === 'slow_body' || faults.network === 'malformed_json') {
      return sendFaultyBody(ex, text, faults.network);
    }
    ex.sendJson(200, text);
  };
  if (waitMs <= 0) return send();
  // Due from when the request was taken in, so the time spent reading it counts in the wait.
  return ex.sleepUntil(ex.answerFrom + waitMs).then((alive) => {
    if (alive) return send();
    // The client left while the answer was being generated (a hedge that lost, a client that
    // gave up): what was generated until then is counted, as the API bills it.
    const elapsed = performance.now() - ex.answerFrom;
    const perToken = served > 1 ? (waitMs - ttft) / (served - 1) : 0;
    const generated =
      elapsed < ttft
        ? 0
        : Math.min(served, 1 + (perToken > 0 ? Math.floor((elapsed - ttft) / perToken) : served));
    chargeGenerated(ex, model, plan, generated);
  });
}

/** Charges what was generated of an answer that never went out whole (the client left). */
function chargeGenerated(ex: Exchange, model: ModelInfo, plan: Plan, generated: number): void {
  const reasoning = Math.min(generated, plan.reasoningTokens);
  charge(ex, model, usageOf(plan, generated - reasoning, reasoning), reasoning);
}

/**
 * A streaming answer: role and first token after TTFT, then a frame per token. With no latency
 * configured the whole stream goes out in one synchronous write.
 */
export function emitStream(
  ex: Exchange,
  model: ModelInfo,
  plan: Plan,
  faults: FaultPlan,
  format: StreamFormat,
): void | Promise<void> {
  const course = courseOf(ex, plan, faults);
  const malformedAt =
    faults.network === 'malformed_json' ? Math.floor((course?.served ?? plan.totalTokens) / 2) : -1;
  if (malformedAt >= 0) ex.node.metrics?.fault('network_malformed_json');
  const stream: StreamJob = { ex, model, plan, format, course, malformedAt };
  if (ex.node.effective.instant && (course?.stallAt ?? -1) < 0) return streamAtOnce(stream);
  return streamOverTime(stream);
}

interface StreamJob {
  readonly ex: Exchange;
  readonly model: ModelInfo;
  readonly plan: Plan;
  readonly format: StreamFormat;
  readonly course: Course | null;
  readonly malformedAt: number;
}

function frameAt(job: StreamJob, i: number): string {
  const frame = job.format.token(i);
  return i === job.malformedAt ? job.format.malformed() + frame : frame;
}

/** Zero latency: every frame built into one string and written once, with its length known. */
function streamAtOnce(job: StreamJob): void {
  const served = job.course?.served ?? job.plan.totalTokens;
  job.ex.node.metrics?.ttftHandle(job.model.id).observe(0);
  let out = job.format.opening();
  for (let i = 0; i < served; i++) out += frameAt(job, i);
  out += closing(job, served);
  job.ex.writeHead(200, [...SSE_HEADERS, 'content-length', String(Buffer.byteLength(out))]);
  job.ex.end(out);
}

/** Frames written as tokens are generated: TTFT, then an inter-token gap before each. */
async function streamOverTime(job: StreamJob): Promise<void> {
  const { ex } = job;
  const served = job.course?.served ?? job.plan.totalTokens;
  const stallAt = job.course?.stallAt ?? -1;
  const eff = ex.node.effective;
  ex.watch();
  ex.writeHead(200, SSE_HEADERS);
  const slow = eff.instant ? 1 : slowdown(ex);
  const ttft = eff.instant ? 0 : firstToken(ex, job.model, job.plan) * slow;
  ex.node.metrics?.ttftHandle(job.model.id).observe(ttft / 1000);
  // One schedule for the whole stream: token i is due at TTFT plus the gaps before it, so a
  // timer that wakes late shortens the next wait instead of delaying every later token.
  let due = ex.answerFrom + ttft;
  // A client that leaves mid-stream is charged the tokens generated until then (`i` of them).
  if (!(await ex.sleepUntil(due))) return chargeGenerated(ex, job.model, job.plan, 0);
  ex.write(job.format.opening());
  for (let i = 0; i < served; i++) {
    if (i > 0) {
      const wait = (i === stallAt ? eff.stallMs : 0) + (eff.instant ? 0 : gap(ex, slow));
      due += wait;
      if (wait > 0 && !(await ex.sleepUntil(due))) return chargeGenerated(ex, job.model, job.plan, i);
    }
    ex.write(frameAt(job, i));
  }
  ex.end(closing(job, served));
}

/** What ends a stream: usage is charged, then the finish frame and [DONE], unless it is cut. */
function closing(job: StreamJob, served: number): string {
  const { plan, course } = job;
  const reasoning = Math.min(served, plan.reasoningTokens);
  const usage = usageOf(plan, served - reasoning, reasoning);
  charge(job.ex, job.model, usage, reasoning);
  // Cut short: the connection ends cleanly but without a finish frame or [DONE].
  if (course?.truncated) return '';
  return job.format.closing(course?.finish ?? plan.finishReason, usage, served);
}
