import { Counter, Rate, Trend } from 'k6/metrics';

/**
 * The outcome classes of a request, in the order of loadtests/engine/contract/outcomes.json (the
 * one list, with each class's meaning). k6 cannot import JSON, so the list is written here again;
 * test/loadtests/outcomes.test.ts fails when the two differ.
 */
export const OUTCOMES = [
  'ok',
  '429',
  '503',
  '5xx',
  '4xx',
  'timeout',
  'network',
  'truncated',
  'malformed',
  'aborted',
  'filtered',
  'degraded',
] as const;
export type OutcomeClass = (typeof OUTCOMES)[number];
/** Every class but a success. */
export type ErrorClass = Exclude<OutcomeClass, 'ok'>;
export const ERROR_CLASSES = OUTCOMES.filter((c): c is ErrorClass => c !== 'ok');

/**
 * The client's view, beyond k6's built-ins. Names are what thresholds and the collector read.
 * Error classes are separate counters so each can carry its own SLA line.
 */
export const success = new Rate('busybench_success');
/** End-to-end latency of every request, tagged with its outcome (ok or the error class): the collector's input. */
export const latency = new Trend('busybench_latency', true);
export const ttft = new Trend('busybench_ttft', true);
export const interToken = new Trend('busybench_inter_token', true);
/** Attempts per request, counted only when the client retries (plan.retries > 0). */
export const attempts = new Counter('busybench_attempts');
export const tokensPerSecond = new Trend('busybench_output_tokens_per_second');

export const errors = Object.fromEntries(
  ERROR_CLASSES.map((c) => [c, new Counter(`busybench_errors_${c}`)]),
) as Record<ErrorClass, Counter>;
