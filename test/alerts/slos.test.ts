import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import { requireTool, run } from '../helpers/tools.js';

/**
 * The SLOs as code (alerts/slos/*.sloth.yml): the rules Sloth generates from them are the ones
 * checked in (regenerated here with the pinned Sloth the set-up builds), Prometheus accepts them,
 * and every generated alert has a case where it fires and one where it stays quiet.
 */
const ROOT = packageRoot();
const SLOS = join(ROOT, 'alerts', 'slos');
const GENERATED = readdirSync(join(SLOS, 'generated')).map((f) => join(SLOS, 'generated', f));
const TESTS = readdirSync(join(SLOS, 'tests')).filter((f) => f.endsWith('.test.yml'));

describe('SLOs as code (Sloth)', () => {
  it('the checked-in rules are what Sloth makes of the specs (no drift)', () => {
    const r = run(join(ROOT, 'scripts', 'gen-slos.sh'), ['--check']);
    expect(r.code, r.out).toBe(0);
  }, 300_000);

  it('Prometheus accepts the generated rules', () => {
    const r = run(requireTool('promtool', 'prometheus'), ['check', 'rules', ...GENERATED]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS/);
  });

  it('pass their promtool unit tests', () => {
    const r = run(requireTool('promtool', 'prometheus'), ['test', 'rules', ...TESTS], join(SLOS, 'tests'));
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/SUCCESS/g)?.length).toBe(TESTS.length);
  });

  it('have, every generated alert and severity, a case where it fires and one where it does not', () => {
    // Sloth's page and ticket alerts share a name: each (name, severity) must fire somewhere.
    const alerts = new Set(
      GENERATED.flatMap((f) =>
        (
          parse(readFileSync(f, 'utf8')).groups as Array<{
            rules: Array<{ alert?: string; labels?: Record<string, string> }>;
          }>
        ).flatMap((g) => g.rules.filter((r) => r.alert).map((r) => `${r.alert}/${r.labels?.severity}`)),
      ),
    );
    expect(alerts.size).toBeGreaterThanOrEqual(16);
    const cases = TESTS.flatMap((f) =>
      (
        parse(readFileSync(join(SLOS, 'tests', f), 'utf8')).tests as Array<{
          alert_rule_test?: Array<{
            alertname: string;
            exp_alerts?: Array<{ exp_labels?: Record<string, string> }>;
          }>;
        }>
      ).flatMap((t) => t.alert_rule_test ?? []),
    );
    for (const key of alerts) {
      const [alert, severity] = key.split('/');
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).some((a) => a.exp_labels?.severity === severity)),
        `${key} fires somewhere`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} stays quiet somewhere`,
      ).toBe(true);
    }
  });
});
