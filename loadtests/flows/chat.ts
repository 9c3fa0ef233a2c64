/**
 * The one flow: a chat completion, streaming or not, from the configured mix. Records the
 * client's view: success, error class, and for streams time to first token (as time to first
 * byte: the first chunk carries the first token) and inter-token latency.
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Rate } from 'k6/metrics';
import { classify } from '../classify.ts';
import type { RunConfig } from '../config.ts';
import {
  attempts,
  ERROR_CLASSES,
  errors,
  interToken,
  latency,
  success,
  tokensPerSecond,
  ttft,
} from '../metrics.ts';
import { stepAt } from '../profiles.ts';

const OK = { outcome: 'ok' };

const WORDS =
  'the busy server answers every prompt with tokens while the queue grows and the limit holds'.split(' ');

function promptOf(chars: number, salt: number): string {
  let text = `Request ${salt}:`;
  for (let i = 0; text.length < chars; i++) text += ` ${WORDS[(i * 7 + salt) % WORDS.length]}`;
  return text;
}

/** Everything picked per request is prepared once per VU: the hot loop only chooses. */
export function prepareChat(config: RunConfig) {
  const { mix } = config;
  const models = Object.entries(mix.models);
  const totalWeight = models.reduce((n, [, w]) => n + w, 0);
  // Request bodies by "model|stream", one per prompt size, serialised once.
  const bodies: Record<string, string[]> = {};
  for (const [model] of models) {
    for (const stream of [false, true]) {
      bodies[`${model}|${stream}`] = mix.promptChars.map((chars, i) =>
        JSON.stringify({
          model,
          messages: [{ role: 'user', content: promptOf(chars, i) }],
          max_tokens: mix.maxTokens,
          stream,
          ...(stream ? { stream_options: { include_usage: true } } : {}),
        }),
      );
    }
  }
  const pickModel = () => {
    let u = Math.random() * totalWeight;
    for (const [model, w] of models) {
      u -= w;
      if (u < 0) return model;
    }
    return models[models.length - 1]?.[0] as string;
  };
  // Per-class rates only for the classes the SLA draws a line for: each one is a sample per request.
  const classRates = Object.fromEntries(
    Object.keys(config.sla.errorRates).map((c) => [c, new Rate(`busybench_error_${c}`)]),
  );
  // Request parameters, one per key and kind, made once: k6 scripts run in an interpreter, and
  // every object built per request shows in the rate one k6 can sustain.
  const expected = http.expectedStatuses({ min: 200, max: 299 });
  const params = Object.fromEntries(
    mix.keys.flatMap((key) =>
      [false, true].map((stream) => [
        `${key}|${stream}`,
        {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          timeout: config.timeout,
          tags: { stream: stream ? 'true' : 'false' },
          // Errors are what we measure, not what k6 should count as failed requests of its own.
          responseCallback: expected,
        },
      ]),
    ),
  );
  const outcomeTags = Object.fromEntries(ERROR_CLASSES.map((c) => [c, { outcome: c }]));
  return { bodies, pickModel, classRates, params, outcomeTags, url: `${config.target}/chat/completions` };
}

/** What a retrying client retries: the busy answers and the lost connections, not 4xx. */
const RETRIED = new Set(['429', '503', '5xx', 'timeout', 'network']);

/** Exponential backoff with full jitter (AWS architecture blog), or Retry-After when sent. */
function backoffMs(res: RefinedResponse<ResponseType | undefined>, attempt: number, baseMs: number): number {
  const retryAfter = Number(res.headers['Retry-After']);
  if (retryAfter > 0) return Math.min(retryAfter * 1000, 30_000);
  return Math.random() * Math.min(10_000, baseMs * 2 ** (attempt - 1));
}

export function chat(config: RunConfig, prepared: ReturnType<typeof prepareChat>): void {
  const step = stepAt(config.profile.steps, exec.instance.currentTestRunDuration);
  // Every metric this VU emits from here on carries the step and its target rate (set on change only).
  if (exec.vu.metrics.tags.step !== String(step.index)) {
    exec.vu.metrics.tags.step = String(step.index);
    exec.vu.metrics.tags.target_rate = String(step.targetRate);
  }

  const stream = Math.random() < config.mix.streamRatio;
  const model = prepared.pickModel();
  const choices = prepared.bodies[`${model}|${stream}`] ?? [];
  const body = choices[Math.floor(Math.random() * choices.length)] ?? '{}';
  const key = config.mix.keys[exec.scenario.iterationInTest % config.mix.keys.length];
  const params = prepared.params[`${key}|${stream}`];
  const started = Date.now();
  let res = http.post(prepared.url, body, params);
  let outcome = classify(res, stream);
  let tries = 1;
  while (tries <= config.retries && outcome.errorClass && RETRIED.has(outcome.errorClass)) {
    sleep(backoffMs(res, tries, config.retryBaseMs) / 1000);
    res = http.post(prepared.url, body, params);
    outcome = classify(res, stream);
    tries++;
  }
  if (config.retries > 0) attempts.add(tries);
  // One request, however many attempts: its latency is what the user waited, backoff included.
  const duration = tries === 1 ? res.timings.duration : Date.now() - started;

  success.add(outcome.ok);
  latency.add(duration, outcome.ok ? OK : prepared.outcomeTags[outcome.errorClass as string]);
  if (outcome.errorClass) errors[outcome.errorClass].add(1);
  for (const [errorClass, rate] of Object.entries(prepared.classRates))
    rate.add(errorClass === outcome.errorClass);
  if (stream && outcome.ok) {
    ttft.add(res.timings.waiting);
    if (outcome.frames > 1) interToken.add(res.timings.receiving / (outcome.frames - 1));
    if (res.timings.receiving > 0)
      tokensPerSecond.add(outcome.completionTokens / (res.timings.receiving / 1000));
  }
}
