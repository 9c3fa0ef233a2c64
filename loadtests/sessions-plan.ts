/**
 * Multi-turn sessions in a plan: their bounds, the count a turn gap asks for, and the line that
 * tells the user what the conversations will be.
 */
import type { Plan } from './plan.js';
import { meanRate } from './profiles.js';

/** The engine's bounds (internal/plan): it keeps every open conversation's answers. */
export const MAX_SESSIONS = 100_000;
export const MAX_TURNS = 100;

/** The conversations that give each one a turn every `gapMs` at the profile's mean rate. */
export function sessionsForGap(profile: Plan['profile'], gapMs: number): number {
  return Math.min(MAX_SESSIONS, Math.max(1, Math.round((meanRate(profile) * gapMs) / 1000)));
}

/**
 * What a session plan sends: arrivals keep the schedule's times, so a conversation's turns come
 * `count / rate` apart; a turn due before an earlier answer is back goes without that exchange.
 */
export function describeSessions(plan: Plan): string | undefined {
  const s = plan.mix.sessions;
  if (!s) return undefined;
  const rate = meanRate(plan.profile);
  const gap = rate > 0 ? `${(s.count / rate).toFixed(s.count / rate < 10 ? 2 : 0)} s` : 'no';
  return (
    `${s.count} conversations of ${s.turns} turns, each turn sending the conversation so far: ` +
    `at the mean rate of ${Math.round(rate * 10) / 10} req/s a conversation's turns come ${gap} apart ` +
    '(a turn due before an earlier answer is back goes without that exchange, counted in the summary)'
  );
}
