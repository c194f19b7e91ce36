/**
 * Paid broadcast for urgent announcements, through the real bot: the button appears only on an
 * urgent preview where the deployment has a Stars budget; beyond today's budget the principal is
 * told what it would cost and what is left, and nothing is queued; within it every message is
 * queued with allow_paid_broadcast and the day's count is held against the cap; the sender sends
 * paid rows with the flag (they have a gate of their own at the paid rate).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservePaidBroadcast } from '../../src/core/queue/paid-broadcast.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T06:10:00Z'); // Monday 13:10 in Phnom Penh
let app: TestApp;
let principal: TestUser;
let delivery: ReturnType<typeof startTestDelivery>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const buttons = (u: TestUser) => u.received().at(-1)?.replyMarkup?.inline_keyboard?.flat().map((b: { text: string }) => b.text) ?? [];
let staffCount: number;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  delivery = startTestDelivery(app);
  principal = app.user(3001, 'Sophea', 'en');
  await principal.send('/language');
  await principal.press('English');
  await principal.shareContact('093 388 921');
  // a few linked colleagues to receive it
  await app.database.db.execute(sql`update staff set telegram_user_id = 8000 + id where telegram_user_id is null and id in (select id from staff order by id limit 5)`);
  const [n] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from staff where telegram_user_id is not null and active`);
  staffCount = Number(n!.n);
  principal.inbox();
});

afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

async function draftUrgent(text: string) {
  await principal.send('/announce');
  await principal.send(text);
  await principal.press(t('en', 'announcements-aud-staff'));
  await principal.press(t('en', 'announcements-button-now'));
  expect(buttons(principal)).not.toContain(t('en', 'announcements-button-paid'));
  await principal.press(t('en', 'announcements-button-urgent'));
}

describe('paid broadcast of an urgent announcement', () => {
  it('no budget configured: no paid button, even when urgent', async () => {
    app.deps.paidBroadcastStarsPerDay = 0;
    await draftUrgent('School closed tomorrow: flood');
    expect(buttons(principal)).not.toContain(t('en', 'announcements-button-paid'));
    await principal.press(t('en', 'announcements-button-discard'));
    principal.inbox();
  });

  it("beyond today's budget: refused with the cost and what is left, nothing queued", async () => {
    app.deps.paidBroadcastStarsPerDay = 0.1; // one message a day
    await draftUrgent('School closed tomorrow: flood');
    expect(buttons(principal)).toContain(t('en', 'announcements-button-paid'));
    principal.inbox();
    await principal.press(t('en', 'announcements-button-paid'));
    const [alert] = principal.inbox().filter((m) => m.method === 'answerCallbackQuery');
    const recipients = staffCount - 1; // not the author
    expect(alert!.text).toBe(t('en', 'announcements-refused-paid-budget', { cost: String(recipients / 10), left: '0.1' }));
    expect(await app.database.rows(sql`select 1 from outbox where dedupe_key like 'ann:%'`)).toHaveLength(0);
    expect(await app.database.rows(sql`select 1 from paid_broadcast_days`)).toHaveLength(0);
  });

  it('within the budget: every message queued as paid, the day holds them, and they go out with the flag', async () => {
    app.deps.paidBroadcastStarsPerDay = 10;
    principal.inbox();
    await principal.press(t('en', 'announcements-button-paid'));
    const rows = await app.database.rows<{ paid: boolean }>(sql`select (payload ->> 'allow_paid_broadcast')::boolean as paid from outbox where dedupe_key like 'ann:%'`);
    expect(rows.length).toBe(staffCount - 1);
    expect(rows.every((r) => r.paid)).toBe(true);
    const [day] = await app.database.rows<{ messages: number }>(sql`select messages from paid_broadcast_days`);
    expect(Number(day!.messages)).toBe(staffCount - 1);
    expect(principal.inbox().some((m) => m.text.includes(t('en', 'announcements-paid-note')))).toBe(true);
    await delivery.deliver();
    const sent = app.tg.calls.filter((c) => c.method === 'sendMessage' && c.payload.allow_paid_broadcast === true);
    expect(sent.length).toBe(staffCount - 1);
  });

  it('the cap holds across broadcasts of the day: all or nothing', async () => {
    const used = staffCount - 1;
    // 10 Stars = 100 messages a day; `used` are taken
    expect((await reservePaidBroadcast(app.database.db, 100 - used + 1, 10)).ok).toBe(false);
    const fits = await reservePaidBroadcast(app.database.db, 100 - used, 10);
    expect(fits).toMatchObject({ ok: true, leftStars: 0 });
    expect(await reservePaidBroadcast(app.database.db, 1, 10)).toMatchObject({ ok: false, costStars: 0.1, leftStars: 0 });
  });
});
