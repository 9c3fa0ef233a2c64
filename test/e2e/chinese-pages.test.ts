import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportPage } from '../../collector/src/html-page.js';
import { packageRoot } from '../../common/paths.js';
import { scoreboardPage } from '../../runner/src/scoreboard-page.js';
import { realRun, realScoreboard, syntheticRun, withLoadSpecs } from '../common/i18n/fixtures.js';
import { useBrowser } from '../helpers/browser.js';

/**
 * The Chinese report and scoreboard in Chromium, with the CJK fonts the set-up installs
 * (fonts-noto-cjk): screenshots to look at (results/screenshots/zh-CN/, kept out of git), and
 * proof that the Chinese really draws as Chinese, not as boxes: the text is set in a CJK font
 * (the fonts Chromium used, as it reports them), and on the charts' canvases distinct characters
 * draw distinct glyphs unlike a missing glyph's box. Without a CJK font both fail. And the
 * longer Chinese words fit: nothing runs off the page or off a chart.
 */

const SHOTS = join(packageRoot(), 'results', 'screenshots', 'zh-CN');
const HAN = /\p{Script=Han}/u;

const browser = useBrowser();
beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

async function open(name: string, html: string): Promise<Page> {
  const file = join(SHOTS, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser().newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-rendered="true"]', { timeout: 15_000 });
  // Fonts a page asks for load after the first layout: wait for them before looking.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`) as `${string}.png`, fullPage: true });
  return page;
}

/** The fonts Chromium drew an element's text with (DevTools' "Rendered Fonts"), by family. */
async function renderedFonts(page: Page, selector: string): Promise<Record<string, number>> {
  const cdp = await page.createCDPSession();
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const out: Record<string, number> = {};
    // The text is in the element's child text nodes; the element itself reports them too.
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    for (const f of fonts) out[f.familyName] = (out[f.familyName] ?? 0) + f.glyphCount;
    return out;
  } finally {
    await cdp.detach();
  }
}

/**
 * On a canvas, in the charts' font: how many of the Chinese characters given draw a glyph of
 * their own (a bitmap no other of them has, and not the box of an unassigned code point).
 */
async function distinctGlyphs(page: Page, chars: readonly string[]): Promise<number> {
  return (await page.evaluate(`(() => {
    const family = window.Chart.defaults.font.family;
    const canvas = document.createElement('canvas');
    canvas.width = 40;
    canvas.height = 40;
    const ctx = canvas.getContext('2d');
    const bitmap = (ch) => {
      ctx.clearRect(0, 0, 40, 40);
      ctx.font = '28px ' + family;
      ctx.textBaseline = 'top';
      ctx.fillText(ch, 4, 4);
      return Array.from(ctx.getImageData(0, 0, 40, 40).data.filter((_, i) => i % 4 === 3)).join(',');
    };
    const tofu = bitmap('\\u{E000}');
    const seen = new Map();
    for (const ch of ${JSON.stringify(chars)}) {
      const b = bitmap(ch);
      seen.set(b, (seen.get(b) || 0) + 1);
    }
    let own = 0;
    for (const [b, n] of seen) if (n === 1 && b !== tofu) own++;
    return own;
  })()`)) as number;
}

/** Elements wider than the page, and chart titles or axis titles wider than their chart. */
async function overflows(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) out.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
    for (const c of document.querySelectorAll('canvas')) {
      const chart = window.Chart.getChart(c);
      if (!chart) continue;
      const ctx = c.getContext('2d');
      const o = chart.options;
      const texts = [];
      const font = (f) => (f && f.string) || (chart.options.font && chart.options.font.string);
      for (const key of ['title', 'subtitle']) {
        const p = o.plugins[key];
        if (p && p.display) texts.push([p.text, p.font]);
      }
      const x = o.scales.x && o.scales.x.title;
      if (x && x.display) texts.push([x.text, x.font]);
      for (const [text, f] of texts) {
        ctx.save();
        ctx.font = (f && f.string) || ((f && f.weight) || '') + ' ' + ((f && f.size) || 12) + 'px ' + window.Chart.defaults.font.family;
        const w = ctx.measureText(String(text)).width;
        ctx.restore();
        if (w > chart.width - 8) out.push(c.id + ': "' + text + '" is ' + Math.round(w) + ' px on a ' + chart.width + ' px chart');
      }
      // A y axis title longer than the plot is high is cut at both ends.
      const y = o.scales.y && o.scales.y.title;
      if (y && y.display) {
        ctx.save();
        ctx.font = '12px ' + window.Chart.defaults.font.family;
        const w = ctx.measureText(String(y.text)).width;
        ctx.restore();
        const h = chart.chartArea.bottom - chart.chartArea.top;
        if (w > h + 20) out.push(c.id + ': y title "' + y.text + '" is ' + Math.round(w) + ' px on a ' + Math.round(h) + ' px axis');
      }
    }
    // A table word broken over two lines (名/次): each run of Han characters in a cell sits on one line.
    for (const cell of document.querySelectorAll('th, td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/\\p{Script=Han}+/gu)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push('"' + m[0] + '" broken over ' + lines.size + ' lines in "' + cell.textContent + '"');
        }
      }
    }
    return out;
  })()`)) as string[];
}

/** Han characters of the page's own text, several distinct ones. */
async function pageHan(page: Page): Promise<string[]> {
  const text = (await page.evaluate('document.body.innerText')) as string;
  return [...new Set([...text].filter((c) => HAN.test(c)))].slice(0, 12);
}

describe('Chinese pages in Chromium, with the CJK fonts', () => {
  const pages: Array<[string, () => string]> = [
    ['report-synthetic', () => reportPage(syntheticRun(), 'zh-CN')],
    ['report-faults', () => reportPage(realRun('faults-run'), 'zh-CN')],
    ['report-capacity', () => reportPage(realRun('capacity-run'), 'zh-CN')],
    ['scoreboard', () => scoreboardPage(withLoadSpecs(realScoreboard()), 'zh-CN')],
  ];

  for (const [name, html] of pages)
    it(`${name}: set in a Simplified Chinese font, charts drawing real glyphs, nothing cut off`, async () => {
      const page = await open(name, html());
      try {
        expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
        // The heading and a table header: Chinese text, drawn with Noto Sans CJK SC's glyphs.
        for (const selector of ['h1', 'h2', 'th']) {
          const fonts = await renderedFonts(page, selector);
          const cjk = Object.entries(fonts).filter(([family]) => /Noto Sans (CJK )?SC/.test(family));
          expect(cjk.length, `${selector}: ${JSON.stringify(fonts)}`).toBeGreaterThan(0);
        }
        const han = await pageHan(page);
        expect(han.length).toBeGreaterThanOrEqual(10);
        expect(await distinctGlyphs(page, han)).toBe(han.length);
        expect(await overflows(page)).toEqual([]);
      } finally {
        await page.close();
      }
    }, 30_000);
});
