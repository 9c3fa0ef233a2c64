/**
 * Everything a run is made of, read once from the environment `busybench load` sets (or a user
 * running k6 by hand): target, profile, request mix and SLA. One module, so every flow and
 * threshold reads the same values.
 */
import { assertLoopback } from './guard.ts';
import { buildProfile, DEFAULT_STEP_SECONDS, type Profile, type ProfileName } from './profiles.ts';
import { DEFAULT_SLA, type Sla } from './sla.ts';

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
}

export const DEFAULT_MIX: Mix = {
  streamRatio: 0.3,
  models: { 'deepseek-flash': 0.8, 'deepseek-v4-pro': 0.2 },
  promptChars: [200, 800, 3000],
  maxTokens: 64,
  keys: ['sk-busybench', 'sk-busybench-2', 'sk-busybench-3'],
};

export interface RunConfig {
  readonly target: string;
  readonly profileName: ProfileName;
  readonly profile: Profile;
  readonly mix: Mix;
  readonly sla: Sla;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly timeout: string;
  readonly summaryPath: string;
  /**
   * In-client retries (a strategy of its own: exponential backoff with full jitter on 429, 503,
   * other 5xx, timeouts and network errors). 0: every request is one attempt (the baseline).
   */
  readonly retries: number;
  readonly retryBaseMs: number;
}

const PROFILES: readonly ProfileName[] = ['smoke', 'stepped', 'spike', 'soak', 'breakpoint'];

function env(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value === '' ? undefined : value;
}

function json<T>(name: string, fallback: T): T {
  const raw = env(name);
  if (raw === undefined) return fallback;
  try {
    return { ...fallback, ...JSON.parse(raw) } as T;
  } catch (err) {
    throw new Error(`${name} is not valid JSON: ${String(err)}`);
  }
}

export function readConfig(): RunConfig {
  const target = (env('BUSYBENCH_TARGET') ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
  assertLoopback(target, env('BUSYBENCH_ALLOW_REMOTE') === '1');
  const profileName = (env('BUSYBENCH_PROFILE') ?? 'smoke') as ProfileName;
  if (!PROFILES.includes(profileName)) {
    throw new Error(`BUSYBENCH_PROFILE must be one of ${PROFILES.join(', ')}, not "${profileName}"`);
  }
  const rates = (env('BUSYBENCH_RATES') ?? '')
    .split(',')
    .filter((r) => r.trim() !== '')
    .map(Number);
  if (rates.some((r) => !Number.isFinite(r) || r <= 0))
    throw new Error('BUSYBENCH_RATES must be positive numbers, comma-separated');
  const profile = buildProfile({
    name: profileName,
    rates,
    stepSeconds: Number(env('BUSYBENCH_STEP_SECONDS') ?? DEFAULT_STEP_SECONDS[profileName]),
    rampSeconds: Number(env('BUSYBENCH_RAMP_SECONDS') ?? 2),
  });
  const maxRate = Math.max(profile.startRate, ...profile.stages.map((s) => s.target));
  return {
    target,
    profileName,
    profile,
    mix: json('BUSYBENCH_MIX', DEFAULT_MIX),
    sla: json('BUSYBENCH_SLA', DEFAULT_SLA),
    // An open model needs a VU per request in flight: rate × latency. LLM answers take hundreds
    // of ms, and VUs k6 has to make mid-run arrive late (dropped iterations on a busy machine):
    // start with half a second of answers, allow growth to two seconds.
    preAllocatedVUs: Number(env('BUSYBENCH_VUS') ?? Math.min(1000, Math.max(10, Math.ceil(maxRate * 0.5)))),
    maxVUs: Number(env('BUSYBENCH_MAX_VUS') ?? Math.min(5000, Math.max(50, Math.ceil(maxRate * 2)))),
    timeout: env('BUSYBENCH_TIMEOUT') ?? '60s',
    summaryPath: env('BUSYBENCH_SUMMARY') ?? 'results/summary.json',
    retries: Number(env('BUSYBENCH_RETRIES') ?? 0),
    retryBaseMs: Number(env('BUSYBENCH_RETRY_BASE_MS') ?? 100),
  };
}
