import { describe, expect, it } from 'vitest';
import { alertsFromWebhook } from '../../collector/src/alert-webhook.js';
import type { CollectorError } from '../../collector/src/errors.js';

describe("Alertmanager's webhook", () => {
  it('takes a version 4 payload and stamps each alert with the time it arrived', () => {
    const body = {
      version: '4',
      status: 'firing',
      receiver: 'busybench',
      groupLabels: {},
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'BusybenchHighErrorRate', severity: 'page', run_id: 'r' },
          annotations: { summary: '5 % errors' },
          startsAt: '2026-11-22T10:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus/graph',
          fingerprint: 'abc',
        },
      ],
    };
    expect(alertsFromWebhook(body, 42)).toEqual([
      {
        time: 42,
        status: 'firing',
        alertname: 'BusybenchHighErrorRate',
        severity: 'page',
        summary: '5 % errors',
        startsAt: '2026-11-22T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: 'abc',
        labels: { alertname: 'BusybenchHighErrorRate', severity: 'page', run_id: 'r' },
      },
    ]);
  });

  it('rejects anything else with every problem at once and a stable code', () => {
    try {
      alertsFromWebhook({ alerts: [{ status: 'burning', labels: {} }] });
      expect.unreachable();
    } catch (err) {
      const e = err as CollectorError;
      expect(e.code).toBe('COLLECTOR_ERR_BAD_ALERT_PAYLOAD');
      expect(e.problems.join('\n')).toMatch(/status/);
      expect(e.problems.join('\n')).toMatch(/alertname/);
      expect(e.problems.join('\n')).toMatch(/startsAt/);
    }
  });
});
