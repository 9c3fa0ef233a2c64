import { Counter, Rate, Trend } from 'k6/metrics';

/**
 * The client's view, beyond k6's built-ins. Names are what thresholds and the collector read.
 * Error classes are separate counters so each can carry its own SLA line.
 */
export const success = new Rate('busybench_success');
/** End-to-end latency of every request, tagged with its outcome (ok or the error class): the collector's input. */
export const latency = new Trend('busybench_latency', true);
export const ttft = new Trend('busybench_ttft', true);
export const interToken = new Trend('busybench_inter_token', true);
/** Attempts per request, counted only when the client retries (BUSYBENCH_RETRIES > 0). */
export const attempts = new Counter('busybench_attempts');
export const tokensPerSecond = new Trend('busybench_output_tokens_per_second');

export const ERROR_CLASSES = ['429', '503', '5xx', '4xx', 'timeout', 'network', 'truncated'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export const errors: Record<ErrorClass, Counter> = {
  '429': new Counter('busybench_errors_429'),
  '503': new Counter('busybench_errors_503'),
  '5xx': new Counter('busybench_errors_5xx'),
  '4xx': new Counter('busybench_errors_4xx'),
  timeout: new Counter('busybench_errors_timeout'),
  network: new Counter('busybench_errors_network'),
  truncated: new Counter('busybench_errors_truncated'),
};
