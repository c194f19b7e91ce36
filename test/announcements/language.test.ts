/**
 * /announce in the reader's language, through the real bot: an English principal walks the whole
 * flow (grades, a typed time, the preview, sending, the report, a scheduled one and its cancel)
 * and nothing they receive holds a Khmer digit; the Khmer-speaking operator walking the same
 * steps sees every number, date and time in Khmer digits and the preview header in Khmer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { outbox } from '../../src/core/db/schema.js';
import { finishAnnouncements } from '../../src/announcements/service-report.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { Received, TestUser } from '../support/telegram.js';
import { mark, mediaAnswers, sentTo } from './support.js';

// Monday 23 November 2026, 13:10 in Phnom Penh: inside school hours.
const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

let principal: TestUser; // Sok Sophea, English
let operator: TestUser; // Khmer

const KHMER_DIGIT = /[០-៩]/;
const ASCII_DIGIT = /[0-9]/;

/** Everything a message shows: its text or caption, its buttons' labels, a callback's answer. */
function shown(m: Received): string[] {
  const labels = ((m.replyMarkup?.inline_keyboard ?? []) as Array<Array<{ text: string }>>).flat().map((b) => b.text);
  return [m.text, ...labels];
}

/** Every call of the fake Bot API addressed to this chat (any method), as the words it carries. */
function everythingSentTo(chatId: number, since: number): string[] {
  return app.tg.calls
    .slice(since)
    .filter((c) => String(c.payload.chat_id) === String(chatId) || (c.method === 'answerCallbackQuery' && String(c.payload.callback_query_id).startsWith(`${chatId}:`)))
    .flatMap((c) => [c.payload.text ?? '', c.payload.caption ?? '', ...((c.payload.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string }>>).flat().map((b) => b.text)])
    .filter((s) => s !== '');
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  mediaAnswers(app);
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  principal = app.user(6001, 'Sophea');
  await principal.send('/language');
  await principal.press('English');
  await principal.shareContact('093 388 921');
  operator = app.user(6002, 'Operator');
  await operator.shareContact('016 373 035');
  // Parents of 1A and 7A, so the audiences reach someone.
  for (const [id, phone] of [
    [6101, '086 915 326'],
    [6102, '081 600 791'],
    [6103, '010 550 986'],
  ] as const) await app.user(id, `p${id}`).shareContact(phone);
  principal.inbox();
  operator.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

/** Walks /announce to grades 1 and 7, now or at `at`, and returns what the author was shown up to the preview. */
async function announceToGrades(u: TestUser, locale: 'km' | 'en', text: string, at?: string): Promise<Received[]> {
  await u.send('/announce');
  await u.send(text);
  await u.press(t(locale, 'announcements-button-grades'));
  await u.press(locale === 'km' ? '១' : '1');
  await u.press(locale === 'km' ? '៧' : '7');
  await u.press(t(locale, 'announcements-button-done'));
  if (at) {
    await u.press(t(locale, 'announcements-button-later'));
    await u.send(at);
  } else await u.press(t(locale, 'announcements-button-now'));
  return u.inbox();
}

describe('an English principal', () => {
  it('sees the flow, the preview, the count and the header in English, with no Khmer digit anywhere', async () => {
    const since = mark(app);
    const seen = await announceToGrades(principal, 'en', 'Sports day on Friday', 'tomorrow 9:30');
    const preview = seen.at(-1)!;
    expect(preview.text).toContain(t('en', 'announcements-preview-to', { audience: t('en', 'announcements-aud-grades', { grades: '1, 7' }) }));
    expect(preview.text).toContain(t('en', 'announcements-preview-count', { count: '3' }));
    expect(preview.text).toContain(t('en', 'announcements-preview-when', { when: '24 November 2026 09:30' }));
    // The content as recipients see it, with the header in the author's language.
    const [look] = sentTo(app, principal.id, since, ['sendMessage']).filter((c) => String(c.payload.text).endsWith('Sports day on Friday'));
    expect(look!.payload.text).toBe(`${t('en', 'announcements-header', { school: 'Demo School', author: 'Sok Sophea' })}\nSports day on Friday`);
    // The grade picker's labels are English digits too.
    const picker = seen.find((m) => m.text === t('en', 'announcements-ask-grades'))!;
    expect(shown(picker)).toEqual(expect.arrayContaining(['1', '7']));

    await principal.press(t('en', 'announcements-button-send'));
    expect(principal.inbox().at(-1)!.text).toBe(t('en', 'announcements-scheduled', { count: '3', when: '24 November 2026 09:30' }));
    await principal.press(t('en', 'announcements-button-cancel'));
    expect(principal.inbox().at(-1)!.text).toBe(t('en', 'announcements-cancelled', { count: '3' }));

    for (const words of everythingSentTo(principal.id, since)) expect(words).not.toMatch(KHMER_DIGIT);
  });

  it('gets the delivery report in English digits', async () => {
    const since = mark(app);
    await announceToGrades(principal, 'en', 'School closes at noon');
    await principal.press(t('en', 'announcements-button-send'));
    expect(principal.inbox().at(-1)!.text).toBe(t('en', 'announcements-sending', { count: '3' }));
    await deliver();
    expect(await finishAnnouncements(app.database, app.notifier)).toBe(1);
    await deliver();
    const [report] = principal.inbox();
    expect(report!.text).toContain(t('en', 'announcements-report-totals', { delivered: '3', unreachable: '0', failed: '0' }));
    for (const words of everythingSentTo(principal.id, since)) expect(words).not.toMatch(KHMER_DIGIT);
    // The report is an outbox row of the announcement it reports on.
    const [row] = await app.database.db.select().from(outbox).where(like(outbox.dedupeKey, 'ann-report:%'));
    expect(row).toMatchObject({ capability: 'announcements', entity: 'announcement', chatId: principal.id, status: 'sent' });
    expect(await app.database.db.select().from(outbox).where(eq(outbox.entityId, row!.entityId!))).toHaveLength(4);
  });
});

describe('a Khmer-speaking operator', () => {
  it('sees every number, date and time of the flow, the preview and the report in Khmer digits', async () => {
    const seen = await announceToGrades(operator, 'km', 'ថ្ងៃកីឡា', 'ស្អែក 9:30');
    const preview = seen.at(-1)!;
    expect(preview.text).toContain(t('km', 'announcements-preview-to', { audience: t('km', 'announcements-aud-grades', { grades: '១, ៧' }) }));
    expect(preview.text).toContain(t('km', 'announcements-preview-count', { count: '៣' }));
    expect(preview.text).toContain(t('km', 'announcements-preview-when', { when: '២៤ វិច្ឆិកា ២០២៦ ០៩:៣០' }));
    const picker = seen.find((m) => m.text === t('km', 'announcements-ask-grades'))!;
    expect(shown(picker)).toEqual(expect.arrayContaining(['១', '៧']));
    expect(shown(preview).join('\n')).not.toMatch(ASCII_DIGIT);
    await operator.press(t('km', 'announcements-button-discard'));
    operator.inbox();

    await announceToGrades(operator, 'km', 'ឈប់សម្រាកពាក់កណ្ដាលថ្ងៃ');
    await operator.press(t('km', 'announcements-button-send'));
    expect(operator.inbox().at(-1)!.text).toBe(t('km', 'announcements-sending', { count: '៣' }));
    await deliver();
    expect(await finishAnnouncements(app.database, app.notifier)).toBe(1);
    await deliver();
    const [report] = operator.inbox();
    expect(report!.text).toContain(t('km', 'announcements-report-totals', { delivered: '៣', unreachable: '០', failed: '០' }));
    // Class names (1A, 7A) are written as the school writes them.
    expect(report!.text.replace(/\b\d{1,2}[A-Z]\b/g, '')).not.toMatch(ASCII_DIGIT);
  });
});
