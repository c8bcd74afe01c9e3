// Shared set-up of the end-to-end tests: a fresh build of the renderer when the sources are newer, the real web
// host on a temp library, and Debian's headless Chromium driven by playwright-core.
import assert from 'node:assert/strict';
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

export const testId = (id: string): string => `[data-testid="${id}"]`;

/** The studio's API as the page reaches it (POST with the bearer token): the value, or the host's error thrown. */
export function hostApi(studio: Pick<Studio, 'host'>): <T>(name: string, input: unknown) => Promise<T> {
  return async <T>(name: string, input: unknown): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${studio.host.port}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${studio.host.token}` },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: boolean; value: T; error: string };
    if (!body.ok) throw new Error(body.error);
    return body.value;
  };
}

/**
 * Runs `check` at 1440×900 and at 1024×700 — the sizes every view must work at — with a screenshot of each and
 * no sideways scrolling of the page; leaves the page at 1440×900.
 */
export async function atBothSizes(page: Page, name: string, check: () => Promise<void>): Promise<void> {
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await check();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok((overflow as number) <= 0, `${name}: no sideways scrolling at ${w}×${h}`);
    await shot(page, `${name}-${w}x${h}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}
