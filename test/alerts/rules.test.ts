import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERTS_DIR, RULE_FILES } from '../../stack/src/stack-config.js';
import { requireTool, run } from '../helpers/tools.js';

const TESTS_DIR = join(ALERTS_DIR, 'tests');
const testFiles = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yml'));

interface RuleGroup {
  rules: Array<{ alert?: string; record?: string }>;
}
interface AlertCase {
  alertname: string;
  exp_alerts?: unknown[];
}

describe('alert rules', () => {
  it('pass promtool check rules', () => {
    const r = run(requireTool('promtool', 'prometheus'), ['check', 'rules', ...RULE_FILES]);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code, r.out).toBe(0);
  });

  it('pass their promtool unit tests', () => {
    const r = run(requireTool('promtool', 'prometheus'), ['test', 'rules', ...testFiles], TESTS_DIR);
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/SUCCESS/g)?.length).toBe(testFiles.length);
  });

  it('have, every one, a case where it fires and a case where it does not', () => {
    const alerts = RULE_FILES.flatMap((f) =>
      (parse(readFileSync(f, 'utf8')).groups as RuleGroup[]).flatMap((g) => g.rules.map((r) => r.alert)),
    ).filter((a): a is string => Boolean(a));
    expect(alerts.length).toBeGreaterThanOrEqual(13);
    const cases = testFiles.flatMap((f) =>
      (
        parse(readFileSync(join(TESTS_DIR, f), 'utf8')).tests as Array<{ alert_rule_test?: AlertCase[] }>
      ).flatMap((t) => t.alert_rule_test ?? []),
    );
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} never fires in a test`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} is never shown quiet`,
      ).toBe(true);
    }
  });
});

describe('Alertmanager config', () => {
  it('passes amtool check-config, the docker variant too', () => {
    const amtool = requireTool('amtool', 'prometheus-alertmanager');
    for (const f of ['alertmanager.yml', 'alertmanager.docker.yml']) {
      const r = run(amtool, ['check-config', join(ALERTS_DIR, f)]);
      expect(r.code, `${f}: ${r.out}`).toBe(0);
    }
  });

  it('routes to the collector by default, and a page inhibits the ticket of the same run', () => {
    const am = parse(readFileSync(join(ALERTS_DIR, 'alertmanager.yml'), 'utf8'));
    const receiver = am.receivers.find((r: { name: string }) => r.name === am.route.receiver);
    expect(receiver.webhook_configs[0].url).toBe('http://127.0.0.1:9464/api/alerts');
    expect(am.inhibit_rules[0]).toMatchObject({
      source_matchers: ['severity="page"'],
      target_matchers: ['severity="ticket"'],
      equal: expect.arrayContaining(['run_id']),
    });
    // The docker variant differs in the collector's address and its token only (comments aside).
    const docker = parse(readFileSync(join(ALERTS_DIR, 'alertmanager.docker.yml'), 'utf8'));
    const webhook = docker.receivers[0].webhook_configs[0];
    expect(webhook.http_config).toEqual({
      authorization: { credentials_file: '/etc/alertmanager/secrets/collector-token' },
    });
    delete webhook.http_config;
    webhook.url = 'http://127.0.0.1:9464/api/alerts';
    expect(docker).toEqual(am);
  });
});
