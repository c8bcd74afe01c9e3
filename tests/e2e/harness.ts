// Shared set-up of the end-to-end tests: a fresh build of the renderer when the sources are newer, the real web
// host on a temp library, and Debian's headless Chromium driven by playwright-core.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWebHost, type WebHost } from '../../src/main/web/server';
import { buildStudio, studioBuildNeeded } from '../../src/main/web/build-studio';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_DIR = path.join(ROOT, 'out/renderer');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Builds the studio (npm run build) when out/renderer is missing or older than src/renderer or src/shared. */
export async function ensureRenderer(): Promise<void> {
  if (studioBuildNeeded(ROOT)) await buildStudio(ROOT);
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Studio {
  host: WebHost;
  browser: Browser;
  page: Page;
  /** Page errors and console errors seen so far (a crash in React shows up here). */
  errors: string[];
  close(): Promise<void>;
}

export async function openStudio(libraryDir: string, viewport = { width: 1440, height: 900 }): Promise<Studio> {
  await ensureRenderer();
  const host = await startWebHost({ libraryDir, port: 0, staticDir: RENDERER_DIR });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  // tsx (esbuild keepNames) wraps named functions passed to page.evaluate in __name(); give the page one.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(host.url);
  return {
    host,
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      await host.close();
    },
  };
}

/** A screenshot for people to look at (test-artifacts/ is not committed). */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}
