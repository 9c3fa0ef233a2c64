import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportPage } from '../../collector/src/html-page.js';
import { createCollector } from '../../collector/src/live-server.js';
import { RunEvents } from '../../collector/src/run-events.js';
import { type RunView, runView } from '../../collector/src/run-view.js';
import { RunStats } from '../../collector/src/step-stats.js';
import { OUTCOMES } from '../../common/outcomes.js';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { type Rendered, render, useBrowser } from '../helpers/browser.js';

const browser = useBrowser();

const T0 = Date.parse('2026-11-22T10:00:00Z');
/** A 30-second run in 3 steps, with 503s in the middle and a slow tail in the last step. */
function k6Lines(): string[] {
  const lines: string[] = [];
  for (let s = 0; s < 30; s++) {
    const step = Math.floor(s / 10);
    for (let i = 0; i < 20 * (step + 1); i++) {
      const outcome = s >= 12 && s < 16 && i % 5 === 0 ? '503' : 'ok';
      const value = outcome === 'ok' ? 80 + (i % 10) * 10 + (step === 2 ? (i % 50 === 0 ? 2000 : 0) : 0) : 5;
      const time = new Date(T0 + s * 1000 + i * (900 / (20 * (step + 1)))).toISOString();
      const tags = { step: String(step), target_rate: String(20 * (step + 1)), outcome };
      lines.push(JSON.stringify({ metric: 'busybench_latency', type: 'Point', data: { time, value, tags } }));
    }
  }
  return lines;
}

function expectDrawn(page: Rendered): void {
  expect(page.errors).toEqual([]);
  const ids = Object.keys(page.canvases);
  expect(ids.length).toBe(5);
  for (const id of ids) expect(page.canvases[id], `${id} drew nothing`).toBeGreaterThan(2000);
  expect(page.screenshotColours).toBeGreaterThan(20);
  // Every outcome of outcomes.json (malformed, aborted, filtered, degraded too), each its own colour.
  const perStep = page.legends['chart-errors-steps'] ?? [];
  expect(perStep.map((d) => d.label)).toEqual([...OUTCOMES]);
  expect(new Set(perStep.map((d) => d.colour)).size).toBe(OUTCOMES.length);
  expect((page.legends['chart-errors-time'] ?? []).map((d) => d.label)).toEqual(
    OUTCOMES.filter((o) => o !== 'ok'),
  );
}

describe('run page in headless Chromium', () => {
  it('the self-contained report draws every chart offline, with verdict, knee and recovery', async () => {
    const run = new RunStats(800);
    for (const line of k6Lines()) run.ingestLine(line);
    const events = new RunEvents();
    events.phase({ time: T0, scenario: 's', phase: 'healthy', fault: false });
    events.phase({ time: T0 + 12_000, scenario: 's', phase: 'flaky', fault: true });
    events.phase({ time: T0 + 16_000, scenario: 's', phase: 'calm', fault: false });
    events.alert({
      time: T0 + 14_000,
      status: 'firing',
      alertname: 'BusybenchErrorBudgetBurn',
      severity: 'page',
      summary: 'errors <b>burning</b>',
      startsAt: new Date(T0 + 13_000).toISOString(),
      endsAt: '',
      fingerprint: 'abc',
      labels: { alertname: 'BusybenchErrorBudgetBurn' },
    });
    const view = runView({ runId: 'test-run', live: false, sla: DEFAULT_SLA, run, events });
    const file = join(mkdtempSync(join(tmpdir(), 'busybench-html-')), 'report.html');
    const html = reportPage(view);
    // Self-contained: no script or style is fetched from anywhere.
    expect(html).not.toMatch(/<script[^>]+src=/);
    writeFileSync(file, html);
    const page = await render(browser(), `file://${file}`);
    expectDrawn(page);
    expect(page.text).toContain('SLA BREACHED');
    expect(page.text).toMatch(/knee\s+step 0 \(20 req\/s\)/);
    expect(page.text).toMatch(/s \/ flaky\s.*\s\d+\.\d s\s+recovered/);
    // Alert text is shown as text, not markup.
    expect(page.text).toContain('errors <b>burning</b>');
    // No priority classes in this run: no table of them.
    expect(page.text).not.toContain('Priority classes per step');
  }, 60_000);

  it('the report shows each priority class of a step and its SLA lines', async () => {
    const run = new RunStats(800);
    for (let i = 0; i < 200; i++) {
      const prio = i % 4 === 0 ? 'P0' : 'P3';
      const outcome = prio === 'P3' && i % 3 === 0 ? '503' : 'ok';
      run.ingestLine(
        JSON.stringify({ type: 'req', t: T0 + i * 50, step: 0, rate: 20, ms: 40 + (i % 7), outcome, prio }),
      );
    }
    const sla = {
      ...DEFAULT_SLA,
      successRate: 0,
      classes: { P0: { successRate: 0.999 }, P3: { successRate: 1 } },
    };
    const view = runView({ runId: 'classes', live: false, sla, run, events: new RunEvents() });
    const file = join(mkdtempSync(join(tmpdir(), 'busybench-html-')), 'report.html');
    writeFileSync(file, reportPage(view));
    const page = await render(browser(), `file://${file}`);
    expect(page.errors).toEqual([]);
    expect(page.text).toContain('Priority classes per step');
    expect(page.text).toMatch(/\n0\tP0\t50\t100\.00 %\t/);
    expect(page.text).toMatch(/\n0\tP3\t150\t\d+\.\d\d %\t.*503:\d+/);
    expect(page.text).toMatch(/P0 success rate >= 0\.999\t1\.0000\theld/);
    expect(page.text).toMatch(/P3 success rate >= 1\t0\.\d{4}\tBROKEN/);
  }, 60_000);

  it('the report says how fair the run was between users, and a run without user_ids says nothing of it', async () => {
    const run = new RunStats(800);
    // 20 users; user-0 sends a third of the requests and loses half of them to 429s.
    for (let i = 0; i < 600; i++) {
      const user = i % 3 === 0 ? 'user-0' : `user-${1 + (i % 19)}`;
      const outcome = user === 'user-0' && i % 2 === 0 ? '429' : 'ok';
      run.ingestLine(
        JSON.stringify({ type: 'req', t: T0 + i * 10, step: 0, rate: 100, ms: 50, outcome, user }),
      );
    }
    const view = runView({ runId: 'users', live: false, sla: DEFAULT_SLA, run, events: new RunEvents() });
    const f = view.users;
    expect(f?.worstUser).toBe('user-0');
    const file = join(mkdtempSync(join(tmpdir(), 'busybench-html-')), 'report.html');
    writeFileSync(file, reportPage(view));
    const page = await render(browser(), `file://${file}`);
    expect(page.errors).toEqual([]);
    expect(page.text).toContain('Fairness between users');
    expect(page.text).toContain(
      `users: 20; the worst 1 % of them: success 50.00 %, p99 ${Math.round(f?.worstP99Ms ?? 0)} ms; Jain's index over their goodput shares ${f?.jain.toFixed(3)}; worst user user-0 at 50.00 % success`,
    );
    const none = runView({
      runId: 'none',
      live: false,
      sla: DEFAULT_SLA,
      run: new RunStats(800),
      events: new RunEvents(),
    });
    writeFileSync(file, reportPage(none));
    expect((await render(browser(), `file://${file}`)).text).not.toContain('Fairness between users');
  }, 60_000);

  it('the live page loads chart.js from the collector and draws what /api/live serves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-live-'));
    const results = join(dir, 'run.json');
    writeFileSync(results, `${k6Lines().join('\n')}\n`);
    const collector = createCollector({ results, runId: 'live-run', sla: DEFAULT_SLA, upstream: [] });
    try {
      const url = await collector.app.listen({ host: '127.0.0.1', port: 0 });
      // The follower reads on its own schedule: wait until it has everything.
      while (collector.run.steps.size < 3) await new Promise((r) => setTimeout(r, 50));
      const page = await render(browser(), `${url}/`);
      expectDrawn(page);
      expect(page.text).toContain('live, updated');
      expect(page.text).toMatch(/current step\s+2/);
    } finally {
      await collector.stop();
    }
  }, 60_000);

  it("/api/live keeps the collector's English words; ?lang=zh-CN says the SLA lines in Chinese, every other field the same", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-live-'));
    const results = join(dir, 'run.json');
    writeFileSync(results, `${k6Lines().join('\n')}\n`);
    const collector = createCollector({
      results,
      runId: 'live-run',
      locale: 'zh-CN',
      sla: DEFAULT_SLA,
      upstream: [],
    });
    try {
      while (collector.run.steps.size < 3) await new Promise((r) => setTimeout(r, 50));
      const get = async (url: string) => {
        const res = await collector.app.inject({ url });
        expect(res.statusCode, url).toBe(200);
        return res.json() as RunView;
      };
      // Whatever the collector's --lang, API users read the view as the judge wrote it.
      const plain = await get('/api/live');
      expect(plain.verdict.lines.map((l) => l.line)).toContain('success rate >= 0.9995');
      const zh = await get('/api/live?lang=zh-CN');
      expect(zh.verdict.lines.map((l) => l.line)).toContain('成功率 >= 0.9995');
      const withoutWords = (v: RunView) => v.verdict.lines.map(({ line: _, ...rest }) => rest);
      expect(withoutWords(zh)).toEqual(withoutWords(plain));
      expect(zh.steps).toEqual(plain.steps);
      expect((await get('/api/live?lang=en')).verdict).toEqual(plain.verdict);
      const bad = await collector.app.inject({ url: '/api/live?lang=fr' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'FST_ERR_VALIDATION' } });
    } finally {
      await collector.stop();
    }
  });
});
