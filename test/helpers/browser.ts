import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's chromium (scripts/setup.sh installs it for the tests). */
export const CHROMIUM = process.env.BUSYBENCH_CHROMIUM ?? '/usr/bin/chromium';

export interface Rendered {
  /** console.error lines and uncaught page errors. */
  readonly errors: string[];
  /** Per canvas: how many pixels something was drawn on (not transparent). */
  readonly canvases: Record<string, number>;
  /** Distinct colours in the page's screenshot (a blank page has one). */
  readonly screenshotColours: number;
  readonly text: string;
  /** Per chart.js chart (by canvas id): its datasets' labels and colours, in order. */
  readonly legends: Record<string, Array<{ label: string; colour: string }>>;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no chromium at ${CHROMIUM}: run make test (it installs Debian's chromium)`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
}

/** One Chromium for the file's (or describe block's) tests: launched before them, closed after. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('useBrowser: Chromium is not up yet (use it inside a test)');
    return browser;
  };
}

/**
 * Opens a page in headless Chromium, waits until the drawing script marks the body rendered (or
 * the timeout), and reports what a person would see: errors, drawn canvases, a non-blank screen.
 */
export async function render(browser: Browser, url: string, timeoutMs = 15_000): Promise<Rendered> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewport({ width: 1400, height: 1800 });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-rendered="true"]', { timeout: timeoutMs });
  // Runs in the page (a string: this project's types have no DOM).
  const canvases = (await page.evaluate(`(() => {
    const out = {};
    for (const c of document.querySelectorAll('canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) { out[c.id] = 0; continue; }
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
      out[c.id] = drawn;
    }
    return out;
  })()`)) as Record<string, number>;
  const legends = (await page.evaluate(`(() => {
    const out = {};
    for (const c of document.querySelectorAll('canvas')) {
      const chart = window.Chart && window.Chart.getChart(c);
      if (!chart) continue;
      out[c.id] = chart.data.datasets.map((d) => ({ label: String(d.label), colour: String(d.backgroundColor) }));
    }
    return out;
  })()`)) as Rendered['legends'];
  const png = Buffer.from(await page.screenshot({ type: 'png', fullPage: true }));
  // To look at what the test saw: BUSYBENCH_SCREENSHOT_DIR=/tmp/shots npx vitest run …
  const dir = process.env.BUSYBENCH_SCREENSHOT_DIR;
  if (dir) writeFileSync(join(dir, `${new URL(url).pathname.replace(/\W+/g, '-')}.png`), png);
  const shot = PNG.sync.read(png);
  const colours = new Set<number>();
  for (let i = 0; i < shot.data.length && colours.size < 1000; i += 4) colours.add(shot.data.readUInt32BE(i));
  const text = (await page.evaluate('document.body.innerText')) as string;
  await page.close();
  return { errors, canvases, screenshotColours: colours.size, text, legends };
}
