/**
 * The gate-scanner Mini App in a real headless browser: the page gets its words in the user's
 * language from the server, opens the (stand-in) native scanner, and lists each card it reads with
 * the student's name; a forged card is shown as refused. The server is the bot's own HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { miniAppRoutes } from '../../src/qr/miniapp.js';
import { signInitData } from '../../src/core/telegram/webapp.js';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, telegramPage, type TestBrowser } from '../support/browser.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { addGatekeeper, issueAllCards } from './gate.js';

const TOKEN = '123456:TEST-TOKEN-abcdefghij';
const now = new Date('2026-11-23T00:05:00Z'); // 07:05 in Phnom Penh
let app: TestApp;
let server: Server;
let base: string;
let browser: TestBrowser;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await issueAllCards(app);
  await addGatekeeper(app, 'DEMO-001', '+85512999003');
  await app.user(4101, 'Gate').shareContact('012 999 003');
  server = createHttpServer(miniAppRoutes(app.deps, TOKEN, '/scan'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await app?.close();
});

const initData = (userId: number) => signInitData({ auth_date: String(Math.floor(now.getTime() / 1000)), user: JSON.stringify({ id: userId, first_name: 'G' }) }, TOKEN);

describe('the gate-scanner page in a browser', () => {
  it('shows its Khmer words, scans two cards in a row and a forged one, and lists each result', async () => {
    const kids = await app.database.rows<{ id: number; name_km: string }>(sql`
      select s.id, s.name_km from students s join classes c on c.id = s.class_id and c.name = '7A' order by s.roll_no limit 2`);
    const page = await telegramPage(browser, initData(4101));
    await page.goto(`${base}/scan`);
    await page.waitForFunction("!document.getElementById('start').disabled");
    expect(await page.textContent('#title')).toBe(app.notifier.t('km', 'qr-scan-app-title'));
    expect(await page.textContent('#start')).toBe(app.notifier.t('km', 'qr-scan-app-start'));
    expect(await page.getAttribute('html', 'lang')).toBe('km');

    await page.click('#start');
    expect(await page.evaluate('window.__popupText')).toBe(app.notifier.t('km', 'qr-scan-app-hint'));
    const link = (id: number) => `https://t.me/sis_test_bot?start=${signCard(app.deps.cardSecret, { studentId: Number(id), version: 1 })}`;
    const codes = [link(kids[0]!.id), link(kids[1]!.id), 'https://t.me/sis_test_bot?start=cFORGEDxxxxxxxxxxxxxxxxxx'];
    await page.evaluate(`window.__scanQueue.push(...${JSON.stringify(codes)})`);
    await page.waitForFunction("document.querySelectorAll('#list li').length === 3", undefined, { timeout: 15_000 });
    const items = (await page.evaluate("[...document.querySelectorAll('#list li')].map((li) => ({ text: li.textContent, bad: li.classList.contains('bad') }))")) as Array<{ text: string; bad: boolean }>;
    // Each answer is listed as it comes back (the three requests run at once).
    for (const kid of kids) expect(items.filter((i) => i.text.includes(kid.name_km) && !i.bad)).toHaveLength(1);
    expect(items.filter((i) => i.bad)).toEqual([{ text: app.notifier.t('km', 'qr-scan-denied-forged'), bad: true }]);
    const [n] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from checkins where arrived_via = 'miniapp'`);
    expect(Number(n!.n)).toBe(2);
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/gate-scanner.png` });
    await page.close();
  }, 60_000);

  it('says it cannot trust a page opened without valid initData, and records nothing', async () => {
    const page = await telegramPage(browser, 'user=%7B%22id%22%3A4101%7D&hash=00');
    await page.goto(`${base}/scan`);
    await page.waitForTimeout(500);
    expect(await page.isDisabled('#start')).toBe(true);
    await page.close();
  }, 30_000);
});
