/**
 * The score sheet Mini App in a real headless browser, served by the bot's HTTP server: the page
 * gets its words in the teacher's language, lists the class in roll order, keeps a draft while
 * typing, marks the row of a bad value, previews and saves on Save only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { signInitData } from '../../src/core/telegram/webapp.js';
import { scoresMiniAppRoutes } from '../../src/scores/miniapp.js';
import { acceptDefaultPlan } from '../../src/scores/service-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, telegramPage, type TestBrowser } from '../support/browser.js';
import { loadDemoSchool } from '../support/fixtures.js';

const TOKEN = '123456:TEST-TOKEN-abcdefghij';
let app: TestApp;
let server: Server;
let base: string;
let browser: TestBrowser;
let ids: { c: number; s: number; a: number };

beforeAll(async () => {
  app = await createTestApp();
  await loadDemoSchool(app.database.db);
  const plan = await acceptDefaultPlan(app.database.db, 1, 'cli');
  if (!plan.ok) throw new Error('no plan');
  await app.user(6001, 'Makara').shareContact('016 025 313'); // homeroom teacher of 7A
  const [row] = await app.database.rows<{ c: number; s: number }>(sql`select c.id c, ss.id s from classes c join score_subjects ss on ss.grade = c.grade and ss.code = 'maths' where c.name = '7A'`);
  ids = { c: Number(row!.c), s: Number(row!.s), a: plan.plan.assessments[0]!.id };
  server = createHttpServer(scoresMiniAppRoutes(app.deps, TOKEN, '/scan'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  await app?.close();
});

const initData = (userId: number) => signInitData({ auth_date: String(Math.floor(Date.now() / 1000)), user: JSON.stringify({ id: userId, first_name: 'T' }) }, TOKEN);

describe('the score sheet page in a browser', () => {
  it('lists 7A, keeps a draft, marks a bad row, then previews and saves', async () => {
    const page = await telegramPage(browser, initData(6001));
    await page.goto(`${base}/scores?c=${ids.c}&s=${ids.s}&a=${ids.a}`);
    await page.waitForFunction("!document.getElementById('check').disabled");
    expect(await page.getAttribute('html', 'lang')).toBe('km');
    expect(await page.textContent('#check')).toBe(app.notifier.t('km', 'scores-app-check'));
    const inputs = page.locator('input.v');
    const count = await inputs.count();
    expect(count).toBe(32);
    for (let i = 0; i < count; i++) await inputs.nth(i).fill(i === 2 ? '120' : i === 4 ? 'ab' : i === 6 ? '៧៥,៥' : String(50 + i));
    // the draft is written while typing
    await page.waitForTimeout(900);
    const [draft] = await app.database.rows<{ n: number }>(sql`select count(*)::int n from score_drafts`);
    expect(Number(draft!.n)).toBe(1);
    await page.click('#check');
    await page.waitForFunction("document.getElementById('out').textContent.length > 0");
    expect(await page.textContent('#out')).toContain('លេខ ៣');
    expect(await page.locator('tr.bad').count()).toBe(1);
    expect(await page.isVisible('#save')).toBe(false);
    await inputs.nth(2).fill('90');
    await page.click('#check');
    await page.waitForFunction("document.getElementById('save').style.display === 'block'");
    expect(await page.textContent('#out')).toContain('អវត្តមាន៖ ១');
    const [before] = await app.database.rows<{ n: number }>(sql`select count(*)::int n from scores`);
    expect(Number(before!.n)).toBe(0);
    await page.click('#save');
    await page.waitForFunction("document.getElementById('out').textContent.includes('✅')");
    const rows = await app.database.rows<{ value: string | null; absent: boolean }>(sql`select value, absent from scores s join students st on st.id = s.student_id order by st.roll_no`);
    expect(rows).toHaveLength(32);
    expect(rows[4]!.absent).toBe(true);
    expect(Number(rows[6]!.value)).toBe(75.5);
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/score-sheet.png` });
    await page.close();
  }, 90_000);

  it('refuses a page opened without valid initData', async () => {
    const page = await telegramPage(browser, 'user=%7B%22id%22%3A6001%7D&hash=00');
    await page.goto(`${base}/scores?c=${ids.c}&s=${ids.s}&a=${ids.a}`);
    await page.waitForTimeout(800);
    expect(await page.isDisabled('#check')).toBe(true);
    expect(await page.textContent('#title')).toBe(app.notifier.t('km', 'scores-app-denied'));
    await page.close();
  }, 30_000);
});
