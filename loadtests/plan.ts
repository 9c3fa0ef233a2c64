/**
 * A load run as data: what `busybench load` hands to the Go engine (`--plan plan.json`) and to
 * the k6 scripts (`BUSYBENCH_PLAN`), so both run the same schedule, mix and SLA. The format is
 * documented in loadtests/README.md; the engine reads it in loadtests/engine/internal/plan.
 */
import type { PriorityClass } from '../common/priority-classes.ts';
import type { Sla } from '../common/sla/sla.ts';
import type { Profile } from './profiles.ts';

export interface Mix {
  /** Share of requests that stream (SSE). */
  readonly streamRatio: number;
  /** Model name → weight. */
  readonly models: Readonly<Record<string, number>>;
  /** Prompt sizes in characters, picked uniformly. */
  readonly promptChars: readonly number[];
  readonly maxTokens: number;
  /** API keys, used in turn (several keys of one account do not raise its limit). */
  readonly keys: readonly string[];
  /**
   * Share of requests sent with `thinking: {type: "enabled"}`, 0..1; the others are sent with
   * "disabled". null sends no thinking field: the model's own default.
   */
  readonly thinking: number | null;
  /**
   * Priority class → weight (normalised), each request's class sent as `x-priority: P0`..`P3`;
   * a class left out weighs 0. null sends no header: no classes (a proxy takes P2).
   */
  readonly priority: Readonly<Record<PriorityClass, number>> | null;
  /**
   * Each request carries DeepSeek's `user_id`, drawn from `count` users: uniformly, or by Zipf's
   * law of exponent `zipf` (a few heavy users, a long tail). Absent: no user_id.
   */
  readonly users?: { readonly count: number; readonly zipf?: number };
  /**
   * Share of requests that repeat an earlier request's body byte for byte (16 to 31 arrivals
   * back), so a cache hits what the workload allows; the others are distinct. Absent: 0.
   */
  readonly reuseShare?: number;
  /**
   * Multi-turn conversations: arrival k is a turn of conversation k mod `count`, which starts
   * afresh after `turns` turns; each turn sends the conversation so far, the answers that came
   * back included (loadtests/README.md, "Sessions"). Absent: one-message prompts.
   */
  readonly sessions?: { readonly count: number; readonly turns: number };
}

/** How arrivals spread around the planned rate (absent: evenly spaced). */
export interface Arrivals {
  readonly kind: 'constant' | 'poisson' | 'gamma';
  /** gamma: the gaps' coefficient of variation (1 is Poisson's; above it, burstier). */
  readonly cv?: number;
}

/** What of a trace the engine replays, and how fast (loadtests/README.md, "Traces"). */
export interface TraceSpec {
  readonly file: string;
  readonly format?: TraceFormat;
  /** X times faster than recorded. */
  readonly speed?: number;
  /** The speed that gives this mean rate (req/s), the trace's shape kept. */
  readonly meanRate?: number;
  readonly startMs?: number;
  readonly durationMs?: number;
  readonly loops?: number;
  /** Steps: this many windows of equal length (default 10), or windows `windowMs` long. */
  readonly windows?: number;
  readonly windowMs?: number;
}

export const TRACE_FORMATS = ['azure', 'mooncake', 'burstgpt', 'busybench'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export const APIS = ['openai', 'anthropic'] as const;
export type Api = (typeof APIS)[number];

export const DEFAULT_MIX: Mix = {
  streamRatio: 0.3,
  // The API's everyday model; add deepseek-v4-pro with --models for its (lower) ceiling.
  models: { 'deepseek-v4-flash': 1 },
  promptChars: [200, 800, 3000],
  maxTokens: 64,
  keys: ['sk-busybench', 'sk-busybench-2', 'sk-busybench-3'],
  // The V4 models think by default; sent explicitly, so a run says what it asked for.
  thinking: 1,
  priority: null,
};

export interface Plan {
  readonly version: 1;
  /** Base URL; requests go to `${target}/chat/completions`. */
  readonly target: string;
  readonly allowRemote: boolean;
  readonly profile: Profile;
  readonly mix: Mix;
  readonly sla: Sla;
  /** Requests in flight at most; an arrival due when the cap is reached is dropped (counted). */
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  /** In-client retries on 429, 503, other 5xx, timeouts and network errors (0: none). */
  readonly retries: number;
  readonly retryBaseMs: number;
  /** Seeds the mix's draws (stream or not, model, prompt, thinking, class), so a run can be repeated. */
  readonly seed: number;
  readonly arrivals?: Arrivals;
  /** A trace replayed in place of the profile's phases: its windows are the steps. */
  readonly trace?: TraceSpec;
  /** The request format: OpenAI's chat completions (default) or Anthropic's messages. */
  readonly api?: Api;
  /** End the arrivals once the target is plainly past saturation (the engine only). */
  readonly stopWhenSaturated?: boolean;
}
