import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';

/** What a person reads on a page: its text, and what its charts write on their canvases. */
export interface PageText {
  readonly lang: string;
  readonly title: string;
  readonly text: string;
  /** Per chart (canvas id): titles, axis titles, category and dataset labels, overlay labels. */
  readonly charts: Record<string, string[]>;
}

/**
 * Opens a page in Chromium, waits until its script marks the body rendered, and reads the words
 * on it, canvases included (chart.js draws its titles and legends as pixels: the text is read
 * from each chart's configuration, which is what it draws).
 */
export async function pageText(browser: Browser, url: string): Promise<PageText> {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: 1400, height: 1800 });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 15_000 });
    // Runs in the page (a string: this project's types have no DOM).
    return (await page.evaluate(`(() => {
      const charts = {};
      for (const c of document.querySelectorAll('canvas')) {
        const chart = window.Chart && window.Chart.getChart(c);
        if (!chart) continue;
        const o = chart.options;
        const out = [];
        const add = (t) => { if (t !== undefined && t !== null && String(t) !== '') out.push(String(t)); };
        if (o.plugins.title && o.plugins.title.display) add(o.plugins.title.text);
        if (o.plugins.subtitle && o.plugins.subtitle.display) add(o.plugins.subtitle.text);
        for (const id of Object.keys(o.scales || {})) {
          const s = o.scales[id];
          if (s.title && s.title.display) add(s.title.text);
        }
        for (const l of chart.data.labels || []) add(l);
        for (const d of chart.data.datasets) add(d.label);
        const overlay = o.plugins.overlay || {};
        for (const b of overlay.bands || []) add(b.label);
        for (const h of overlay.hlines || []) add(h.label);
        const bands = (o.plugins.phaseBands && o.plugins.phaseBands.bands) || [];
        for (const b of bands) add(b.name);
        charts[c.id] = out;
      }
      return {
        lang: document.documentElement.lang,
        title: document.title,
        text: document.body.innerText,
        charts,
      };
    })()`)) as PageText;
  } finally {
    await page.close();
  }
}

/** Reads HTML through Chromium as `pageText` does: each page written to a file of its own first. */
export function htmlShower(
  browser: () => Browser,
  prefix: string,
): (name: string, html: string) => Promise<PageText> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return async (name, html) => {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    return pageText(browser(), `file://${file}`);
  };
}
