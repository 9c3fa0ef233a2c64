/**
 * Load profiles as k6 ramping-arrival-rate stages (an open model: arrivals do not wait for
 * answers, as real users' requests do not), plus the map from elapsed time to the step a request
 * belongs to, so every result can be split per step.
 */
export type ProfileName = 'smoke' | 'stepped' | 'spike' | 'soak' | 'breakpoint';

export interface ProfileInput {
  readonly name: ProfileName;
  /** stepped: the rates held in turn; spike: [base, peak]; soak: [rate]; breakpoint: [start, max]. */
  readonly rates: readonly number[];
  /** How long each step is held (stepped), the whole test (soak, breakpoint), or the peak (spike). */
  readonly stepSeconds: number;
  /** The ramp into each step. */
  readonly rampSeconds: number;
}

export interface Stage {
  readonly target: number;
  readonly duration: string;
}

export interface Step {
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly targetRate: number;
}

export interface Profile {
  readonly startRate: number;
  readonly stages: readonly Stage[];
  readonly steps: readonly Step[];
  /** Breakpoint runs stop at the first SLA breach. */
  readonly abortOnBreach: boolean;
}

const s = (seconds: number) => `${seconds}s`;

export const DEFAULT_RATES: Record<ProfileName, readonly number[]> = {
  smoke: [5],
  stepped: [250, 500, 1000, 2000, 4000, 6000],
  spike: [200, 2000],
  soak: [500],
  breakpoint: [100, 8000],
};

export const DEFAULT_STEP_SECONDS: Record<ProfileName, number> = {
  smoke: 10,
  stepped: 30,
  spike: 20,
  soak: 600,
  breakpoint: 300,
};

export function buildProfile(p: ProfileInput): Profile {
  const rates = p.rates.length > 0 ? p.rates : DEFAULT_RATES[p.name];
  const ramp = p.rampSeconds;
  const hold = p.stepSeconds;
  switch (p.name) {
    case 'smoke':
    case 'soak': {
      const rate = rates[0] as number;
      return {
        startRate: rate,
        stages: [{ target: rate, duration: s(hold) }],
        steps: [{ index: 0, startMs: 0, endMs: hold * 1000, targetRate: rate }],
        abortOnBreach: false,
      };
    }
    case 'stepped': {
      const stages: Stage[] = [];
      const steps: Step[] = [];
      rates.forEach((rate, index) => {
        const startMs = index * (ramp + hold) * 1000;
        if (ramp > 0) stages.push({ target: rate, duration: s(ramp) });
        stages.push({ target: rate, duration: s(hold) });
        steps.push({ index, startMs, endMs: startMs + (ramp + hold) * 1000, targetRate: rate });
      });
      return { startRate: rates[0] as number, stages, steps, abortOnBreach: false };
    }
    case 'spike': {
      // Base, a sudden spike, base again: three steps, the last one shows the recovery.
      const [base = 200, peak = 2000] = rates;
      const stages: Stage[] = [
        { target: base, duration: s(hold) },
        { target: peak, duration: s(Math.max(1, ramp)) },
        { target: peak, duration: s(hold) },
        { target: base, duration: s(Math.max(1, ramp)) },
        { target: base, duration: s(hold) },
      ];
      const r = Math.max(1, ramp);
      const steps: Step[] = [
        { index: 0, startMs: 0, endMs: hold * 1000, targetRate: base },
        { index: 1, startMs: hold * 1000, endMs: (2 * hold + r) * 1000, targetRate: peak },
        { index: 2, startMs: (2 * hold + r) * 1000, endMs: (3 * hold + 2 * r) * 1000, targetRate: base },
      ];
      return { startRate: base, stages, steps, abortOnBreach: false };
    }
    case 'breakpoint': {
      // One linear ramp; results are split into ten windows so the breaking point has a rate.
      const [start = 100, max = 8000] = rates;
      const windows = 10;
      const steps: Step[] = Array.from({ length: windows }, (_, index) => ({
        index,
        startMs: (index * hold * 1000) / windows,
        endMs: ((index + 1) * hold * 1000) / windows,
        targetRate: Math.round(start + ((max - start) * (index + 1)) / windows),
      }));
      return { startRate: start, stages: [{ target: max, duration: s(hold) }], steps, abortOnBreach: true };
    }
  }
}

/** The step a request sent `elapsedMs` into the test belongs to (the last one past the end). */
export function stepAt(steps: readonly Step[], elapsedMs: number): Step {
  for (const step of steps) if (elapsedMs < step.endMs) return step;
  return steps[steps.length - 1] as Step;
}
