import type { RunView } from '../../collector/src/run-view.js';

/**
 * One line of progress while a run goes on, from the collector's view: time, step and its
 * target, the rate achieved and the p99 over the last few seconds, errors, alerts firing.
 */
export function progressLine(view: RunView, startedAt: number, now = Date.now()): string {
  const elapsed = Math.round((now - startedAt) / 1000);
  const clock = `${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')}`;
  // The newest window is still filling: the three before it say what the rate is.
  const recent = view.series.length > 1 ? view.series.slice(-4, -1) : view.series;
  if (recent.length === 0) return `[${clock}] waiting for the first answers…`;
  const seconds = recent.reduce((n, p) => n + p.widthS, 0);
  const achieved = recent.reduce((n, p) => n + p.achievedRate * p.widthS, 0) / seconds;
  const p99 = Math.max(...recent.map((p) => p.p99 ?? 0));
  const errors: Record<string, number> = {};
  for (const p of recent) for (const [c, k] of Object.entries(p.errors)) errors[c] = (errors[c] ?? 0) + k;
  const errorText = Object.entries(errors)
    .map(([c, k]) => `${c}:${k}`)
    .join(' ');
  const step = view.steps.find((s) => s.step === view.currentStep);
  const firing = new Map<string, string>();
  for (const a of view.alerts)
    firing.set(a.fingerprint || a.alertname, a.status === 'firing' ? a.alertname : '');
  const alerts = [...new Set([...firing.values()].filter(Boolean))];
  return (
    `[${clock}] step ${view.currentStep ?? '-'} (${step?.targetRate ?? '-'} req/s)` +
    `  achieved ${achieved.toFixed(1)} req/s  p99 ${p99.toFixed(0)} ms` +
    `  errors ${errorText || '0'}${alerts.length > 0 ? `  ALERTS ${alerts.join(', ')}` : ''}`
  );
}
