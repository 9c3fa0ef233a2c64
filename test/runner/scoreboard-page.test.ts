import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../collector/src/html-page.js';
import type { Figure, FigureName, WindowFigure } from '../../runner/src/run-figures.js';
import type { FaultSection, Scoreboard, SectionRow } from '../../runner/src/scoreboard.js';
import { scoreboardMarkdown, tieSentences } from '../../runner/src/scoreboard.js';
import { scoreboardPage } from '../../runner/src/scoreboard-page.js';
import { render, useBrowser } from '../helpers/browser.js';

const browser = useBrowser();

/** A figure with a 95 % interval of ±w around v. */
const fig = (v: number, w: number): Figure => ({ value: v, lo: v - w, hi: v + w, method: 'windows' });
/** A figure measured but without an interval (a run has it once). */
const bare = (v: number | null): Figure => ({ value: v, lo: null, hi: null, method: 'none' });

function figures(o: Partial<Record<FigureName, Figure>>): Record<FigureName, Figure> {
  const typical: Record<WindowFigure, Figure> = {
    successRate: fig(0.99, 0.005),
    rate429: fig(0.004, 0.002),
    rate503: fig(0.006, 0.003),
    p50Ms: fig(220, 20),
    p99Ms: fig(800, 80),
    meanMs: fig(260, 20),
    throughput: fig(40, 2),
    goodput: fig(38, 2),
    peakGoodput: fig(45, 3),
    amplification: fig(1.1, 0.05),
    retriesPerRequest: fig(0.1, 0.05),
    errorMasking: fig(0.5, 0.1),
    usdPer1kOk: fig(0.5, 0.05),
    wastedTokenShare: fig(0.02, 0.01),
  };
  return {
    ...typical,
    knee: bare(null),
    recoveryS: bare(null),
    worstUsersSuccess: bare(null),
    usersJain: bare(null),
    ...o,
  };
}

const EVIL = 'hedge<b>bold</b>|pipe';
const NAMES = ['passthrough', 'retry', EVIL];

function row(strategy: string, rank: number, tiedWith: string[], o: Partial<Record<FigureName, Figure>>) {
  return {
    strategy,
    rank,
    tiedWith,
    runs: 3,
    slaHeld: rank === 1 ? 3 : 1,
    notRecovered: 0,
    figures: figures(o),
  } as SectionRow;
}

/**
 * Capacity ranked on peak goodput, retry and EVIL tied for place 1; bars per strategy: peakGoodput,
 * successRate, p99Ms, amplification, goodput, usdPer1kOk. passthrough's USD per 1 000 answers has
 * no interval, EVIL's amplification is not measured at all: 18 bars, 16 whiskers.
 */
function board(): Scoreboard {
  const rates = [20, 40, 60, 80];
  const curve = (strategy: string, cap: number) => ({
    strategy,
    steps: rates.map((offered, i) => ({
      offered,
      // passthrough's last step has no interval: 4 × 3 points, 11 whiskers.
      goodput:
        strategy === 'passthrough' && i === 3
          ? bare(Math.min(offered, cap) * 0.7)
          : fig(Math.min(offered, cap) * (offered > cap ? 0.8 : 0.98), 2 + i),
      p99Ms: fig(400 + i * 300, 40),
      successRate: fig(offered > cap ? 0.8 : 0.995, 0.01),
      heldRuns: offered > cap ? 0 : 3,
    })),
  });
  const timeline = (strategy: string, k: number) => ({
    strategy,
    points: Array.from({ length: 30 }, (_, s) => {
      const fault = (s >= 8 && s < 14) || (s >= 20 && s < 25);
      return {
        s,
        p99Ms: s === 3 ? null : (fault ? 3000 / k : 500) + (s % 3) * 20,
        errorRate: fault ? 0.3 / k : 0.01,
      };
    }),
  });
  const faults: FaultSection = {
    experiment: 'faults',
    load: 'constant 40 req/s, scenario flaky-503 at speed 1',
    deciding: 'goodput',
    scenario: 'flaky-503',
    speed: 1,
    rate: 40,
    phases: [
      { name: 'calm', fault: false, fromS: 0, toS: 8 },
      { name: 'flaky', fault: true, fromS: 8, toS: 14 },
      { name: 'overload', fault: true, fromS: 20, toS: null },
    ],
    series: [timeline('passthrough', 1), timeline('retry', 3), timeline(EVIL, 2)],
    recovery: [
      { strategy: 'retry', phase: 'flaky', recoveryS: fig(2, 1), statuses: ['recovered', 'recovered'] },
      { strategy: EVIL, phase: 'flaky', recoveryS: bare(4), statuses: ['not-recovered'] },
    ],
    // Bars: goodput, successRate, p99Ms, amplification, usdPer1kOk; all with intervals: 15 whiskers.
    ranking: [
      row('retry', 1, [], {
        goodput: fig(38, 1),
        successRate: fig(0.99, 0.005),
        amplification: fig(1.4, 0.1),
      }),
      row(EVIL, 2, [], { goodput: fig(33, 1), p99Ms: fig(900, 60) }),
      row('passthrough', 3, [], { goodput: fig(28, 1), successRate: fig(0.7, 0.02) }),
    ],
  };
  return {
    generatedAt: '2026-11-22T10:00:00.000Z',
    strategies: NAMES,
    baseline: 'passthrough',
    repeats: 3,
    order: 'interleaved',
    intervals: 'windows',
    capacity: {
      experiment: 'capacity',
      load: 'stepped 20, 40, 60, 80 req/s, mock capacity 50 req/s',
      deciding: 'peakGoodput',
      rates,
      curves: [curve('passthrough', 35), curve('retry', 55), curve(EVIL, 52)],
      ranking: [
        row('retry', 1, [EVIL], { peakGoodput: fig(53, 3), knee: bare(40), successRate: fig(0.97, 0.01) }),
        row(EVIL, 1, ['retry'], { peakGoodput: fig(50, 3), knee: bare(40), amplification: bare(null) }),
        row('passthrough', 3, [], {
          peakGoodput: fig(34, 2),
          knee: bare(20),
          successRate: fig(0.85, 0.03),
          usdPer1kOk: bare(0.42),
        }),
      ],
    },
    faults,
    // The trace section: the faults' rows on a replayed trace, bars only (no curve, no timeline).
    trace: {
      experiment: 'trace',
      load: 'the trace t.csv (azure): 4424 requests in 9.8 s',
      loadSpec: {
        file: 't.csv',
        format: 'azure',
        rows: 4424,
        meanRate: 450,
        peakRate: 513.7,
        seconds: 9.8,
        windows: 10,
        scenario: 'outage-recovery',
        nodes: 3,
      },
      deciding: 'goodput',
      ranking: faults.ranking,
    },
  };
}

/** What the page script counted as it drew: whiskers and fault bands per canvas. */
async function globals(url: string) {
  const page = await browser().newPage();
  try {
    await page.setViewport({ width: 1400, height: 1800 });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 10_000 });
    return (await page.evaluate(
      '({ whiskers: window.BUSYBENCH_ERROR_BARS, bands: window.BUSYBENCH_PHASE_BANDS })',
    )) as { whiskers: Record<string, number>; bands: Record<string, number> };
  } finally {
    await page.close();
  }
}

describe('scoreboard page in headless Chromium', () => {
  it('draws every chart with its whiskers and fault bands, says the ties, escapes the names', async () => {
    const b = board();
    const html = scoreboardPage(b);
    // Self-contained, and no name reaches the page unescaped (the JSON embed escapes "<" too).
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toContain('<b>bold');
    expect(html).toContain(escapeHtml(EVIL));
    // The tie is said out loud, in the markdown's words.
    const [tie] = tieSentences(b.capacity!);
    expect(tie).toContain('Tie for place 1: retry, hedge');
    expect(html).toContain(escapeHtml(tie!));
    expect(tieSentences(b.faults!)).toEqual([]);

    const file = join(mkdtempSync(join(tmpdir(), 'busybench-scoreboard-')), 'scoreboard.html');
    writeFileSync(file, html);
    const page = await render(browser(), `file://${file}`);
    expect(page.errors).toEqual([]);
    const bars = ['peakGoodput', 'successRate', 'p99Ms', 'amplification', 'goodput', 'usdPer1kOk'];
    const ids = [
      ...bars.map((f) => `cap-${f}`),
      'cap-curve',
      ...bars.filter((f) => f !== 'peakGoodput').map((f) => `flt-${f}`),
      'flt-p99-time',
      'flt-errors-time',
      ...['goodput', 'successRate', 'p99Ms', 'amplification', 'usdPer1kOk'].map((f) => `trc-${f}`),
    ];
    expect(Object.keys(page.canvases).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(page.canvases[id], `${id} drew nothing`).toBeGreaterThan(2000);
    expect(page.screenshotColours).toBeGreaterThan(20);

    // The name is shown as text, literally; the table parsed from the markdown kept its columns.
    expect(page.text).toContain(EVIL);
    expect(page.text).toContain(tie);
    expect(page.text).toMatch(/Places by peak goodput/);
    expect(html).toMatch(/<td class="text">hedge&lt;b&gt;bold&lt;\/b&gt;\|pipe<\/td>/);
    // Every cell of every table of scoreboard.md is on the page, as the markdown writes it.
    const rows = scoreboardMarkdown(b)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    expect(rows.length).toBeGreaterThan(15);
    for (const l of rows)
      for (const c of l.replace(EVIL, 'EVIL').split('|').slice(1, -1))
        expect(page.text, l).toContain(c.trim() === 'EVIL' ? EVIL : c.trim());

    // A strategy keeps its colour on every chart.
    const colour = (id: string, name: string) => page.legends[id]?.find((d) => d.label === name)?.colour;
    for (const name of NAMES) {
      expect(colour('cap-curve', name), name).toBeDefined();
      expect(colour('flt-p99-time', name)).toBe(colour('cap-curve', name));
      expect(colour('flt-errors-time', name)).toBe(colour('cap-curve', name));
    }
    expect(new Set(NAMES.map((n) => colour('cap-curve', n))).size).toBe(3);

    // Whiskers: one per figure with both ends of an interval (see board()), none without.
    const drawn = await globals(`file://${file}`);
    const capBars = bars.map((f) => drawn.whiskers[`cap-${f}`] ?? 0);
    expect(capBars).toEqual([3, 3, 3, 2, 3, 2]);
    expect(bars.slice(1).map((f) => drawn.whiskers[`flt-${f}`])).toEqual([3, 3, 3, 3, 3]);
    expect(bars.slice(1).map((f) => drawn.whiskers[`trc-${f}`])).toEqual([3, 3, 3, 3, 3]);
    expect(drawn.whiskers['cap-curve']).toBe(11);
    // The two fault phases shaded on both time charts, the calm one not.
    expect(drawn.bands).toEqual({ 'flt-p99-time': 2, 'flt-errors-time': 2 });
  }, 20_000);
});
