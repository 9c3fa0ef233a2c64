import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsPathFor, RunEvents } from '../../collector/src/run-events.js';

describe('run events', () => {
  it('records phase changes (not repeats) and alerts to disk as they come, and reads them back', () => {
    const path = eventsPathFor(join(mkdtempSync(join(tmpdir(), 'busybench-events-')), 'run.json.gz'));
    expect(path).toMatch(/run\.json\.events\.ndjson$/);
    const e = new RunEvents(path);
    e.phase({ time: 1, scenario: 's', phase: 'a', fault: false });
    e.phase({ time: 2, scenario: 's', phase: 'a', fault: false });
    e.phase({ time: 3, scenario: 's', phase: 'b', fault: true });
    e.alert({
      time: 4,
      status: 'firing',
      alertname: 'X',
      severity: '',
      summary: '',
      startsAt: '',
      endsAt: '',
      fingerprint: '',
      labels: { alertname: 'X' },
    });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    appendFileSync(path, '{"type":"pha'); // killed mid-write
    const { events, malformed } = RunEvents.load(path);
    expect(malformed).toBe(1);
    expect(events.phases()).toEqual([
      { scenario: 's', phase: 'a', fault: false, startMs: 1, endMs: 3 },
      { scenario: 's', phase: 'b', fault: true, startMs: 3, endMs: null },
    ]);
    expect(events.alerts.map((a) => a.alertname)).toEqual(['X']);
  });

  it("writes every upstream scrape down as it comes, so a report rebuilds the mock's counts", () => {
    const path = eventsPathFor(join(mkdtempSync(join(tmpdir(), 'busybench-events-')), 'run.json'));
    const e = new RunEvents(path);
    e.phase({ time: 1, scenario: 's', phase: 'a', fault: false });
    e.upstream({ time: 1, attempts: 0, errors: 0 });
    e.upstream({ time: 1001, attempts: 150, errors: 30 });
    expect(e.phases()).toHaveLength(1);
    appendFileSync(path, '{"type":"upstream","time":2001,"attempts":'); // killed mid-write
    const { events, malformed } = RunEvents.load(path);
    expect(malformed).toBe(1);
    expect(events.upstreamCounts).toEqual([
      { time: 1, attempts: 0, errors: 0 },
      { time: 1001, attempts: 150, errors: 30 },
    ]);
    expect(events.phases()).toHaveLength(1);
    expect(events.alerts).toEqual([]);
  });

  it("keeps the strategy's queue readings, on upstream scrapes or alone, for the report's queue line", () => {
    const path = eventsPathFor(join(mkdtempSync(join(tmpdir(), 'busybench-events-')), 'run.json'));
    const e = new RunEvents(path);
    e.upstream({ time: 1, attempts: 0, errors: 0, queueLength: 3 });
    e.queue(1001, 12);
    appendFileSync(path, '{"type":"queue","time":2001}\n'); // no reading: not a queue event
    const { events, malformed } = RunEvents.load(path);
    expect(malformed).toBe(1);
    expect(events.queueReadings).toEqual([
      { time: 1, queueLength: 3 },
      { time: 1001, queueLength: 12 },
    ]);
    expect(events.upstreamCounts).toHaveLength(1);
  });
});
