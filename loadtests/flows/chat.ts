/**
 * The one flow: a chat completion, streaming or not, drawn from the plan's mix. Records the
 * client's view: the outcome class, and for whole streams time to first token (as time to first
 * byte: the server sends its headers with the first chunk) and inter-token latency.
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Rate } from 'k6/metrics';
import { classify } from '../classify.ts';
import type { RunConfig } from '../config.ts';
import {
  attempts,
  type ErrorClass,
  errors,
  interToken,
  latency,
  OUTCOMES,
  type OutcomeClass,
  success,
  tokensPerSecond,
  ttft,
} from '../metrics.ts';
import type { Mix } from '../plan.ts';
import { drawPriority, PRIORITY_CLASSES, PRIORITY_HEADER, type PriorityClass } from '../priority.ts';
import { stepAt } from '../profiles.ts';
import { slaErrorClasses } from '../sla.ts';

const WORDS =
  'the busy server answers every prompt with tokens while the queue grows and the limit holds'.split(' ');

function promptOf(chars: number, salt: number): string {
  let text = `Request ${salt}:`;
  for (let i = 0; text.length < chars; i++) text += ` ${WORDS[(i * 7 + salt) % WORDS.length]}`;
  return text;
}

/**
 * The JSON body of one request of the mix: a model, one of the prompt sizes, streaming or not,
 * thinking or not (no thinking field when the plan leaves it to the model).
 */
export function requestBody(
  mix: Mix,
  model: string,
  promptIndex: number,
  stream: boolean,
  thinks: boolean,
): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: promptOf(mix.promptChars[promptIndex] ?? 0, promptIndex) }],
    max_tokens: mix.maxTokens,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    ...(mix.thinking === null ? {} : { thinking: { type: thinks ? 'enabled' : 'disabled' } }),
  });
}

/**
 * A number in [0, 1) from the seed, the request's index in the test and which draw it is
 * (murmur3's finaliser): the mix's draws are the same in a run with the same seed, whichever VU
 * sends a request and whenever.
 */
export function unitDraw(seed: number, request: number, draw: number): number {
  let h = (seed ^ Math.imul(request + 1, 0x9e3779b1) ^ Math.imul(draw + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** The model for a draw u in [0, 1), by weight. */
export function pickModel(models: readonly (readonly [string, number])[], u: number): string {
  const total = models.reduce((n, [, w]) => n + w, 0);
  let left = u * total;
  for (const [model, w] of models) {
    left -= w;
    if (left < 0) return model;
  }
  return models[models.length - 1]?.[0] as string;
}

/** What request n of the mix is: each choice its own draw, so adding one changes none of the others. */
export interface Draws {
  readonly stream: boolean;
  readonly model: string;
  readonly promptIndex: number;
  /** Sent with thinking enabled (false as well when the plan sends no thinking field). */
  readonly thinks: boolean;
  /** Its class, sent as x-priority; null when the plan has no classes. */
  readonly priority: PriorityClass | null;
}

/**
 * Request n's draws. The draw numbers are the engine's (attack/requests.go): 0 stream, 1 model,
 * 2 prompt, 3 thinking. The class is the engine's own draw, bit for bit (priority.ts): k6 and
 * the engine give request n the same class.
 */
export function drawRequest(
  mix: Mix,
  models: readonly (readonly [string, number])[],
  seed: number,
  n: number,
): Draws {
  return {
    stream: unitDraw(seed, n, 0) < mix.streamRatio,
    model: pickModel(models, unitDraw(seed, n, 1)),
    promptIndex: Math.floor(unitDraw(seed, n, 2) * mix.promptChars.length),
    thinks: mix.thinking !== null && unitDraw(seed, n, 3) < mix.thinking,
    priority: drawPriority(mix.priority ?? null, seed, n),
  };
}

/** Everything a request needs but its draws is prepared once per VU: the hot loop only chooses. */
export function prepareChat(config: RunConfig) {
  const { plan } = config;
  const { mix } = plan;
  const models = Object.entries(mix.models);
  // Request bodies by "model|stream|thinks", one per prompt size, serialised once.
  const bodies: Record<string, string[]> = {};
  for (const [model] of models)
    for (const stream of [false, true])
      for (const thinks of [false, true])
        bodies[`${model}|${stream}|${thinks}`] = mix.promptChars.map((_, i) =>
          requestBody(mix, model, i, stream, thinks),
        );
  // Per-class rates only for the classes the SLA draws a line for: each one is a sample per request.
  const classRates = slaErrorClasses(plan.sla).map((c) => [c, new Rate(`busybench_error_${c}`)] as const);
  // Request parameters, one per key and kind, made once: k6 scripts run in an interpreter, and
  // every object built per request shows in the rate one k6 can sustain.
  const expected = http.expectedStatuses({ min: 200, max: 299 });
  // By key, stream and class ("" when the plan has none: no x-priority header).
  const classes: readonly string[] = mix.priority ? PRIORITY_CLASSES : [''];
  const params = Object.fromEntries(
    mix.keys.flatMap((key) =>
      [false, true].flatMap((stream) =>
        classes.map((priority) => [
          `${key}|${stream}|${priority}`,
          {
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${key}`,
              ...(priority === '' ? {} : { [PRIORITY_HEADER]: priority }),
            },
            timeout: plan.timeoutMs,
            tags: { stream: stream ? 'true' : 'false' },
            // Errors are what we measure, not what k6 should count as failed requests of its own.
            responseCallback: expected,
          },
        ]),
      ),
    ),
  );
  const outcomeTags = Object.fromEntries(OUTCOMES.map((c) => [c, { outcome: c }])) as Record<
    OutcomeClass,
    { outcome: string }
  >;
  return {
    models,
    bodies,
    classRates,
    params,
    outcomeTags,
    url: `${plan.target.replace(/\/+$/, '')}/chat/completions`,
  };
}

/** What a retrying client retries: the busy answers and the lost connections, not 4xx. */
const RETRIED: ReadonlySet<OutcomeClass> = new Set<OutcomeClass>(['429', '503', '5xx', 'timeout', 'network']);

/** Exponential backoff with full jitter (AWS architecture blog), or Retry-After when sent. */
function backoffMs(res: RefinedResponse<ResponseType | undefined>, attempt: number, baseMs: number): number {
  const retryAfter = Number(res.headers['Retry-After']);
  if (retryAfter > 0) return Math.min(retryAfter * 1000, 30_000);
  return Math.random() * Math.min(10_000, baseMs * 2 ** (attempt - 1));
}

function outcomeOf(res: RefinedResponse<ResponseType | undefined>, stream: boolean) {
  return classify(
    {
      status: res.status,
      errorCode: res.error_code,
      headers: res.headers,
      body: typeof res.body === 'string' ? res.body : '',
    },
    stream,
  );
}

export function chat(config: RunConfig, prepared: ReturnType<typeof prepareChat>): void {
  const { plan } = config;
  const step = stepAt(plan.profile.steps, exec.instance.currentTestRunDuration);
  // Every metric this VU emits from here on carries the step and its target rate (set on change only).
  if (exec.vu.metrics.tags.step !== String(step.index)) {
    exec.vu.metrics.tags.step = String(step.index);
    exec.vu.metrics.tags.target_rate = String(step.targetRate);
  }

  const n = exec.scenario.iterationInTest;
  const { stream, model, promptIndex, thinks, priority } = drawRequest(
    plan.mix,
    prepared.models,
    plan.seed,
    n,
  );
  // The class tags every metric of this request (the collector's per-class figures, the SLA's
  // `{priority:P0}` thresholds); set on change only, and never when the plan has no classes.
  if (priority !== null && exec.vu.metrics.tags.priority !== priority)
    exec.vu.metrics.tags.priority = priority;
  const body = prepared.bodies[`${model}|${stream}|${thinks}`]?.[promptIndex] ?? '{}';
  const key = plan.mix.keys[n % plan.mix.keys.length];
  const params = prepared.params[`${key}|${stream}|${priority ?? ''}`];
  const started = Date.now();
  let res = http.post(prepared.url, body, params);
  let outcome = outcomeOf(res, stream);
  let tries = 1;
  while (tries <= plan.retries && RETRIED.has(outcome.outcome)) {
    sleep(backoffMs(res, tries, plan.retryBaseMs) / 1000);
    res = http.post(prepared.url, body, params);
    outcome = outcomeOf(res, stream);
    tries++;
  }
  if (plan.retries > 0) attempts.add(tries);
  // One request, however many attempts: its latency is what the user waited, backoff included.
  const duration = tries === 1 ? res.timings.duration : Date.now() - started;

  const ok = outcome.outcome === 'ok';
  success.add(ok);
  latency.add(duration, prepared.outcomeTags[outcome.outcome]);
  if (!ok) errors[outcome.outcome as ErrorClass].add(1);
  for (const [errorClass, rate] of prepared.classRates) rate.add(errorClass === outcome.outcome);
  if (stream && ok) {
    ttft.add(res.timings.waiting);
    if (outcome.tokenFrames > 1) interToken.add(res.timings.receiving / (outcome.tokenFrames - 1));
    if (res.timings.receiving > 0 && outcome.completionTokens > 0)
      tokensPerSecond.add(outcome.completionTokens / (res.timings.receiving / 1000));
  }
}
