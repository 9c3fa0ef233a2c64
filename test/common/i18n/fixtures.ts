import { readFileSync } from 'node:fs';
import { RunEvents } from '../../../collector/src/run-events.js';
import { type RunView, runView } from '../../../collector/src/run-view.js';
import { RunStats } from '../../../collector/src/step-stats.js';
import type { Sla } from '../../../common/sla/sla.js';
import type { Scoreboard } from '../../../runner/src/scoreboard.js';

/**
 * What the language tests render: real runs (the main job's, `make run`, kept as they were
 * written: a capacity run that broke, a fault run with phases, recovery and alerts; the
 * scoreboard of the five strategies) and one synthetic run for what those never had (priority
 * classes, two load generators of which one was cut short, streams with TTFT lines, error-rate
 * lines, dropped iterations, a malformed line).
 */
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;

/** A real run's report.json as a view (reports written before runners were added lack them). */
export function realRun(name: 'capacity-run' | 'faults-run'): RunView {
  const view = fixture(name) as RunView;
  return { ...view, runners: view.runners ?? [], missing: view.missing ?? [] };
}

export function realScoreboard(): Scoreboard {
  return fixture('scoreboard') as Scoreboard;
}

/**
 * A scoreboard with its loads as figures too, as compare keeps them now beside the English words
 * (the main job's load: `make run`), so the markdown and the page say them in their language.
 */
export function withLoadSpecs(b: Scoreboard): Scoreboard {
  return {
    ...b,
    ...(b.capacity
      ? {
          capacity: {
            ...b.capacity,
            loadSpec: {
              profile: 'stepped',
              rates: b.capacity.rates,
              stepSeconds: 6,
              mockConfig: '/work/main/runner/experiments/capacity-mock.yaml',
              nodes: 3,
            },
          },
        }
      : {}),
    ...(b.faults
      ? {
          faults: {
            ...b.faults,
            loadSpec: {
              rate: b.faults.rate,
              seconds: 38,
              scenario: b.faults.scenario,
              speed: b.faults.speed,
              nodes: 3,
            },
          },
        }
      : {}),
  };
}

const T0 = Date.parse('2026-11-22T10:00:00Z');

/**
 * Every kind of SLA line the judge writes: success, latency, TTFT, an error rate, per class too.
 * Spelled out, not from the default SLA, so the renderings kept in fixtures/en/ stay this run's.
 */
export const SYNTHETIC_SLA: Sla = {
  name: 'synthetic',
  successRate: 0.9995,
  latencyMs: { p99: 800 },
  ttftMs: { p95: 300 },
  errorRates: { '429': 0.01 },
  maxDroppedIterations: 0,
  classes: { P0: { successRate: 0.999, latencyMs: { p99: 500 } }, P3: { successRate: 1 } },
};

/**
 * The synthetic run's results lines: each engine's (segments 0/2 and 1/2; the second never wrote
 * its end line and sent half its share of step 1) and the loose ones after them (a dropped line,
 * a malformed one). Streams with a TTFT, classes P0 and P3, 429s and 503s in step 1.
 */
export function syntheticResults(): {
  readonly engines: readonly string[][];
  readonly loose: readonly string[];
} {
  const steps = [
    { step: 0, targetRate: 20, startMs: 0, endMs: 10_000, scheduled: 100 },
    { step: 1, targetRate: 40, startMs: 10_000, endMs: 20_000, scheduled: 200 },
  ];
  const runLine = (runner: string, segment: string) =>
    JSON.stringify({
      type: 'run',
      version: 1,
      engine: 'busybench-engine',
      runner,
      segment,
      target: 'http://127.0.0.1:8000',
      profile: 'stepped',
      startedAt: T0,
      steps,
    });
  const req = (i: number, step: number, rate: number, share: number) => {
    const outcome = step === 1 && i % 9 === 0 ? (i % 2 === 0 ? '429' : '503') : 'ok';
    return JSON.stringify({
      type: 'req',
      t: T0 + step * 10_000 + Math.floor((i * 10_000) / share),
      step,
      rate,
      stream: true,
      status: outcome === 'ok' ? 200 : Number(outcome),
      outcome,
      ms: outcome === 'ok' ? 120 + (i % 10) * 40 + step * 500 : 8,
      ttft: 80 + (i % 5) * 60,
      tokens: 40,
      late: i % 7 === 0 ? 9 : 1,
      attempts: 1,
      prio: i % 4 === 0 ? 'P0' : 'P3',
    });
  };
  const engines = ['0/2', '1/2'].map((segment, index) => {
    const lines = [runLine(`host-${index}`, segment)];
    for (const s of steps) {
      const share = s.scheduled / 2;
      // The second generator was killed half-way through step 1.
      const sent = index === 1 && s.step === 1 ? share / 2 : share;
      for (let i = 0; i < sent; i++) lines.push(req(i, s.step, s.targetRate, share));
    }
    if (index === 0)
      lines.push(
        JSON.stringify({
          type: 'end',
          t: T0 + 20_000,
          segment,
          steps: steps.map((s) => ({
            step: s.step,
            targetRate: s.targetRate,
            scheduled: s.scheduled / 2,
            sent: s.scheduled / 2,
            dropped: 0,
          })),
          exit: 99,
        }),
      );
    return lines;
  });
  const loose = [
    JSON.stringify({ type: 'dropped', t: T0 + 15_000, step: 1, rate: 40, n: 3 }),
    '{"type":"req","t":',
  ];
  return { engines, loose };
}

/** The synthetic run (syntheticResults) as a report: with a fault phase and an alert. */
export function syntheticRun(): RunView {
  const run = new RunStats(800);
  const { engines, loose } = syntheticResults();
  for (const [index, lines] of engines.entries()) {
    const source = { tally: null };
    run.beginSource(`runner ${index}`);
    for (const line of lines) run.ingestLine(line, source);
  }
  for (const line of loose) run.ingestLine(line);
  const events = new RunEvents();
  events.phase({ time: T0, scenario: 'peak-hour', phase: 'healthy', fault: false });
  events.phase({ time: T0 + 12_000, scenario: 'peak-hour', phase: 'flaky-503', fault: true });
  events.phase({ time: T0 + 16_000, scenario: 'peak-hour', phase: 'calm', fault: false });
  events.alert({
    time: T0 + 14_000,
    status: 'firing',
    alertname: 'Frequent5xx',
    severity: 'page',
    summary: 'Run synthetic: over 10 server errors (5xx) a minute',
    startsAt: new Date(T0 + 13_000).toISOString(),
    endsAt: '',
    fingerprint: 'f1',
    labels: { alertname: 'Frequent5xx' },
  });
  events.alert({
    time: T0 + 18_000,
    status: 'resolved',
    alertname: 'Frequent5xx',
    severity: 'page',
    summary: 'Run synthetic: over 10 server errors (5xx) a minute',
    startsAt: new Date(T0 + 13_000).toISOString(),
    endsAt: new Date(T0 + 18_000).toISOString(),
    fingerprint: 'f1',
    labels: { alertname: 'Frequent5xx' },
  });
  const view = runView({ runId: 'synthetic', live: false, sla: SYNTHETIC_SLA, run, events });
  // A fixed time, so a rendering can be compared with one kept from before (the spread reads `overall`).
  return { ...view, generatedAt: '2026-11-22T10:00:30.000Z' };
}

/**
 * The real scoreboard bent to say what the main job's did not: five repeats (intervals over
 * runs, knee deciding), a knee of none and one at the top step, a fault not recovered from, and
 * recoveries that ended otherwise.
 */
export function variedScoreboard(): Scoreboard {
  const b = realScoreboard();
  const capacity = b.capacity!;
  const faults = b.faults!;
  const top = Math.max(...capacity.rates);
  return {
    ...b,
    repeats: 5,
    order: 'shuffled',
    intervals: 'repeats',
    capacity: {
      ...capacity,
      deciding: 'knee',
      ranking: capacity.ranking.map((r, i) =>
        i === 0
          ? { ...r, figures: { ...r.figures, knee: { value: top, lo: null, hi: null, method: 'none' } } }
          : i === capacity.ranking.length - 1
            ? { ...r, figures: { ...r.figures, knee: { value: null, lo: null, hi: null, method: 'none' } } }
            : r,
      ),
    },
    faults: {
      ...faults,
      ranking: faults.ranking.map((r, i) => (i === 0 ? { ...r, notRecovered: 2, runs: 5 } : r)),
      recovery: faults.recovery.map((r, i) =>
        i === 0
          ? { ...r, statuses: ['recovered', 'not-recovered', 'no-traffic', 'missing', 'recovered'] }
          : r,
      ),
    },
  };
}
