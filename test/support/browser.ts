/**
 * A real headless browser for Mini App pages: Debian's chromium driven by playwright-core (no
 * browser download). Telegram's own script (telegram.org/js/telegram-web-app.js) is answered by a
 * stand-in that gives the page `window.Telegram.WebApp` with the initData a test signs, and a
 * native scanner that "reads" the codes the test hands it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright gives each launch a fresh temporary profile of its own (--user-data-dir is its).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sis-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env: { ...process.env, HOME: dataDir },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A page whose Telegram script is the stand-in: `initData` as given; `showScanQrPopup` calls its
 * callback with each code in `window.__scanQueue` (the test pushes codes there), as the native
 * scanner calls it for each code it sees.
 */
export async function telegramPage(b: TestBrowser, initData: string, viewport = { width: 390, height: 760 }): Promise<Page> {
  const page = await b.browser.newPage({ viewport });
  await page.route('https://telegram.org/**', (route) =>
    route.fulfill({
      contentType: 'application/javascript',
      body: `window.__scanQueue = []; window.__popupText = null;
window.Telegram = { WebApp: {
  initData: ${JSON.stringify(initData)}, ready() {}, expand() {},
  HapticFeedback: { notificationOccurred() {} },
  showScanQrPopup(params, cb) {
    window.__popupText = params.text;
    const pump = () => { while (window.__scanQueue.length) cb(window.__scanQueue.shift()); setTimeout(pump, 50); };
    pump();
  },
} };`,
    }),
  );
  return page;
}
