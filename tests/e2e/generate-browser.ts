// What the Generate page's browser tests share: the Chromium they drive, a page signed in with the stack's key, and
// a recorder of the progress panel.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
export const WAIT = { timeout: 90_000 };

/** A browser context on the stack's web app with its API key saved (as the key field saves it), collecting page errors. */
export async function keyedPage(
  browser: Browser, stack: { webUrl: string; apiKey: string }, pageErrors: string[], options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
  await context.addInitScript((key) => {
    if (window.location.protocol.startsWith('http')) window.localStorage.setItem('muse.apiKey', key);
  }, stack.apiKey);
  context.on('weberror', (error) => pageErrors.push(`${error.page()?.url()}: ${error.error().message}`));
  return { context, page: await context.newPage() };
}

export interface ProgressState {
  status: string | null;
  via: string | null;
  text: string;
  value: string | null;
  /** whether the picture so far (MusIm's preview) was shown */
  preview: boolean;
}

/**
 * A script (a string: tsx's helpers do not exist in the page) that records each state of the progress panel inside
 * `scope` into window.seenProgress, as the page shows it.
 */
export function recordProgress(scope: string): string {
  return `(() => {
  const seen = [];
  window.seenProgress = seen;
  new MutationObserver(() => {
    const panel = document.querySelector(${JSON.stringify(`${scope} section[aria-label="Generation"]`)});
    if (!panel) return;
    const entry = {
      status: panel.getAttribute('data-status'),
      via: panel.getAttribute('data-via'),
      text: panel.querySelector('.job-text')?.textContent ?? '',
      value: panel.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? null,
      preview: !!panel.querySelector('img.job-preview'),
    };
    const last = seen[seen.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(entry)) seen.push(entry);
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
})()`;
}
