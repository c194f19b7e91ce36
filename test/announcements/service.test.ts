/**
 * The announcement service without the chat: who is a recipient (each chat once, the author
 * never), the preview count equals the rows written, confirming twice or at once writes once,
 * a scheduled time holds the messages back, cancelling stops what has not gone, urgent goes first
 * and loud, ordinary ones are silent outside school hours, the report is written once; plus the
 * pure parts (content limits, entity offsets, typed times).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { classes, outbox } from '../../src/core/db/schema.js';
import { loadActor, type Actor } from '../../src/core/auth/actor.js';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce } from '../../src/core/queue/relay.js';
import { setCalendarDay } from '../../src/attendance/service.js';
import { announcementDeliveries, announcements, classGroups } from '../../src/announcements/schema.js';
import { cancelAnnouncement, confirmAnnouncement, createDraft, setUrgent, type DraftInput } from '../../src/announcements/service.js';
import { LIMITS, checkContent, messageFor, parseSendTime, zonedInstant } from '../../src/announcements/rules.js';
import { outsideSchoolHours } from '../../src/announcements/service-scope.js';
import { recipientRows } from '../../src/announcements/service-recipients.js';
import { deliveryReport, finishAnnouncements, renderReport } from '../../src/announcements/service-report.js';
import { migrateGroup } from '../../src/announcements/service-groups.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { mark, mediaAnswers, sentTo } from './support.js';

let app: TestApp;
let principal: Actor;
let teacher1A: Actor;
let schoolId: number;
let classId: Record<string, number>;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const prefix = `test-ann-${randomBytes(4).toString('hex')}`;

// Chats: the principal 4001 (also a guardian: 012 776 913 is S74's guardian in 7A, see below),
// teacher 1A 4002, operator 4003; parents 4101 (1A + 7A), 4102 (1A), 4103 (two children in 7A).
beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  classId = Object.fromEntries((await app.database.db.select({ id: classes.id, name: classes.name }).from(classes)).map((c) => [c.name, c.id]));
  schoolId = (await app.database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-001'`))[0]!.id;
  for (const [id, phone] of [
    [4001, '093 388 921'],
    [4002, '016 005 138'],
    [4003, '016 373 035'],
    [4101, '086 915 326'],
    [4102, '081 600 791'],
    [4103, '010 550 986'],
  ] as const) {
    await app.user(id).shareContact(phone);
  }
  // The principal is also the guardian of a 7A child: one message, as a parent of 7A, or none as author.
  await app.database.db.execute(sql`update guardians set telegram_user_id = 4001 where phone = '+85512776913'`);
  principal = await loadActor(app.database.db, 4001);
  teacher1A = await loadActor(app.database.db, 4002);
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await app?.close();
});

const text = (t: string): DraftInput['content'] => ({ kind: 'text', text: t });
// 13:10 on a Monday in Phnom Penh: school hours.
const schoolHours = new Date('2026-11-23T06:10:00Z');

async function draftAndConfirm(actor: Actor, input: Partial<DraftInput> & { audience: DraftInput['audience'] }, now = schoolHours, urgent = false) {
  const draft = await createDraft(app.database.db, actor, { content: text('x'), viaGroups: true, sendAt: null, ...input }, app.notifier, now);
  if (!draft.ok) throw new Error(`draft refused: ${draft.reason}`);
  if (urgent) expect(await setUrgent(app.database.db, actor, draft.preview.id, true, now)).toMatchObject({ ok: true, value: { urgent: true, silent: false } });
  const confirmed = await confirmAnnouncement(app.database.db, actor, draft.preview.id, app.notifier, now);
  if (!confirmed.ok) throw new Error(`confirm refused: ${confirmed.reason}`);
  return { id: draft.preview.id, preview: draft.preview, confirmed };
}

const rowsOf = (id: number) => app.database.db.select().from(outbox).where(like(outbox.dedupeKey, `ann:${id}:%`));
const cancelAll = () => app.database.db.execute(sql`update outbox set status = 'cancelled' where status = 'pending'`);

describe('recipients', () => {
  it('a guardian with children in two targeted classes is one recipient, counted under the first class; the author is never one', async () => {
    const rows = await recipientRows(app.database.db, { schoolId, audience: { kind: 'classes', classIds: [classId['1A']!, classId['7A']!] }, viaGroups: true, authorTelegramId: 4001 });
    expect(rows.map((r) => [r.chatId, r.kind, r.classId]).sort()).toEqual(
      [
        [4101, 'parent', classId['1A']],
        [4102, 'parent', classId['1A']],
        [4103, 'parent', classId['7A']],
      ].sort(),
    );
    // Another author: the principal is then a 7A parent like any other.
    const asTeacher = await recipientRows(app.database.db, { schoolId, audience: { kind: 'classes', classIds: [classId['7A']!] }, viaGroups: true, authorTelegramId: 4002 });
    expect(asTeacher.map((r) => r.chatId).sort()).toEqual([4001, 4101, 4103]);
  });

  it('the whole school is every linked parent and staff member once (a staff member who is a parent gets one message)', async () => {
    const rows = await recipientRows(app.database.db, { schoolId, audience: { kind: 'school' }, viaGroups: true, authorTelegramId: 4002 });
    expect(rows.map((r) => `${r.chatId}:${r.kind}`).sort()).toEqual(['4001:parent', '4003:staff', '4101:parent', '4102:parent', '4103:parent']);
    const staffOnly = await recipientRows(app.database.db, { schoolId, audience: { kind: 'staff' }, viaGroups: true, authorTelegramId: 4001 });
    expect(staffOnly.map((r) => r.chatId).sort()).toEqual([4002, 4003]);
    const grade7 = await recipientRows(app.database.db, { schoolId, audience: { kind: 'grades', grades: [7] }, viaGroups: true, authorTelegramId: 4002 });
    expect(grade7.map((r) => r.chatId).sort()).toEqual([4001, 4101, 4103]);
  });

  it('the preview count is the number of outbox rows written, one per recipient, with its class', async () => {
    const { id, preview, confirmed } = await draftAndConfirm(principal, { audience: { kind: 'parents' } });
    const rows = await rowsOf(id);
    expect(preview.count.total).toBe(3);
    expect(confirmed.recipients).toBe(3);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.chatId)).size).toBe(3);
    const deliveries = await app.database.db.select().from(announcementDeliveries).where(eq(announcementDeliveries.announcementId, id));
    expect(deliveries).toHaveLength(3);
    await cancelAll();
  });
});

describe('confirming', () => {
  it('names the capability and the announcement on every outbox row it writes (an announcement is about no one child)', async () => {
    const { id } = await draftAndConfirm(principal, { audience: { kind: 'parents' } });
    const rows = await rowsOf(id);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ capability: 'announcements', entity: 'announcement', entityId: id, studentId: null });
    await cancelAll();
  });

  it('twice at the same moment writes each recipient once', async () => {
    const draft = await createDraft(app.database.db, principal, { content: text('twice'), audience: { kind: 'staff' }, viaGroups: true, sendAt: null }, app.notifier, schoolHours);
    if (!draft.ok) throw new Error(draft.reason);
    const results = await Promise.all([1, 2, 3].map(() => confirmAnnouncement(app.database.db, principal, draft.preview.id, app.notifier, schoolHours)));
    expect(results.map((r) => r.ok && r.again).sort()).toEqual([false, true, true]);
    expect(await rowsOf(draft.preview.id)).toHaveLength(2);
    await cancelAll();
  });

  it("refuses another person's draft, a teacher's draft for a class that is not theirs, and an empty audience", async () => {
    const draft = await createDraft(app.database.db, principal, { content: text('mine'), audience: { kind: 'staff' }, viaGroups: true, sendAt: null }, app.notifier, schoolHours);
    if (!draft.ok) throw new Error(draft.reason);
    expect(await confirmAnnouncement(app.database.db, teacher1A, draft.preview.id, app.notifier, schoolHours)).toEqual({ ok: false, reason: 'forbidden' });
    expect(await createDraft(app.database.db, teacher1A, { content: text('x'), audience: { kind: 'classes', classIds: [classId['7A']!] }, viaGroups: true, sendAt: null }, app.notifier, schoolHours)).toEqual({ ok: false, reason: 'audience' });
    expect(await createDraft(app.database.db, teacher1A, { content: text('x'), audience: { kind: 'school' }, viaGroups: true, sendAt: null }, app.notifier, schoolHours)).toEqual({ ok: false, reason: 'audience' });
    expect(await createDraft(app.database.db, principal, { content: text('x'), audience: { kind: 'classes', classIds: [classId['12A']!] }, viaGroups: true, sendAt: null }, app.notifier, schoolHours)).toEqual({ ok: false, reason: 'no-recipients' });
    expect(await rowsOf(draft.preview.id)).toHaveLength(0);
  });
});

describe('time, urgency, silence', () => {
  it('a scheduled announcement is held back until its time, then sent', async () => {
    mediaAnswers(app);
    const delivery = startTestDelivery(app);
    try {
      const [{ now: dbNow }] = (await app.database.rows<{ now: string }>(sql`select now()::text as now`)) as [{ now: string }];
      const sendAt = new Date(Date.parse(dbNow) + 1500);
      const { id } = await draftAndConfirm(principal, { audience: { kind: 'staff' }, sendAt: sendAt.toISOString() }, new Date(Date.parse(dbNow)));
      const rows = await rowsOf(id);
      expect(rows.map((r) => r.notBefore.getTime())).toEqual([sendAt.getTime(), sendAt.getTime()]);
      const idle = createOutgoingQueue(redis, prefix);
      expect(await relayOnce(app.database, idle)).toBe(0);
      await idle.close();
      await finishAnnouncements(app.database, app.notifier);
      const [held] = await app.database.db.select({ reportedAt: announcements.reportedAt }).from(announcements).where(eq(announcements.id, id));
      expect(held!.reportedAt).toBeNull();
      while (Date.now() < sendAt.getTime() + 50) await new Promise((r) => setTimeout(r, 50));
      const since = mark(app);
      await delivery.deliver();
      expect(sentTo(app, 4002, since)).toHaveLength(1);
      expect(sentTo(app, 4003, since)).toHaveLength(1);
    } finally {
      await delivery.stop();
    }
  });

  it('urgent goes first and with sound; ordinary ones are silent outside school hours (evening, Sunday, holiday) and not during them', async () => {
    const evening = new Date('2026-11-23T12:00:00Z'); // 19:00
    const ordinaryDay = await draftAndConfirm(principal, { audience: { kind: 'staff' } }, schoolHours);
    const ordinaryEvening = await draftAndConfirm(principal, { audience: { kind: 'staff' } }, evening);
    const urgentEvening = await draftAndConfirm(principal, { audience: { kind: 'staff' } }, evening, true);
    const payload = async (id: number) => (await rowsOf(id))[0]!;
    expect((await payload(ordinaryDay.id)).payload.disable_notification).toBeUndefined();
    expect((await payload(ordinaryEvening.id)).payload.disable_notification).toBe(true);
    const urgent = await payload(urgentEvening.id);
    expect(urgent.payload.disable_notification).toBeUndefined();
    expect(urgent.priority).toBe(1);
    expect((await payload(ordinaryEvening.id)).priority).toBeGreaterThan(urgent.priority);
    expect(String(urgent.payload.text)).toContain(app.notifier.t('km', 'announcements-header-urgent', { school: 'សាលាគំរូ', author: 'សុខ សុភា' }));

    // The relay hands the urgent rows to the queue before the ordinary ones written earlier.
    const queue = createOutgoingQueue(redis, prefix);
    await relayOnce(app.database, queue, { batchSize: 2 });
    const first = await queue.getJobs(['prioritized', 'waiting']);
    expect(first.map((j) => j.data.outboxId).sort()).toEqual((await rowsOf(urgentEvening.id)).map((r) => r.id).sort());
    expect(first.every((j) => j.opts.priority === 1)).toBe(true);
    await queue.obliterate({ force: true });
    await queue.close();
    await app.database.db.execute(sql`update outbox set enqueued_at = null where status = 'pending'`);
    await cancelAll();

    expect(await outsideSchoolHours(app.database.db, schoolId, new Date('2026-11-22T03:00:00Z'))).toBe(true); // Sunday 10:00
    expect(await outsideSchoolHours(app.database.db, schoolId, new Date('2026-11-22T23:30:00Z'))).toBe(true); // Monday 06:30, before the morning shift
    await setCalendarDay(app.database.db, { schoolId, day: '2026-11-25', kind: 'holiday', actor: 'cli' });
    expect(await outsideSchoolHours(app.database.db, schoolId, new Date('2026-11-25T03:00:00Z'))).toBe(true); // holiday, 10:00
    expect(await outsideSchoolHours(app.database.db, schoolId, new Date('2026-11-24T03:00:00Z'))).toBe(false); // Tuesday 10:00
  });
});

describe('cancelling', () => {
  it('before its time: every row is cancelled, the sender sends nothing, and no report follows', async () => {
    const future = new Date(Date.now() + 3_600_000);
    const { id } = await draftAndConfirm(principal, { audience: { kind: 'parents' }, sendAt: future.toISOString() }, new Date());
    const r = await cancelAnnouncement(app.database.db, principal, id);
    expect(r).toEqual({ ok: true, cancelled: 3, gone: 0 });
    expect(new Set((await rowsOf(id)).map((row) => row.status))).toEqual(new Set(['cancelled']));
    expect(await cancelAnnouncement(app.database.db, teacher1A, id)).toEqual({ ok: false, reason: 'forbidden' });
    // Pressing cancel again changes nothing.
    expect(await cancelAnnouncement(app.database.db, principal, id)).toEqual({ ok: true, cancelled: 3, gone: 0 });
    const [a] = await app.database.db.select().from(announcements).where(eq(announcements.id, id));
    expect(a!.status).toBe('cancelled');
  });

  it('half-way: what went out stays, the rest is stopped, and the report says both', async () => {
    const { id } = await draftAndConfirm(principal, { audience: { kind: 'parents' } });
    const rows = await rowsOf(id);
    // Two went out (one of them to someone who blocked the bot) before the author cancelled.
    await app.database.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.id, rows[0]!.id));
    await app.database.db.update(outbox).set({ status: 'unreachable' }).where(eq(outbox.id, rows[1]!.id));
    expect(await cancelAnnouncement(app.database.db, principal, id)).toEqual({ ok: true, cancelled: 1, gone: 2 });
    expect(await finishAnnouncements(app.database, app.notifier)).toBeGreaterThanOrEqual(1);
    const report = await deliveryReport(app.database.db, id);
    expect(report).toMatchObject({ delivered: 1, unreachable: 1, failed: 0, cancelled: 1, pending: 0 });
    const [reportRow] = await app.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `ann-report:${id}`));
    expect(String(reportRow!.payload.text)).toContain(app.notifier.t('km', 'announcements-report-cancelled', { count: '១' }));
  });

  it('once everything went, it cannot be cancelled', async () => {
    const { id } = await draftAndConfirm(principal, { audience: { kind: 'staff' } });
    await app.database.db.execute(sql`update outbox set status = 'sent' where dedupe_key like ${`ann:${id}:%`}`);
    expect(await cancelAnnouncement(app.database.db, principal, id)).toEqual({ ok: false, reason: 'finished' });
  });
});

describe('the delivery report', () => {
  it('is written once however many checks run at the same time', async () => {
    const { id } = await draftAndConfirm(principal, { audience: { kind: 'staff' } });
    await app.database.db.execute(sql`update outbox set status = 'sent' where dedupe_key like ${`ann:${id}:%`}`);
    const counts = await Promise.all([1, 2, 3, 4].map(() => finishAnnouncements(app.database, app.notifier)));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await app.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `ann-report:${id}`))).toHaveLength(1);
    expect(await finishAnnouncements(app.database, app.notifier)).toBe(0);
  });

  it('waits while any message is still pending', async () => {
    const { id } = await draftAndConfirm(principal, { audience: { kind: 'staff' } });
    const [first] = await rowsOf(id);
    await app.database.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.id, first!.id));
    await finishAnnouncements(app.database, app.notifier);
    expect(await app.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `ann-report:${id}`))).toHaveLength(0);
    await app.database.db.execute(sql`update outbox set status = 'failed' where dedupe_key like ${`ann:${id}:%`} and status = 'pending'`);
    await finishAnnouncements(app.database, app.notifier);
    expect(await deliveryReport(app.database.db, id)).toMatchObject({ delivered: 1, failed: 1, staff: { delivered: 1, failed: 1 } });
    expect(await app.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `ann-report:${id}`))).toHaveLength(1);
  });
});

describe('the report of a whole school', () => {
  it('stays within one Telegram message, the classes with unreachable parents first, the rest counted', () => {
    const list = Array.from({ length: 250 }, (_, i) => ({
      classId: i + 1,
      className: `${(i % 12) + 1}${String.fromCharCode(65 + Math.floor(i / 12))}`,
      group: false,
      delivered: 40,
      unreachable: i === 200 ? 2 : 0,
      failed: 0,
      cancelled: 0,
    }));
    const text = renderReport(app.notifier, 'en', { id: 1, delivered: 9998, unreachable: 2, failed: 0, cancelled: 0, pending: 0, classes: list, staff: null }, '«x»');
    expect(text.length).toBeLessThanOrEqual(4096);
    const lines = text.split('\n');
    expect(lines[2]).toBe(app.notifier.t('en', 'announcements-report-class', { class: list[200]!.className, delivered: '40', unreachable: '2', failed: '0' }));
    const shown = lines.filter((l) => / ✅ 40 · /.test(l)).length;
    expect(shown).toBeGreaterThan(50);
    expect(lines).toContain(app.notifier.t('en', 'announcements-report-more', { count: String(250 - shown) }));
  });
});

describe('a group that becomes a supergroup', () => {
  it('keeps its link, and messages waiting for the old chat go to the new one', async () => {
    await app.database.db.insert(classGroups).values({ classId: classId['1A']!, schoolId, chatId: -555, title: '1A', linkedBy: 'tg:4002' });
    const { id } = await draftAndConfirm(teacher1A, { audience: { kind: 'classes', classIds: [classId['1A']!] }, sendAt: new Date(Date.now() + 3_600_000).toISOString() }, new Date());
    expect((await rowsOf(id)).map((r) => r.chatId)).toEqual([-555]);
    expect(await migrateGroup(app.database.db, -555, -100555)).toBe(1);
    expect(await migrateGroup(app.database.db, -555, -100555)).toBe(0);
    expect((await rowsOf(id)).map((r) => r.chatId)).toEqual([-100555]);
    expect(await app.database.db.select({ chatId: classGroups.chatId }).from(classGroups).where(and(eq(classGroups.classId, classId['1A']!)))).toEqual([{ chatId: -100555 }]);
    await cancelAll();
  });
});

describe('content and time, pure', () => {
  it("holds content to Telegram's limits, keeping room for the header", () => {
    expect(checkContent(null, 60)).toEqual({ ok: false, reason: 'unsupported' });
    expect(checkContent({ kind: 'text', text: ' \n ' }, 60)).toEqual({ ok: false, reason: 'empty' });
    expect(checkContent({ kind: 'text', text: 'a'.repeat(LIMITS.text - 60) }, 60)).toEqual({ ok: true });
    expect(checkContent({ kind: 'text', text: 'a'.repeat(LIMITS.text - 59) }, 60)).toEqual({ ok: false, reason: 'text-too-long', length: LIMITS.text - 59, limit: LIMITS.text - 60 });
    expect(checkContent({ kind: 'voice', fileId: 'v', fileSize: 51 * 1024 * 1024 }, 60)).toEqual({ ok: false, reason: 'too-big' });
    expect(checkContent({ kind: 'video', fileId: 'v', fileSize: 49 * 1024 * 1024 }, 60)).toEqual({ ok: true });
    expect(checkContent({ kind: 'photo', fileId: 'p', caption: 'c'.repeat(1000) }, 60)).toMatchObject({ reason: 'caption-too-long' });
  });

  it('moves formatting below the header line', () => {
    const m = messageFor({ kind: 'text', text: 'Hello world', entities: [{ type: 'bold', offset: 6, length: 5 }] }, '📢 H', true);
    expect(m).toEqual({ method: 'sendMessage', payload: { text: '📢 H\nHello world', entities: [{ type: 'bold', offset: 11, length: 5 }], disable_notification: true } });
    expect('📢 H\nHello world'.slice(11, 16)).toBe('world');
    expect(messageFor({ kind: 'document', fileId: 'D' }, 'H', false)).toEqual({ method: 'sendDocument', payload: { document: 'D', caption: 'H' } });
  });

  it('has, in both languages, every message the bot names by a reason', () => {
    const keys = [
      ...['unsupported', 'empty', 'too-big', 'text-too-long', 'caption-too-long', 'audience', 'no-recipients', 'bad-time'].map((r) => `announcements-bad-${r}`),
      ...['forbidden', 'no-classes'].map((r) => `announcements-denied-${r}`),
      ...['bad', 'past', 'too-far'].map((r) => `announcements-time-${r}`),
      ...['expired', 'time-passed', 'audience', 'no-recipients'].map((r) => `announcements-refused-${r}`),
      ...['not-staff', 'which-class', 'unknown-class', 'not-your-class', 'taken'].map((r) => `announcements-group-${r}`),
      ...['not-linked', 'forbidden'].map((r) => `announcements-group-unlink-${r}`),
      ...['text', 'photo', 'voice', 'video', 'document'].map((k) => `announcements-kind-${k}`),
    ];
    const missing = keys.flatMap((key) => (['km', 'en'] as const).filter((l) => app.notifier.t(l, key, { length: 1, limit: 1, class: '7A', bot: 'b' }) === `{${key}}`).map((l) => `${l}:${key}`));
    expect(missing).toEqual([]);
  });

  it('reads typed times in the school time zone', () => {
    const tz = 'Asia/Phnom_Penh';
    const now = new Date('2026-11-23T06:10:00Z'); // 13:10
    expect(zonedInstant('2026-11-23', '07:00', tz).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(parseSendTime('16:30', tz, now)).toEqual({ ok: true, at: new Date('2026-11-23T09:30:00Z') });
    expect(parseSendTime('07:00', tz, now)).toEqual({ ok: true, at: new Date('2026-11-24T00:00:00Z') }); // passed today: tomorrow
    expect(parseSendTime('tomorrow 7.30', tz, now)).toEqual({ ok: true, at: new Date('2026-11-24T00:30:00Z') });
    expect(parseSendTime('២០២៦-១២-០១ ០៨:០០', tz, now)).toEqual({ ok: true, at: new Date('2026-12-01T01:00:00Z') });
    expect(parseSendTime('2026-11-23 13:00', tz, now)).toEqual({ ok: false, reason: 'past' });
    expect(parseSendTime('2027-06-01 08:00', tz, now)).toEqual({ ok: false, reason: 'too-far' });
    expect(parseSendTime('2026-02-30 08:00', tz, now)).toEqual({ ok: false, reason: 'bad' });
    expect(parseSendTime('soon', tz, now)).toEqual({ ok: false, reason: 'bad' });
  });
});
