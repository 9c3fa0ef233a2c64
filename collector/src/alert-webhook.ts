import { Type as T } from '@sinclair/typebox';
import { schemaProblems } from '../../common/schema-check.js';
import { CollectorError, CollectorErrorCodes } from './errors.js';
import type { AlertEvent } from './run-events.js';

/**
 * Alertmanager's webhook payload (version 4), as much of it as the collector reads: what a
 * `webhook_configs` receiver pointed at /api/alerts sends. Extra fields are allowed, since
 * Alertmanager adds some between versions.
 */
const Labels = T.Record(T.String(), T.String());
const AlertSchema = T.Object({
  status: T.Union([T.Literal('firing'), T.Literal('resolved')]),
  labels: T.Intersect([T.Object({ alertname: T.String({ minLength: 1 }) }), Labels]),
  annotations: T.Optional(Labels),
  startsAt: T.String(),
  endsAt: T.Optional(T.String()),
  fingerprint: T.Optional(T.String()),
});
export const WebhookSchema = T.Object({
  version: T.Optional(T.String()),
  status: T.Optional(T.String()),
  alerts: T.Array(AlertSchema),
});

interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string> & { alertname: string };
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint?: string;
}

/**
 * The alerts of one webhook call, stamped with the time they arrived; every problem of a bad
 * payload at once, as a CollectorError (the webhook answers 400 with them).
 */
export function alertsFromWebhook(body: unknown, now = Date.now()): Omit<AlertEvent, 'type'>[] {
  const problems = schemaProblems(WebhookSchema, body);
  if (problems.length > 0)
    throw new CollectorError(
      CollectorErrorCodes.BAD_ALERT_PAYLOAD,
      'not an Alertmanager webhook payload',
      problems,
    );
  return (body as { alerts: WebhookAlert[] }).alerts.map((a) => ({
    time: now,
    status: a.status,
    alertname: a.labels.alertname,
    severity: a.labels.severity ?? '',
    summary: a.annotations?.summary ?? a.annotations?.description ?? '',
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? '',
    fingerprint: a.fingerprint ?? '',
    labels: a.labels,
  }));
}
