import { lookup } from 'node:dns/promises';
import type { StepKpis } from './run-view.js';
import type { RunStats, StepStats } from './step-stats.js';

/**
 * The upstream's ground truth: the mock nodes' own count of attempts, scraped from their
 * /metrics every few seconds, so that a step's window can be matched with what the upstream saw
 * in the same time. That is what amplification (attempts / requests) and error masking are made of.
 */
export interface UpstreamCounts {
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** Completion attempts answered, all nodes. */
  readonly attempts: number;
  /** Of those, answered with anything but 2xx (or dropped). */
  readonly errors: number;
  /** Completion tokens the upstream generated (absent in events files older than this field). */
  readonly tokens?: number;
  /** What the tokens served cost at the mock's prices, USD (absent likewise). */
  readonly costUsd?: number;
  /**
   * The strategy's queue at this scrape (`busybench_strategy_queue_length`, strategy-queue.ts);
   * absent when no strategy's metrics were scraped or none exports it.
   */
  readonly queueLength?: number;
}

/** The counters the upstream's view is made of, each read at one time or over a span. */
export interface UpstreamTally {
  readonly attempts: number;
  readonly errors: number;
  readonly tokens: number;
  readonly costUsd: number;
}

export interface UpstreamSnapshot extends UpstreamCounts {
  /** The scenario phase playing (on any node in a fault phase, else the first that answered). */
  readonly phase: ScenarioPhase | null;
}

export interface ScenarioPhase {
  readonly scenario: string;
  readonly phase: string;
  readonly fault: boolean;
  /** When the node says the phase began, ms since the epoch (absent from mocks older than that). */
  readonly startedAt?: number;
}

const PHASE = /^busybench_mock_scenario_phase\{[^}]*scenario="([^"]*)"[^}]*phase="([^"]*)"[^}]*\} 1$/;
const FAULT = /^busybench_mock_scenario_fault(?:\{[^}]*\})? 1$/m;
const STARTED = /^busybench_mock_scenario_phase_started_seconds(?:\{[^}]*\})? ([\d.e+]+)$/m;

/** The scenario phase a node reports; null when it runs none (or is not our mock). */
export function scenarioPhase(metricsText: string): ScenarioPhase | null {
  for (const line of metricsText.split('\n')) {
    const m = PHASE.exec(line);
    if (m && m[1] !== 'none') {
      const started = Number(STARTED.exec(metricsText)?.[1] ?? 0) * 1000;
      return {
        scenario: m[1] as string,
        phase: m[2] as string,
        fault: FAULT.test(metricsText),
        ...(started > 0 ? { startedAt: started } : {}),
      };
    }
  }
  return null;
}

const COMPLETIONS = /^busybench_mock_requests_total\{([^}]*)\} ([\d.e+-]+)$/;
const TOKENS = /^busybench_mock_tokens_total\{[^}]*kind="completion"[^}]*\} ([\d.e+-]+)$/;
const COST = /^busybench_mock_cost_usd_total\{[^}]*\} ([\d.e+-]+)$/;

/** Sums a node's completion attempts, errors, generated tokens and their cost from its Prometheus text. */
export function countAttempts(metricsText: string): UpstreamTally {
  let attempts = 0;
  let errors = 0;
  let tokens = 0;
  let costUsd = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('busybench_mock_')) continue;
    const t = TOKENS.exec(line);
    if (t) tokens += Number(t[1]);
    const c = COST.exec(line);
    if (c) costUsd += Number(c[1]);
    const m = COMPLETIONS.exec(line);
    if (!m || !/endpoint="\/(chat|beta)\/completions"/.test(m[1] as string)) continue;
    const n = Number(m[2]);
    attempts += n;
    if (!/status="2\d\d"/.test(m[1] as string)) errors += n;
  }
  return { attempts, errors, tokens, costUsd };
}

/**
 * Scrapes every node once. A node that does not answer this time counts what it counted the last
 * time it did (`last`, kept by the caller across scrapes): a missed scrape must not make the
 * upstream's totals fall and rise again, which would put negative attempts in one window.
 */
export async function scrapeUpstream(
  urls: readonly string[],
  now = Date.now(),
  last: Map<string, UpstreamTally> = new Map(),
): Promise<UpstreamSnapshot> {
  // Nodes seen before and not named now (a pod gone from the name) keep their last counts.
  const named = (await Promise.all(urls.map(nodeUrls))).flat();
  const nodes = [...new Set([...named, ...last.keys()])];
  const counts = await Promise.all(
    nodes.map(async (url) => {
      try {
        const res = await fetch(`${url.replace(/\/+$/, '')}/metrics`, { signal: AbortSignal.timeout(2000) });
        const text = await res.text();
        const tally = countAttempts(text);
        last.set(url, tally);
        return { ...tally, phase: scenarioPhase(text) };
      } catch {
        return { ...(last.get(url) ?? { attempts: 0, errors: 0, tokens: 0, costUsd: 0 }), phase: null };
      }
    }),
  );
  const phases = counts.map((c) => c.phase).filter((p): p is ScenarioPhase => p !== null);
  return {
    time: now,
    phase: phases.find((p) => p.fault) ?? phases[0] ?? null,
    attempts: counts.reduce((n, c) => n + c.attempts, 0),
    errors: counts.reduce((n, c) => n + c.errors, 0),
    tokens: counts.reduce((n, c) => n + c.tokens, 0),
    costUsd: counts.reduce((n, c) => n + c.costUsd, 0),
  };
}

/**
 * Requests still under way where a node's metrics say: the mock's generating, queued and held
 * ones, or the requests one of our strategies is handling. Their tokens and cost are not counted
 * yet (the mock charges an answer when it ends), so a figure read while any is left falls short.
 */
const BUSY = /^busybench_(?:mock_(?:in_flight|queued|held)|strategy_in_flight)(?:\{[^}]*\})? ([\d.e+-]+)$/;

export function busyCount(metricsText: string): number {
  let busy = 0;
  for (const line of metricsText.split('\n')) {
    const m = BUSY.exec(line);
    if (m) busy += Number(m[1]);
  }
  return busy;
}

/** What waiting for the upstream to go idle found. */
export interface Idle {
  /** How long it waited, ms. */
  readonly waitedMs: number;
  /** Requests still under way when it stopped waiting (0: idle). */
  readonly busy: number;
  /** Metrics URLs that did not answer the last time they were asked (counted as not idle). */
  readonly unanswered: readonly string[];
}

/**
 * Waits until nothing is under way at any of `metricsUrls` (a strategy's before the upstream's
 * nodes: read in that order, a strategy with nothing in flight starts no attempt the nodes read
 * after it would miss), asking every `pollMs`, for at most `timeoutMs`. Once the load generators
 * have ended, this is when the upstream's counters hold every attempt, token and cent of the
 * run: never a fixed wait, which a busy machine outlasts.
 */
export async function untilIdle(
  metricsUrls: readonly string[],
  o: { timeoutMs?: number; pollMs?: number } = {},
): Promise<Idle> {
  const started = performance.now();
  const deadline = started + (o.timeoutMs ?? 30_000);
  for (;;) {
    let busy = 0;
    const unanswered: string[] = [];
    for (const url of metricsUrls) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        busy += busyCount(await res.text());
      } catch {
        unanswered.push(url);
      }
    }
    const waitedMs = performance.now() - started;
    if ((busy === 0 && unanswered.length === 0) || performance.now() >= deadline)
      return { waitedMs, busy, unanswered };
    await new Promise((r) => setTimeout(r, o.pollMs ?? 50));
  }
}

/** The metrics URLs of an upstream's nodes, names of headless Services resolved now. */
export async function nodeMetricsUrls(urls: readonly string[]): Promise<string[]> {
  return (await Promise.all(urls.map(nodeUrls))).flat().map((u) => `${u.replace(/\/+$/, '')}/metrics`);
}

const isDnsUrl = (url: string) => url.startsWith('dns+');

/**
 * An upstream URL's nodes: itself, or for `dns+http://name:port` every address the name resolves
 * to, re-resolved each scrape (Kubernetes' headless Service: one address a mock pod), as
 * Prometheus' dns_sd_configs does. A name that does not resolve names no node this time.
 */
async function nodeUrls(url: string): Promise<string[]> {
  if (!isDnsUrl(url)) return [url];
  const u = new URL(url.slice('dns+'.length));
  try {
    const addresses = await lookup(u.hostname, { all: true });
    return addresses.map(({ address, family }) => {
      const node = new URL(u);
      node.hostname = family === 6 ? `[${address}]` : address;
      return node.toString().replace(/\/$/, '');
    });
  } catch {
    return [];
  }
}

/** Snapshots in time order; bounded, the oldest dropped past the cap (a day at one per 2 s). */
export class UpstreamTimeline {
  private readonly snapshots: UpstreamCounts[] = [];

  constructor(private readonly cap = 43_200) {}

  add(s: UpstreamCounts): void {
    this.snapshots.push(s);
    if (this.snapshots.length > this.cap) this.snapshots.shift();
  }

  /** Counts at a time, linearly interpolated between the snapshots around it; -Infinity: the first. */
  at(time: number): UpstreamTally | null {
    const s = this.snapshots;
    const first = s[0];
    const last = s[s.length - 1];
    if (!first || !last) return null;
    if (time === Number.NEGATIVE_INFINITY) return tally(first);
    if (time < first.time) return null;
    if (time >= last.time) return tally(last);
    let i = 1;
    while ((s[i] as UpstreamCounts).time < time) i++;
    const sa = s[i - 1] as UpstreamCounts;
    const sb = s[i] as UpstreamCounts;
    const [a, b] = [tally(sa), tally(sb)];
    const f = sb.time === sa.time ? 1 : (time - sa.time) / (sb.time - sa.time);
    return {
      attempts: a.attempts + f * (b.attempts - a.attempts),
      errors: a.errors + f * (b.errors - a.errors),
      tokens: a.tokens + f * (b.tokens - a.tokens),
      costUsd: a.costUsd + f * (b.costUsd - a.costUsd),
    };
  }

  /** Everything the upstream saw while it was watched (first snapshot to last). */
  total(): UpstreamTally | null {
    const first = this.snapshots[0];
    const last = this.snapshots[this.snapshots.length - 1];
    return first && last ? minus(tally(last), tally(first)) : null;
  }

  /** What the upstream saw between two times, or null when the snapshots do not cover them. */
  between(from: number, to: number): UpstreamTally | null {
    const a = this.at(from);
    const b = this.at(to);
    return a && b ? minus(b, a) : null;
  }
}

const tally = (c: UpstreamCounts): UpstreamTally => ({
  attempts: c.attempts,
  errors: c.errors,
  tokens: c.tokens ?? 0,
  costUsd: c.costUsd ?? 0,
});

const minus = (b: UpstreamTally, a: UpstreamTally): UpstreamTally => ({
  attempts: b.attempts - a.attempts,
  errors: b.errors - a.errors,
  tokens: b.tokens - a.tokens,
  costUsd: b.costUsd - a.costUsd,
});

/**
 * The design brief's definitions: amplification = upstream attempts / requests sent;
 * error masking = 1 − client error rate / upstream error rate (null when the upstream had none).
 */
export function resilienceKpis(
  requests: number,
  clientErrors: number,
  upstream: { attempts: number; errors: number } | null,
): { amplification: number | null; errorMasking: number | null } {
  if (!upstream || requests === 0) return { amplification: null, errorMasking: null };
  const upstreamErrorRate = upstream.attempts > 0 ? upstream.errors / upstream.attempts : 0;
  return {
    amplification: upstream.attempts / requests,
    errorMasking: upstreamErrorRate > 0 ? 1 - clientErrors / requests / upstreamErrorRate : null,
  };
}

/**
 * Amplification and error masking per step. A step owns the upstream's attempts from the last
 * answer of the step before it to its own last answer (the first from the start of watching, the
 * newest up to the last scrape): every attempt counts in one step, so the steps add up to the
 * run, and a request's attempts before its answer count with it. The live collector and
 * `busybench report` (from the scrapes saved in the events file) both use this one definition.
 */
export function stepKpis(run: RunStats, timeline: UpstreamTimeline): StepKpis {
  return (s: StepStats) => {
    const steps = [...run.steps.values()].sort((a, b) => a.step - b.step);
    const i = steps.indexOf(s);
    const from = i > 0 ? (steps[i - 1] as StepStats).lastMs : Number.NEGATIVE_INFINITY;
    const to = i === steps.length - 1 ? Number.POSITIVE_INFINITY : s.lastMs;
    return resilienceKpis(s.requests, s.failures, timeline.between(from, to));
  };
}

/**
 * Amplification and error masking over everything the upstream saw while watched: the whole run
 * when the collector started before the load (as busybench run does), edges included.
 */
export function runKpis(
  run: RunStats,
  timeline: UpstreamTimeline,
): { amplification: number | null; errorMasking: number | null } {
  const steps = [...run.steps.values()];
  const requests = steps.reduce((n, s) => n + s.requests, 0);
  const failures = steps.reduce((n, s) => n + s.failures, 0);
  return steps.length > 0
    ? resilienceKpis(requests, failures, timeline.total())
    : { amplification: null, errorMasking: null };
}
