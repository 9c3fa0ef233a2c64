/**
 * A trace's replay as a plan's profile: the engine reads the trace once (`busybench-engine
 * --trace-info`, the one reader of every format) and says how many rows it will send, how fast
 * and in which time windows; the windows are the steps the SLA judges.
 */
import type { Profile } from './profiles.js';

/** What the engine found in a trace (schedule.TraceInfo in loadtests/engine). */
export interface TraceInfo {
  readonly format: string;
  readonly rows: number;
  readonly selected: number;
  /** BurstGPT rows with no response (failed requests): not replayed. */
  readonly skippedFailed: number;
  /** Rows smaller than the smallest prompt (`minPrompt`), sent at that minimum. */
  readonly belowMinimum: number;
  readonly minPrompt: number;
  readonly maxPrompt: number;
  readonly maxOutput: number;
  /** Tokens the replay asks for per loop (prompts at the minimum where below it). */
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly spanMs: number;
  readonly speed: number;
  readonly meanRate: number;
  readonly loops: number;
  readonly durationMs: number;
  readonly windows: readonly {
    readonly index: number;
    readonly startMs: number;
    readonly endMs: number;
    readonly targetRate: number;
    readonly arrivals: number;
  }[];
}

/** The replay's profile: no phases (the trace is the schedule), one step per window. */
export function traceProfile(info: TraceInfo): Profile {
  return {
    name: 'trace',
    phases: [],
    steps: info.windows.map((w) => ({
      index: w.index,
      startMs: w.startMs,
      endMs: w.endMs,
      targetRate: w.targetRate,
    })),
    abortOnBreach: false,
  };
}

/**
 * What the mock needs to answer every row at its own length: `output.minTokens` at or above the
 * longest output, so each answer runs to exactly its `max_tokens` (and thinking off, or its
 * reasoning counts within that budget).
 */
export function mockOutputFor(info: TraceInfo): { minTokens: number; maxTokens: number } {
  return { minTokens: Math.max(1, info.maxOutput), maxTokens: Math.max(1, info.maxOutput) };
}

/** One line for the terminal: what is replayed, how fast, and what was not sent as recorded. */
export function describeTrace(file: string, info: TraceInfo): string {
  const notes = [
    info.belowMinimum > 0
      ? `${info.belowMinimum} rows below ${info.minPrompt} prompt tokens sent at ${info.minPrompt}`
      : '',
    info.skippedFailed > 0 ? `${info.skippedFailed} failed rows (no response) not replayed` : '',
  ].filter(Boolean);
  return (
    `trace ${file} (${info.format}): ${info.selected} of ${info.rows} rows × ${info.loops}, ` +
    `${info.speed.toPrecision(4)}× speed, ${(info.durationMs / 1000).toFixed(1)} s at a mean ` +
    `${info.meanRate.toFixed(1)} req/s, ${info.windows.length} windows; the mock needs ` +
    `behaviour.output.minTokens >= ${info.maxOutput} to answer each row at its length` +
    (notes.length > 0 ? `; ${notes.join('; ')}` : '')
  );
}
