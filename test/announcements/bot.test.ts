/**
 * Announcements driven through the real bot, as a new user would: a teacher links the class's
 * Telegram group from inside it; the principal sends a voice announcement to two classes, one
 * with a linked group and one without; the group gets one message, every linked parent of the
 * other class one each (a blocked one is marked unreachable), and the principal gets an accurate
 * delivery report. Then what must not work: a teacher aiming at another class with a forged
 * button, a parent trying /announce, bad content; and the group's lifecycle (unlink, bot removed,
 * supergroup migration, anything else said in a group ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNotNull, like, sql } from 'drizzle-orm';
import { auditLog, classes, outbox } from '../../src/core/db/schema.js';
import { announcements, classGroups } from '../../src/announcements/schema.js';
import { finishAnnouncements } from '../../src/announcements/service-report.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { BOT_INFO, type TestUser } from '../support/telegram.js';
import { botMembership, inGroup, khmerDigits, mark, mediaAnswers, sendMedia, sentTo, type Group } from './support.js';

// Monday 23 November 2026, 13:10 in Phnom Penh: inside school hours.
const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
let classId: Record<string, number>;

let principal: TestUser;
let teacher1A: TestUser; // Um Maly, homeroom 1A
let teacher7A: TestUser; // Keo Makara, homeroom 7A
let parentA: TestUser; // 086 915 326: a child in 1A and one in 7A; reads English
let parentB: TestUser; // 081 600 791: a child in 1A only
let parent7a1: TestUser; // 010 550 986: two children in 7A (S79, S82)
let parent7a2: TestUser; // 088 112 098: first guardian of S76 and S87
let parent7a3: TestUser; // 016 229 525: second guardian of S87
let blocked7a: TestUser; // 015 433 601: S65's guardian, has blocked the bot

const group1A: Group = { id: -4001, title: '1A parents' };
const blocked = new Set<number>();
/** where the fake's call log stood at the start of the step being checked */
let since = 0;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  classId = Object.fromEntries((await app.database.db.select({ id: classes.id, name: classes.name }).from(classes)).map((c) => [c.name, c.id]));
  mediaAnswers(app, blocked);
  app.tg.respond('getChatMember', (p) => ({ ok: true, result: { status: 'member', user: { id: Number(p.user_id), is_bot: true, first_name: 'SIS' } } }));
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;

  const link = async (id: number, name: string, phone: string) => {
    const u = app.user(id, name);
    await u.shareContact(phone);
    return u;
  };
  principal = await link(3001, 'Sophea', '093 388 921');
  teacher1A = await link(3002, 'Maly', '016 005 138');
  teacher7A = await link(3003, 'Makara', '016 025 313');
  parentA = app.user(3101, 'A');
  await parentA.send('/language');
  await parentA.press('English');
  await parentA.shareContact('086 915 326');
  parentB = await link(3102, 'B', '081 600 791');
  parent7a1 = await link(3103, 'C', '010 550 986');
  parent7a2 = await link(3104, 'D', '088 112 098');
  parent7a3 = await link(3105, 'E', '016 229 525');
  blocked7a = await link(3106, 'F', '015 433 601');
  blocked.add(blocked7a.id);
  for (const u of [principal, teacher1A, teacher7A, parentA, parentB, parent7a1, parent7a2, parent7a3, blocked7a]) u.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('a class group', () => {
  it('greets the teacher who adds the bot with the exact command to link it', async () => {
    since = mark(app);
    await botMembership(app, group1A, teacher1A, 'left', 'member');
    expect(sentTo(app, group1A.id, since).map((c) => c.payload.text)).toEqual([t('km', 'announcements-group-hello', { bot: BOT_INFO.username })]);
  });

  it('is linked by the class teacher with /linkgroup inside the group', async () => {
    since = mark(app);
    await inGroup(app, group1A, teacher1A, `/linkgroup@${BOT_INFO.username} 1a`);
    expect(sentTo(app, group1A.id, since).map((c) => c.payload.text)).toEqual([t('km', 'announcements-group-linked', { class: '1A' })]);
    const [row] = await app.database.db.select().from(classGroups).where(eq(classGroups.classId, classId['1A']!));
    expect(row).toMatchObject({ chatId: group1A.id, title: '1A parents', linkedBy: 'tg:3002' });
  });

  it("is refused to another class's teacher and to a parent, and both refusals are audited", async () => {
    const other: Group = { id: -4002, title: 'someone else' };
    since = mark(app);
    await inGroup(app, other, teacher7A, '/linkgroup 1A');
    await inGroup(app, other, parentB, '/linkgroup 1A');
    expect(sentTo(app, other.id, since).map((c) => c.payload.text)).toEqual([t('km', 'announcements-group-not-your-class', { class: '1A' }), t('km', 'announcements-group-not-staff')]);
    expect(await app.database.db.select().from(classGroups).where(eq(classGroups.chatId, other.id))).toHaveLength(0);
    const denied = await app.database.db
      .select({ actor: auditLog.actor })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'announce.group.link'), eq(auditLog.outcome, 'denied')));
    expect(denied.map((d) => d.actor).sort()).toEqual(['tg:3003', 'tg:3102']);
  });

  it('ignores everything else said in a group, /announce included', async () => {
    since = mark(app);
    await inGroup(app, group1A, parentB, 'hello everyone');
    await inGroup(app, group1A, principal, '/announce');
    await inGroup(app, group1A, teacher1A, '/linkgroup@another_bot 7A');
    expect(app.tg.calls.slice(since).filter((c) => c.method !== 'getChatMember')).toEqual([]);
  });
});

describe('the principal sends a voice announcement to 1A (linked group) and 7A (no group)', () => {
  let announcementId: number;

  it('asks for the content, the audience, groups or parents, and the time, then previews it with the number of recipients', async () => {
    await principal.send('/announce');
    expect(principal.texts()).toEqual([t('km', 'announcements-ask-content')]);
    await sendMedia(principal, {
      voice: { file_id: 'VOICE-FILE-1', file_unique_id: 'uv1', duration: 14, mime_type: 'audio/ogg', file_size: 52_000 },
      caption: 'ប្រជុំមាតាបិតា ថ្ងៃសៅរ៍ ម៉ោង ៨ ព្រឹក',
    });
    expect(principal.texts()).toEqual([t('km', 'announcements-ask-audience')]);
    await principal.press(t('km', 'announcements-button-classes'));
    expect(principal.texts()).toEqual([t('km', 'announcements-ask-classes')]);
    await principal.press('1A');
    await principal.press('7A');
    const picker = principal.inbox().at(-1)!;
    expect(picker.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toEqual(expect.arrayContaining(['✅ 1A', '✅ 7A', '4B']));
    await principal.press(t('km', 'announcements-button-done'));
    expect(principal.texts()).toEqual([t('km', 'announcements-ask-groups', { classes: '1A' })]);
    await principal.press(t('km', 'announcements-button-groups'));
    expect(principal.texts()).toEqual([t('km', 'announcements-ask-when')]);
    since = mark(app);
    await principal.press(t('km', 'announcements-button-now'));

    // The voice message exactly as recipients will see it, then the summary.
    const [look] = sentTo(app, principal.id, since, ['sendVoice']);
    expect(look!.payload).toMatchObject({
      voice: 'VOICE-FILE-1',
      caption: `${t('km', 'announcements-header', { school: 'សាលាគំរូ', author: 'សុខ សុភា' })}\nប្រជុំមាតាបិតា ថ្ងៃសៅរ៍ ម៉ោង ៨ ព្រឹក`,
    });
    const preview = principal.inbox().at(-1)!;
    // 1 group (1A) + 7A: parents A, C, D, E and the blocked F = 6 recipients.
    expect(preview.text).toBe(
      [
        t('km', 'announcements-preview-title'),
        t('km', 'announcements-preview-to', { audience: t('km', 'announcements-aud-classes', { classes: '1A, 7A' }) }),
        t('km', 'announcements-preview-count-groups', { count: '៦', groups: '១', people: '៥' }),
        t('km', 'announcements-preview-when', { when: t('km', 'announcements-when-now') }),
        t('km', 'announcements-preview-confirm'),
      ].join('\n'),
    );
    // Nothing is written to anyone before the confirmation.
    expect(await app.database.db.select().from(outbox).where(like(outbox.dedupeKey, 'ann:%'))).toHaveLength(0);
    const [a] = await app.database.db.select().from(announcements);
    announcementId = a!.id;
    expect(a).toMatchObject({ status: 'draft', previewCount: 6 });
  });

  it('sends after the confirmation: one message to the group, one to each linked 7A parent, none to 1A parents one by one', async () => {
    since = mark(app);
    await principal.press(t('km', 'announcements-button-send'));
    expect(principal.inbox().at(-1)!.text).toBe(t('km', 'announcements-sending', { count: '៦' }));
    // The count shown is the count written.
    const rows = await app.database.db.select().from(outbox).where(like(outbox.dedupeKey, `ann:${announcementId}:%`));
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.method))).toEqual(new Set(['sendVoice']));

    await deliver();
    expect(sentTo(app, group1A.id, since)).toHaveLength(1);
    for (const p of [parentA, parent7a1, parent7a2, parent7a3]) expect(sentTo(app, p.id, since)).toHaveLength(1);
    expect(sentTo(app, parentB.id, since)).toHaveLength(0);
    for (const staffMember of [teacher1A, teacher7A]) expect(sentTo(app, staffMember.id, since)).toHaveLength(0);
    // Forwarded by file_id, never uploaded; each reader gets the header in their own language.
    expect(sentTo(app, parentA.id, since)[0]!.payload).toMatchObject({ voice: 'VOICE-FILE-1', caption: `${t('en', 'announcements-header', { school: 'Demo School', author: 'Sok Sophea' })}\nប្រជុំមាតាបិតា ថ្ងៃសៅរ៍ ម៉ោង ៨ ព្រឹក` });
    expect(sentTo(app, group1A.id, since)[0]!.payload.caption).toContain(t('km', 'announcements-header', { school: 'សាលាគំរូ', author: 'សុខ សុភា' }));
    expect(app.tg.calls.some((c) => c.method === 'getFile')).toBe(false);
    const [blockedRow] = await app.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `ann:${announcementId}:${blocked7a.id}`));
    expect(blockedRow!.status).toBe('unreachable');
  });

  it('reports to the principal once everything is final: delivered, unreachable, failed, and per class', async () => {
    expect(await finishAnnouncements(app.database, app.notifier)).toBe(1);
    expect(await finishAnnouncements(app.database, app.notifier)).toBe(0);
    principal.inbox();
    await deliver();
    const reports = principal.inbox();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.text).toBe(
      [
        t('km', 'announcements-report-title', { what: `${t('km', 'announcements-kind-voice')} «ប្រជុំមាតាបិតា ថ្ងៃសៅរ៍ ម៉ោង ៨ ព្រឹក»` }),
        t('km', 'announcements-report-totals', { delivered: '៥', unreachable: '១', failed: '០' }),
        t('km', 'announcements-report-class-group', { class: '1A', state: t('km', 'announcements-report-group-delivered') }),
        t('km', 'announcements-report-class', { class: '7A', delivered: '៤', unreachable: '១', failed: '០' }),
        t('km', 'announcements-report-unreachable-hint'),
      ].join('\n'),
    );
    const [a] = await app.database.db.select().from(announcements).where(eq(announcements.id, announcementId));
    expect(a!.status).toBe('done');
  });

  it('pressing the old Send button again sends nothing more', async () => {
    since = mark(app);
    await principal.pressData(`an:ok:${announcementId}`);
    await deliver();
    expect(app.tg.calls.slice(since).filter((c) => c.method === 'sendVoice')).toHaveLength(0);
    expect(await app.database.db.select().from(outbox).where(like(outbox.dedupeKey, `ann:${announcementId}:%`))).toHaveLength(6);
  });

  it('/help tells staff about /announce; parents do not see it', async () => {
    await principal.send('/help');
    expect(principal.inbox().at(-1)!.text).toContain(t('km', 'announcements-help'));
    await parentB.send('/help');
    expect(parentB.inbox().at(-1)!.text).not.toContain('/announce');
  });
});

describe('a teacher announces to their own class only', () => {
  it("a forged button for another teacher's class is refused, audited, and nothing reaches that class", async () => {
    await teacher1A.send('/announce');
    await teacher1A.send('ស្អែក សិស្សត្រូវពាក់ឯកសណ្ឋានកីឡា');
    // A teacher with one class goes straight on (the class has a group: groups or each parent?).
    expect(teacher1A.texts()).toEqual([t('km', 'announcements-ask-content'), t('km', 'announcements-ask-groups', { classes: '1A' })]);
    await teacher1A.pressData(`an:cl:${classId['7A']}`);
    await teacher1A.pressData('an:a:school');
    expect(teacher1A.texts()).toEqual([t('km', 'announcements-denied-class'), t('km', 'announcements-denied-class')]);
    const denied = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actor, 'tg:3002'), eq(auditLog.action, 'announce.audience'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(2);

    await teacher1A.press(t('km', 'announcements-button-each-parent'));
    await teacher1A.press(t('km', 'announcements-button-now'));
    const preview = teacher1A.inbox().at(-1)!;
    // Each linked parent of 1A: A (English), B.
    expect(preview.text).toContain(t('km', 'announcements-preview-count', { count: '២' }));
    since = mark(app);
    await teacher1A.press(t('km', 'announcements-button-send'));
    await deliver();
    expect(sentTo(app, parentA.id, since).map((c) => c.payload.text)).toEqual([`${t('en', 'announcements-header', { school: 'Demo School', author: 'Um Maly' })}\nស្អែក សិស្សត្រូវពាក់ឯកសណ្ឋានកីឡា`]);
    expect(sentTo(app, parentB.id, since)).toHaveLength(1);
    for (const p of [parent7a1, parent7a2, parent7a3]) expect(sentTo(app, p.id, since)).toHaveLength(0);
    expect(sentTo(app, group1A.id, since)).toHaveLength(0);
    for (const u of [teacher1A, parentA, parentB]) u.inbox();
  });

  it('a parent cannot announce, and the attempt is audited', async () => {
    await parentB.send('/announce');
    expect(parentB.texts()).toEqual([t('km', 'announcements-denied-forbidden')]);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:3102'), eq(auditLog.action, 'announce.start')));
    expect(denied.map((d) => d.outcome)).toEqual(['denied']);
  });

  it("someone else's preview buttons are refused and audited", async () => {
    const [a] = await app.database.rows<{ id: number }>(sql`select id from announcements order by id limit 1`);
    await teacher7A.pressData(`an:c:${a!.id}`);
    await teacher7A.pressData(`an:ok:${a!.id}`);
    expect(teacher7A.texts()).toEqual([t('km', 'announcements-not-yours'), t('km', 'announcements-not-yours')]);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:3003'), eq(auditLog.outcome, 'denied'), inArray(auditLog.action, ['announce.cancel', 'announce.confirm'])));
    expect(denied.map((d) => d.action).sort()).toEqual(['announce.cancel', 'announce.confirm']);
  });
});

describe('bad input: a clear message, nothing sent, the refusal audited', () => {
  const refusedContent = async () =>
    (await app.database.db.select({ details: auditLog.details }).from(auditLog).where(and(eq(auditLog.actor, 'tg:3003'), eq(auditLog.action, 'announce.content')))).map((r) => r.details?.reason);

  it('stickers, oversized files, empty and 5,000-character texts, long captions are refused one after another; then a good one goes on', async () => {
    await teacher7A.send('/announce');
    teacher7A.inbox();
    await sendMedia(teacher7A, { sticker: { file_id: 'STICKER', file_unique_id: 'us', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } });
    await sendMedia(teacher7A, { animation: { file_id: 'GIF', file_unique_id: 'ug', width: 1, height: 1, duration: 1 }, document: { file_id: 'GIF', file_unique_id: 'ug' } });
    await sendMedia(teacher7A, { document: { file_id: 'BIG', file_unique_id: 'ub', file_name: 'film.mp4', file_size: 60 * 1024 * 1024 } });
    await sendMedia(teacher7A, { photo: [{ file_id: 'P', file_unique_id: 'up', width: 10, height: 10, file_size: 11 * 1024 * 1024 }] });
    await teacher7A.send('   ');
    await teacher7A.send('ក'.repeat(5000));
    await sendMedia(teacher7A, { photo: [{ file_id: 'P2', file_unique_id: 'up2', width: 10, height: 10, file_size: 1000 }], caption: 'x'.repeat(1100) });
    const answers = teacher7A.texts();
    expect(answers).toHaveLength(7);
    expect(answers.slice(0, 5)).toEqual([
      t('km', 'announcements-bad-unsupported'),
      t('km', 'announcements-bad-unsupported'),
      t('km', 'announcements-bad-too-big'),
      t('km', 'announcements-bad-too-big'),
      t('km', 'announcements-bad-empty'),
    ]);
    expect(answers[5]).toMatch(new RegExp(`^${t('km', 'announcements-bad-text-too-long', { length: khmerDigits(5000), limit: 'LIMIT' }).replace('LIMIT', '[០-៩]+')}$`));
    expect(answers[6]).toMatch(new RegExp(`^${t('km', 'announcements-bad-caption-too-long', { length: khmerDigits(1100), limit: 'LIMIT' }).replace('LIMIT', '[០-៩]+')}$`));
    expect(await refusedContent()).toEqual(['unsupported', 'unsupported', 'too-big', 'too-big', 'empty', 'text-too-long', 'caption-too-long']);
    expect(await app.database.db.select().from(announcements).where(eq(announcements.authorTelegramId, teacher7A.id))).toHaveLength(0);

    await teacher7A.send('ថ្ងៃច័ន្ទក្រោយ ឈប់សម្រាក');
    expect(teacher7A.texts()).toEqual([t('km', 'announcements-ask-when')]);
    await teacher7A.press(t('km', 'announcements-button-quit'));
    expect(teacher7A.inbox().at(-1)!.text).toBe(t('km', 'announcements-flow-stopped'));
  });

  it('an audience with nobody linked is refused before any preview', async () => {
    // 12A: no guardian of it has linked Telegram. The principal picks it and nothing happens.
    await principal.send('/announce');
    await principal.send('សួស្តី');
    await principal.press(t('km', 'announcements-button-classes'));
    await principal.press('12A');
    await principal.press(t('km', 'announcements-button-done'));
    await principal.press(t('km', 'announcements-button-now'));
    expect(principal.inbox().at(-1)!.text).toBe(t('km', 'announcements-bad-no-recipients'));
    const denied = await app.database.db.select({ details: auditLog.details }).from(auditLog).where(and(eq(auditLog.actor, 'tg:3001'), eq(auditLog.action, 'announce.draft'), eq(auditLog.outcome, 'denied')));
    expect(denied.map((d) => d.details?.reason)).toEqual(['no-recipients']);
  });

  it('a typed time that cannot be read or has passed is asked again; a time ahead schedules it', async () => {
    await principal.send('/announce');
    await principal.send('ប្រជុំបុគ្គលិក');
    await principal.press(t('km', 'announcements-aud-staff'));
    await principal.press(t('km', 'announcements-button-later'));
    principal.inbox();
    await principal.send('25:99');
    await principal.send('2026-11-20 07:00');
    await principal.send('ស្អែក ៧:៣០');
    const texts = principal.texts();
    expect(texts.slice(0, 2)).toEqual([t('km', 'announcements-time-bad'), t('km', 'announcements-time-past')]);
    // Staff only: the teachers and the operator who linked (the principal is the author).
    expect(texts.at(-1)).toContain(t('km', 'announcements-preview-count', { count: '២' }));
    expect(texts.at(-1)).toContain(t('km', 'announcements-preview-when', { when: '២៤ វិច្ឆិកា ២០២៦ ០៧:៣០' }));
  });
});

describe('a scheduled announcement', () => {
  it('is cancelled from its own message, even while another one is being written, and never goes out', async () => {
    await principal.press(t('km', 'announcements-button-send'));
    expect(principal.inbox().at(-1)!.text).toBe(t('km', 'announcements-scheduled', { count: '២', when: '២៤ វិច្ឆិកា ២០២៦ ០៧:៣០' }));
    const [scheduled] = await app.database.db.select().from(announcements).where(and(eq(announcements.status, 'queued'), isNotNull(announcements.sendAt)));
    expect(scheduled!.sendAt!.toISOString()).toBe('2026-11-24T00:30:00.000Z');
    await principal.send('/announce');
    principal.inbox();
    await principal.press(t('km', 'announcements-button-cancel'));
    expect(principal.inbox().at(-1)!.text).toBe(t('km', 'announcements-cancelled', { count: '២' }));
    // The new one is still being written.
    await principal.send('ប្រជុំបុគ្គលិក ត្រូវបានពន្យារពេល');
    expect(principal.texts()).toEqual([t('km', 'announcements-ask-audience')]);
    await principal.press(t('km', 'announcements-button-quit'));
    const rows = await app.database.db.select({ status: outbox.status }).from(outbox).where(like(outbox.dedupeKey, `ann:${scheduled!.id}:%`));
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    const [after] = await app.database.db.select().from(announcements).where(eq(announcements.id, scheduled!.id));
    expect(after!.status).toBe('cancelled');
  });
});

describe('the group later', () => {
  it('is unlinked by its teacher, not by a parent', async () => {
    since = mark(app);
    await inGroup(app, group1A, parentB, '/unlinkgroup');
    await inGroup(app, group1A, teacher1A, '/unlinkgroup');
    expect(sentTo(app, group1A.id, since).map((c) => c.payload.text)).toEqual([t('km', 'announcements-group-unlink-forbidden'), t('km', 'announcements-group-unlinked', { class: '1A' })]);
    expect(await app.database.db.select().from(classGroups)).toHaveLength(0);
  });

  it('follows its move to a supergroup, and is forgotten when the bot is removed', async () => {
    await inGroup(app, group1A, teacher1A, '/linkgroup');
    expect(await app.database.db.select({ chatId: classGroups.chatId }).from(classGroups)).toEqual([{ chatId: group1A.id }]);
    const supergroup: Group = { id: -1001234567890, title: '1A parents', type: 'supergroup' };
    await inGroup(app, group1A, teacher1A, '', { text: undefined, entities: undefined, migrate_to_chat_id: supergroup.id });
    expect(await app.database.db.select({ chatId: classGroups.chatId }).from(classGroups)).toEqual([{ chatId: supergroup.id }]);
    await botMembership(app, supergroup, teacher1A, 'member', 'kicked');
    expect(await app.database.db.select().from(classGroups)).toHaveLength(0);
    const unlinked = await app.database.db.select({ details: auditLog.details }).from(auditLog).where(and(eq(auditLog.action, 'announce.group.unlink'), eq(auditLog.outcome, 'ok')));
    expect(unlinked.at(-1)!.details).toMatchObject({ reason: 'bot-removed', chatId: supergroup.id });
  });

  it('/linkgroup sent in a private chat explains where to send it', async () => {
    await teacher1A.send('/linkgroup 1A');
    expect(teacher1A.texts()).toEqual([t('km', 'announcements-group-only-in-group', { bot: BOT_INFO.username })]);
  });
});
