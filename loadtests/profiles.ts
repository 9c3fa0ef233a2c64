/**
 * Load profiles as one schedule of phases, each a linear arrival rate from `fromRate` to
 * `toRate` (an open model: arrivals do not wait for answers, as real users' requests do not).
 * The Go engine runs these phases as they are; the k6 scripts turn them into
 * ramping-arrival-rate stages (`k6Stages`). One definition, so both run the same schedule.
 */
export type ProfileName = 'smoke' | 'stepped' | 'spike' | 'soak' | 'breakpoint' | 'ramp';

export const PROFILES: readonly ProfileName[] = ['smoke', 'stepped', 'spike', 'soak', 'breakpoint', 'ramp'];

export interface ProfileInput {
  readonly name: ProfileName;
  /** stepped: the rates held in turn; spike: [base, peak]; soak, smoke: [rate]; breakpoint, ramp: [from, to]. */
  readonly rates: readonly number[];
  /** How long each step is held (stepped), the peak (spike), or the whole run (the others). */
  readonly stepSeconds: number;
  /** stepped: a linear ramp into each step after the first; spike: the climb and the fall. */
  readonly rampSeconds: number;
}

/** A stretch of the schedule: the rate goes linearly from `fromRate` to `toRate`. */
export interface Phase {
  readonly step: number;
  readonly targetRate: number;
  readonly fromRate: number;
  readonly toRate: number;
  readonly durationMs: number;
}

export interface Step {
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly targetRate: number;
}

export interface Profile {
  /** A profile's name, or `trace` for a trace's replay (its steps are time windows). */
  readonly name: ProfileName | 'trace';
  readonly phases: readonly Phase[];
  readonly steps: readonly Step[];
  /** Breakpoint runs stop at the first SLA breach. */
  readonly abortOnBreach: boolean;
}

export const DEFAULT_RATES: Record<ProfileName, readonly number[]> = {
  smoke: [5],
  stepped: [250, 500, 1000, 2000, 4000, 6000],
  spike: [200, 2000],
  soak: [500],
  breakpoint: [100, 8000],
  ramp: [100, 2000],
};

export const DEFAULT_STEP_SECONDS: Record<ProfileName, number> = {
  smoke: 10,
  stepped: 30,
  spike: 20,
  soak: 600,
  breakpoint: 300,
  ramp: 120,
};

/** A ramp's results are split into this many windows, so a breaking point has a rate. */
const RAMP_WINDOWS = 10;

const hold = (step: number, rate: number, ms: number): Phase => ({
  step,
  targetRate: rate,
  fromRate: rate,
  toRate: rate,
  durationMs: ms,
});

export function buildProfile(p: ProfileInput): Profile {
  const rates = p.rates.length > 0 ? p.rates : DEFAULT_RATES[p.name];
  const holdMs = p.stepSeconds * 1000;
  const rampMs = p.rampSeconds * 1000;
  const phases: Phase[] = [];
  switch (p.name) {
    case 'smoke':
    case 'soak':
      phases.push(hold(0, rates[0] as number, holdMs));
      break;
    case 'stepped':
      rates.forEach((rate, index) => {
        const before = rates[index - 1];
        if (before !== undefined && rampMs > 0)
          phases.push({ step: index, targetRate: rate, fromRate: before, toRate: rate, durationMs: rampMs });
        phases.push(hold(index, rate, holdMs));
      });
      break;
    case 'spike': {
      // Base, a sudden spike, base again: three steps, the last one shows the recovery.
      const [base = 200, peak = 2000] = rates;
      const edge = Math.max(1000, rampMs);
      phases.push(
        hold(0, base, holdMs),
        { step: 1, targetRate: peak, fromRate: base, toRate: peak, durationMs: edge },
        hold(1, peak, holdMs),
        { step: 2, targetRate: base, fromRate: peak, toRate: base, durationMs: edge },
        hold(2, base, holdMs),
      );
      break;
    }
    case 'breakpoint':
    case 'ramp': {
      const [from = 100, to = 8000] = rates;
      const rateAt = (i: number) => from + ((to - from) * i) / RAMP_WINDOWS;
      for (let i = 0; i < RAMP_WINDOWS; i++)
        phases.push({
          step: i,
          targetRate: Math.round(rateAt(i + 1)),
          fromRate: rateAt(i),
          toRate: rateAt(i + 1),
          durationMs: holdMs / RAMP_WINDOWS,
        });
      break;
    }
  }
  return { name: p.name, phases, steps: stepsOf(phases), abortOnBreach: p.name === 'breakpoint' };
}

/** Each step spans its phases, in order. */
function stepsOf(phases: readonly Phase[]): Step[] {
  const steps: Step[] = [];
  let at = 0;
  for (const ph of phases) {
    const last = steps[steps.length - 1];
    if (last && last.index === ph.step) steps[steps.length - 1] = { ...last, endMs: at + ph.durationMs };
    else steps.push({ index: ph.step, startMs: at, endMs: at + ph.durationMs, targetRate: ph.targetRate });
    at += ph.durationMs;
  }
  return steps;
}

/** The highest rate the schedule reaches (a trace's: its busiest window's mean). */
export function peakRate(profile: Profile): number {
  if (profile.phases.length === 0) return Math.max(0, ...profile.steps.map((s) => s.targetRate));
  return Math.max(...profile.phases.flatMap((p) => [p.fromRate, p.toRate]));
}

/** The schedule's mean arrival rate (req/s): its planned arrivals over its length. */
export function meanRate(profile: Profile): number {
  const ms = profile.phases.reduce((sum, p) => sum + p.durationMs, 0);
  if (ms <= 0) return 0;
  return profile.phases.reduce((sum, p) => sum + ((p.fromRate + p.toRate) / 2) * p.durationMs, 0) / ms;
}

/**
 * The same schedule as k6 ramping-arrival-rate stages. k6 ramps from the previous stage's
 * target; a phase that starts elsewhere (none of ours do but a spike's edges, which are ramps)
 * gets a zero-length stage to jump first.
 */
export function k6Stages(profile: Profile): {
  startRate: number;
  stages: { target: number; duration: string }[];
} {
  const first = profile.phases[0] as Phase;
  const stages: { target: number; duration: string }[] = [];
  let current = first.fromRate;
  for (const ph of profile.phases) {
    if (ph.fromRate !== current) stages.push({ target: ph.fromRate, duration: '0s' });
    stages.push({ target: ph.toRate, duration: `${ph.durationMs}ms` });
    current = ph.toRate;
  }
  return { startRate: first.fromRate, stages };
}

/** The step a request sent `elapsedMs` into the test belongs to (the last one past the end). */
export function stepAt(steps: readonly Step[], elapsedMs: number): Step {
  for (const step of steps) if (elapsedMs < step.endMs) return step;
  return steps[steps.length - 1] as Step;
}
