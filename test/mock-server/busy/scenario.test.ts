import { afterEach, describe, expect, it } from 'vitest';
import { listBuiltinScenarios, loadScenario, parseScenario } from '../../../mock-server/src/busy/scenario.js';
import { Timeline } from '../../../mock-server/src/busy/timeline.js';
import { DEFAULT_CONFIG } from '../../../mock-server/src/config/defaults.js';
import type { MockError } from '../../../mock-server/src/errors.js';
import { admin, chat, metricValue, scrape, startMock, type TestMock } from '../../helpers/mock.js';

const base = DEFAULT_CONFIG.behaviour;
let mock: TestMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('scenarios', () => {
  it('ships the named built-ins, each valid', () => {
    const names = listBuiltinScenarios();
    expect(names).toEqual(expect.arrayContaining(['healthy', 'outage-recovery', 'peak-hour', 'flaky-503']));
    for (const name of names) expect(loadScenario(name, base).phases.length).toBeGreaterThan(0);
  });

  it('models the peak hour: capacity squeezed at the 10:00 and 15:00 surges', () => {
    const peak = loadScenario('peak-hour', base);
    const surges = peak.phases.filter((p) => p.capacityFactor <= 0.25);
    expect(surges.map((p) => p.name)).toEqual(['10:00 surge', '15:00 surge']);
  });

  it('reports every problem of a bad scenario at once', () => {
    const raw = {
      name: 'bad',
      duration: '10s',
      phases: [
        { at: '1s', name: 'late start' },
        { at: '500ms', name: 'backwards', set: { faults: { errors: { '503': 2 } } } },
        { at: '20s', name: 'after the end' },
      ],
    };
    let problems: readonly string[] = [];
    try {
      parseScenario(raw, base);
    } catch (err) {
      problems = (err as MockError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/phases/1 (backwards)/faults/errors/503'),
        expect.stringContaining('/phases/1: "at" must come after'),
        expect.stringContaining('/phases/2: starts at or after'),
        expect.stringContaining('/phases/0: the first phase must start at 0'),
      ]),
    );
  });

  it('says which scenarios exist when the name is unknown', () => {
    expect(() => loadScenario('nope', base)).toThrow(/not a built-in \(.*peak-hour.*\) nor a file/);
  });

  it('plays phases in order at the given speed, then returns to the base', async () => {
    const timeline = new Timeline(base);
    const seen: string[] = [];
    timeline.onChange((s) => seen.push(s.phase));
    const scenario = parseScenario(
      {
        name: 'quick',
        duration: '300ms',
        phases: [
          { at: 0, name: 'a' },
          { at: '100ms', name: 'b', capacityFactor: 0.5 },
          { at: '200ms', name: 'c', ttftMultiplier: 5 },
        ],
      },
      base,
    );
    timeline.start(scenario, { speed: 2 });
    await new Promise((r) => setTimeout(r, 70));
    expect(timeline.current.maxInFlight).toBe(base.capacity.maxInFlight * 0.5);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual(['a', 'b', 'c', 'base']);
  });

  it('changes what clients see when a phase begins (admin start, then stop)', async () => {
    mock = await startMock();
    const outage = {
      name: 'outage',
      duration: '10m',
      phases: [{ at: 0, name: 'down', set: { faults: { errors: { '503': 1 } } } }],
    };
    expect((await admin(mock.url, 'POST', '/admin/scenario', { scenario: outage })).json.phase).toBe('down');
    expect((await chat(mock.url)).status).toBe(503);
    expect(metricValue(await scrape(mock.url), 'busybench_mock_scenario_fault')).toBe(1);
    await admin(mock.url, 'DELETE', '/admin/scenario');
    expect((await chat(mock.url)).status).toBe(200);
    expect(metricValue(await scrape(mock.url), 'busybench_mock_scenario_fault')).toBe(0);
  });

  it('marks a phase as a fault when it changes anything, so recovery is measured from its end', () => {
    const s = loadScenario('outage-recovery', base);
    expect(s.phases.map((p) => [p.name, p.fault])).toEqual([
      ['healthy', false],
      ['flaky-503', true],
      ['brownout', true],
      ['outage', true],
      ['recovery', false],
    ]);
  });

  it('takes an autoscale block (elastic capacity) and names its problems at once', () => {
    const phases = [{ at: '0s', name: 'elastic' }];
    const ok = parseScenario(
      {
        name: 'e',
        duration: '1m',
        phases,
        autoscale: { minReplicas: 3, maxReplicas: 20, metric: 'cpu', target: 0.7, startDelay: '60s' },
      },
      base,
    );
    expect(ok.autoscale).toEqual({
      minReplicas: 3,
      maxReplicas: 20,
      metric: 'cpu',
      target: 0.7,
      syncMs: 15_000,
      startDelayMs: 60_000,
      scaleDownWindowMs: 300_000,
      tolerance: 0.1,
    });
    expect(loadScenario('autoscale', base).autoscale).toMatchObject({
      minReplicas: 3,
      maxReplicas: 20,
      target: 500,
    });
    try {
      parseScenario(
        {
          name: 'e',
          duration: '1m',
          phases,
          autoscale: {
            minReplicas: 5,
            maxReplicas: 2,
            metric: 'cpu',
            target: 70,
            startDelay: '1s',
            syncPeriod: '10ms',
          },
        },
        base,
      );
      expect.unreachable();
    } catch (err) {
      expect((err as MockError).problems).toEqual([
        '/autoscale: maxReplicas must be at least minReplicas',
        '/autoscale/target: a cpu target is a utilisation share, 0 to 1 (0.7: 70 %)',
        '/autoscale/syncPeriod: at least 100ms',
      ]);
    }
    // A field the schema refuses and a check across fields, in one answer.
    try {
      parseScenario(
        {
          name: 'e',
          duration: '1m',
          phases,
          autoscale: { minReplicas: 5, maxReplicas: 2, metric: 'rps', target: 500, bogus: 1 },
        },
        base,
      );
      expect.unreachable();
    } catch (err) {
      expect((err as MockError).problems).toEqual([
        "/autoscale: must have required property 'startDelay'",
        '/autoscale: unknown field "bogus"',
        '/autoscale: maxReplicas must be at least minReplicas',
      ]);
    }
  });
});
