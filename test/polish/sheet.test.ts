/**
 * Issue 12, "also seen", on the class sheet:
 * - a child marked absent goes back to present in one tap (↩️ under the sheet), not round the
 *   cycle of three;
 * - an older list message (another list opened since, a typed line) or a list of an earlier day
 *   changes nothing of today's draft: it says it is old and offers the current list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { Received, TestUser } from '../support/telegram.js';

let now = new Date('2026-11-23T06:10:00Z'); // Monday 13:10 in Phnom Penh: 1A (afternoon) in session
let app: TestApp;
let teacher: TestUser; // homeroom 1A
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

const draftOf = async (day: string) => {
  const [row] = await app.database.rows<{ marks: unknown }>(sql`select marks from attendance_drafts d join classes c on c.id = d.class_id and c.name = '1A' where d.day = ${day}`);
  return JSON.stringify(row?.marks ?? null);
};
/** Submissions and corrections of 1A's lists so far. */
const submissions = async () => Number((await app.database.rows<{ n: number }>(sql`select coalesce(sum(s.version), 0)::int as n from class_submissions s join classes c on c.id = s.class_id and c.name = '1A'`))[0]!.n);
/** Presses the button labelled `label` on one given message (not the newest). */
async function pressOn(user: TestUser, message: Received, label: string) {
  const b = (message.replyMarkup.inline_keyboard as Array<Array<{ text: string; callback_data: string }>>).flat().find((x) => x.text.includes(label))!;
  await user.pressData(b.callback_data, message.messageId, message.text);
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  teacher = app.user(8001, 'Maly');
  await teacher.shareContact('016 005 138');
  teacher.inbox();
});

afterAll(async () => {
  await app?.close();
});

describe('back to present', () => {
  it('a child tapped absent by mistake is present again with one more tap', async () => {
    await teacher.send('/attendance');
    await teacher.press('5. ✅');
    const sheet = teacher.inbox().at(-1)!;
    expect(sheet.text).toContain('❌ 5.');
    await teacher.press('↩️');
    const back = teacher.inbox().at(-1)!;
    expect(back.text).not.toContain('❌ 5.');
    expect(back.replyMarkup.inline_keyboard.flat().find((b: { text: string }) => b.text.startsWith('5. '))!.text).toMatch(/^5\. ✅/);
    // No ↩️ once the child is present.
    expect(back.replyMarkup.inline_keyboard.flat().some((b: { text: string }) => b.text.startsWith('↩️'))).toBe(false);
  });

  it('a child marked absent earlier: two taps (absent → late, ↩️ present) instead of three', async () => {
    await teacher.press('6. ✅'); // absent
    await teacher.press('7. ✅'); // another child: 6 is no longer the one just tapped
    await teacher.press('6. ❌'); // late
    await teacher.press('↩️');
    expect(teacher.inbox().at(-1)!.text).not.toMatch(/[❌⏰] 6\./);
  });
});

describe('an older list message', () => {
  it('a list superseded by a typed line changes nothing and shows the current list', async () => {
    await teacher.send('/attendance');
    const older = teacher.inbox().at(-1)!;
    await teacher.send('1A absent 3');
    const typed = await draftOf('2026-11-23');
    await pressOn(teacher, older, '4. ');
    expect(await draftOf('2026-11-23')).toBe(typed);
    const got = teacher.inbox();
    expect(got.find((m) => m.method === 'answerCallbackQuery')!.text).toBe(t('km', 'attendance-sheet-stale'));
    // The older message now shows the current list (roll 3 absent, roll 4 not).
    const edited = got.find((m) => m.method === 'editMessageText')!;
    expect(edited.messageId).toBe(older.messageId);
    expect(edited.text).toContain('❌ 3.');
    expect(edited.text).not.toContain('❌ 4.');
  });

  it('"Yes, submit" of a preview the list has moved past submits nothing', async () => {
    await teacher.send('1A absent 9');
    const preview = teacher.inbox().at(-1)!;
    await teacher.send('/attendance');
    await teacher.press('10. ✅');
    const before = await submissions();
    await pressOn(teacher, preview, t('km', 'attendance-sheet-confirm-yes'));
    expect(await submissions()).toBe(before);
    expect(teacher.inbox().find((m) => m.method === 'answerCallbackQuery')!.text).toBe(t('km', 'attendance-sheet-stale'));
    // The current one goes through.
    await teacher.press(t('km', 'attendance-sheet-submit'));
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    expect(await submissions()).toBe(before + 1);
  });

  it('a list of an earlier day says which day it was, offers today\'s, and leaves today\'s draft alone', async () => {
    await teacher.send('/attendance');
    const monday = teacher.inbox().at(-1)!;
    now = new Date('2026-11-24T06:10:00Z'); // Tuesday
    await teacher.send('/attendance');
    await teacher.press('2. ✅');
    const tuesday = await draftOf('2026-11-24');
    teacher.inbox();
    await pressOn(teacher, monday, '8. ');
    expect(await draftOf('2026-11-24')).toBe(tuesday);
    const got = teacher.inbox();
    const said = t('km', 'attendance-stale-day', { date: '២៣ វិច្ឆិកា ២០២៦' });
    expect(got.find((m) => m.method === 'answerCallbackQuery')!.text).toBe(said);
    const offer = got.find((m) => m.method === 'sendMessage')!;
    expect(offer.text).toBe(said);
    await teacher.press(t('km', 'attendance-open-today'));
    expect(teacher.inbox().at(-1)!.text).toContain('២៤ វិច្ឆិកា ២០២៦');
  });
});
