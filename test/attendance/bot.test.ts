/**
 * Daily attendance driven through the real bot: a teacher marks the class, families get exactly
 * one alert each through the outbox → queue → sender path, answers and corrections flow back,
 * stale and forged buttons change nothing, the office sees the day and reminds the missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, classes, outbox } from '../../src/core/db/schema.js';
import { attendance, attendanceDrafts, classSubmissions } from '../../src/attendance/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Monday 23 November 2026, 13:10 in Phnom Penh (UTC+7): class 1A (afternoon) is in session.
let now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let stopDelivery: () => Promise<void>;
let deliver: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
let classId: Record<string, number>;

let teacher: TestUser;
let parentA: TestUser; // 086 915 326: roll 1 of 1A (and a child in 7A), reads English
let parentB: TestUser; // 081 600 791: roll 5
let parentC: TestUser; // 085 299 411: rolls 4 and 6 (siblings in 1A)
let parentD: TestUser; // 096 617 568: roll 7, present
let operator: TestUser;

beforeAll(async () => {
  // Users here act faster than people do: lift the flood guard (it has its own test).
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  classId = Object.fromEntries((await app.database.db.select({ id: classes.id, name: classes.name }).from(classes)).map((c) => [c.name, c.id]));

  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;

  teacher = app.user(2001, 'Maly');
  await teacher.shareContact('016 005 138');
  parentA = app.user(2101, 'A');
  await parentA.send('/language');
  await parentA.press('English');
  await parentA.shareContact('086 915 326');
  parentB = app.user(2102, 'B');
  await parentB.shareContact('081 600 791');
  parentC = app.user(2103, 'C');
  await parentC.shareContact('085 299 411');
  parentD = app.user(2104, 'D');
  await parentD.shareContact('096 617 568');
  operator = app.user(2201, 'Op');
  await operator.shareContact('016 373 035');
  for (const u of [teacher, parentA, parentB, parentC, parentD, operator]) u.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

const alertsOf = (u: TestUser) => u.inbox().filter((m) => m.method === 'sendMessage');

describe('a teacher takes the roll', () => {
  it('opens the only class directly, marks two children of two families and two siblings absent, confirms, and exactly three alerts arrive', async () => {
    await teacher.send('/attendance');
    const [sheet] = teacher.inbox();
    expect(sheet!.text).toContain(t('km', 'attendance-sheet-title', { class: '1A', shift: t('km', 'core-shift-afternoon'), date: '២៣ វិច្ឆិកា ២០២៦' }));
    // Telegram refuses empty rows and blank button labels.
    for (const row of sheet!.replyMarkup.inline_keyboard) expect(row.length).toBeGreaterThan(0);
    for (const b of sheet!.replyMarkup.inline_keyboard.flat()) expect(b.text.trim()).not.toBe('');
    const buttons = sheet!.replyMarkup.inline_keyboard.flat();
    expect(buttons.filter((b: { callback_data: string }) => b.callback_data.startsWith('at:t:'))).toHaveLength(20); // first page of 32
    expect(sheet!.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toContain('1/2'.replace(/\d/g, (d) => '០១២៣៤៥៦៧៨៩'[Number(d)]!));

    for (const roll of [1, 5, 4, 6]) await teacher.press(`${roll}. ✅`);
    const marked = teacher.inbox().at(-1)!;
    expect(marked.text).toContain('❌ ៤');
    await teacher.press(t('km', 'attendance-sheet-submit'));
    const confirm = teacher.inbox().at(-1)!;
    expect(confirm.text).toContain('ស្រេង ដារ៉ា');
    // Nothing is sent before the confirmation.
    expect(await app.database.db.select().from(outbox).where(sql`dedupe_key like 'absent:%'`)).toHaveLength(0);
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    expect(teacher.inbox().at(-1)!.text).toBe(t('km', 'attendance-sheet-done', { class: '1A', time: '១៣:១០', alerts: '៣' }));

    await deliver();
    const a = alertsOf(parentA);
    const b = alertsOf(parentB);
    const c = alertsOf(parentC);
    expect([a.length, b.length, c.length]).toEqual([1, 1, 1]);
    expect(a[0]!.text).toBe(
      t('en', 'attendance-alert-absent-one', { names: 'Chea Sereyvuth (ជា សេរីវុធ)', class: '1A', shift: t('en', 'core-shift-afternoon'), date: '23 November 2026' }),
    );
    expect(c[0]!.text).toContain('ស្រេង ដារ៉ា');
    expect(c[0]!.text).toContain('ឈឹម សំណាង');
    expect(c[0]!.replyMarkup.inline_keyboard.flat().map((x: { text: string }) => x.text)).toEqual([
      t('km', 'attendance-alert-answer-sick'),
      t('km', 'attendance-alert-answer-late'),
      t('km', 'attendance-alert-answer-unaware'),
    ]);
    expect(alertsOf(parentD)).toHaveLength(0);
    expect(alertsOf(teacher)).toHaveLength(0);
    const rows = await app.database.db.select().from(attendance).where(eq(attendance.classId, classId['1A']!));
    expect(rows).toHaveLength(32);
    expect(rows.filter((r) => r.status === 'absent')).toHaveLength(4);
  });

  it('pressing the old confirm button again submits once more but alerts nobody twice', async () => {
    const [before] = await app.database.db.select().from(classSubmissions).where(eq(classSubmissions.classId, classId['1A']!));
    await teacher.pressData(`at:y:${classId['1A']}:20261123`);
    await deliver();
    const [after] = await app.database.db.select().from(classSubmissions).where(eq(classSubmissions.classId, classId['1A']!));
    expect(after!.version).toBe(before!.version + 1);
    for (const p of [parentA, parentB, parentC]) expect(alertsOf(p)).toHaveLength(0);
    expect(await app.database.db.select().from(attendance).where(eq(attendance.classId, classId['1A']!))).toHaveLength(32);
  });

  it('a family answers "sick": the absence becomes excused and the teacher sees the answer', async () => {
    await parentC.press(t('km', 'attendance-alert-answer-sick'));
    const answered = parentC.inbox();
    expect(answered.map((m) => m.text)).toContain(t('km', 'attendance-alert-answer-recorded'));
    const rows = await app.database.db
      .select({ status: attendance.status, reason: attendance.excuseReason })
      .from(attendance)
      .where(and(eq(attendance.classId, classId['1A']!), eq(attendance.source, 'guardian')));
    expect(rows).toEqual([
      { status: 'excused', reason: 'sick' },
      { status: 'excused', reason: 'sick' },
    ]);
    await teacher.send('/attendance');
    expect(teacher.inbox().at(-1)!.text).toContain(`🤒 ${t('km', 'attendance-answer-sick')}`);
  });

  it('another family pressing a forged answer button for that alert changes nothing and is audited', async () => {
    const [alert] = await app.database.rows<{ id: number }>(sql`select id from absence_alerts where response = 'sick'`);
    await parentD.pressData(`ab:a:${alert!.id}:u`);
    expect(parentD.inbox().map((m) => m.text)).toEqual([t('km', 'attendance-alert-not-yours')]);
    const [still] = await app.database.rows<{ response: string }>(sql`select response from absence_alerts where id = ${alert!.id}`);
    expect(still!.response).toBe('sick');
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:2104'), eq(auditLog.action, 'alert.answer'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });

  it('a child who arrives after all is corrected to late: the family gets a correction, not a second alarm', async () => {
    now = new Date('2026-11-23T06:40:00Z'); // 13:40
    await teacher.press('1. ❌'); // absent → late
    await teacher.press(t('km', 'attendance-sheet-submit'));
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    expect(teacher.inbox().at(-1)!.text).toBe(t('km', 'attendance-sheet-corrected', { class: '1A', time: '១៣:៤០', alerts: '០', corrections: '១' }));
    await deliver();
    expect(alertsOf(parentA).map((m) => m.text)).toEqual([t('en', 'attendance-alert-correction-late', { name: 'Chea Sereyvuth (ជា សេរីវុធ)', class: '1A', time: '13:40', date: '23 November 2026' })]);
    const corrections = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'attendance.correct'));
    expect(corrections.map((c) => c.details)).toContainEqual(expect.objectContaining({ from: 'absent', to: 'late' }));
  });
});

describe('excuses', () => {
  it('an excused child carries a reason: sick by default, family by a tap, or a typed note', async () => {
    await teacher.send('/attendance');
    teacher.inbox();
    // roll 10: present → absent → late → excused
    for (let i = 0; i < 3; i++) await teacher.press('10. ');
    const sheet = teacher.inbox().at(-1)!;
    expect(sheet.text).toContain(`📝 10. គឹម សុផល (${t('km', 'attendance-reason-sick')})`);
    await teacher.press(`👪 ${t('km', 'attendance-reason-family')}`);
    expect(teacher.inbox().at(-1)!.text).toContain(`📝 10. គឹម សុផល (${t('km', 'attendance-reason-family')})`);
    await teacher.press(`✏️ ${t('km', 'attendance-reason-other')}`);
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('km', 'attendance-reason-ask-note')]);
    await teacher.send('ទៅពេទ្យធ្មេញ');
    expect(teacher.inbox().at(-1)!.text).toContain(`📝 10. គឹម សុផល (${t('km', 'attendance-reason-other')}: ទៅពេទ្យធ្មេញ)`);
    await teacher.press(t('km', 'attendance-sheet-submit'));
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    const [row] = await app.database.rows<{ status: string; excuse_reason: string; excuse_note: string }>(
      sql`select a.status, a.excuse_reason, a.excuse_note from attendance a join students s on s.id = a.student_id where s.student_code = 'DEMO-001-S00010'`,
    );
    expect(row).toEqual({ status: 'excused', excuse_reason: 'other', excuse_note: 'ទៅពេទ្យធ្មេញ' });
    teacher.inbox();
  });
});

describe('what a teacher may not do', () => {
  it('a forged button for another teacher\'s class is refused, audited, and leaves no trace', async () => {
    await teacher.pressData(`at:t:${classId['7A']}:20261123:1:0`);
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('km', 'attendance-denied-forbidden')]);
    expect(await app.database.db.select().from(attendanceDrafts).where(eq(attendanceDrafts.classId, classId['7A']!))).toHaveLength(0);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:2001'), eq(auditLog.action, 'attendance.access'), eq(auditLog.outcome, 'denied')));
    expect(denied.length).toBeGreaterThan(0);
  });

  it('a button from yesterday says which day it was and changes nothing', async () => {
    await teacher.pressData(`at:t:${classId['1A']}:20261122:2:0`);
    // Said on the button and in the chat, with today's list offered (issue 12).
    const stale = t('km', 'attendance-stale-day', { date: '២២ វិច្ឆិកា ២០២៦' });
    expect(teacher.inbox().map((m) => m.text)).toEqual([stale, stale]);
    expect(await app.database.db.select().from(attendance).where(eq(attendance.day, '2026-11-22'))).toHaveLength(0);
  });

  it('a parent cannot open attendance at all', async () => {
    await parentB.send('/attendance');
    expect(parentB.inbox().map((m) => m.text)).toEqual([t('km', 'attendance-staff-only')]);
  });
});

describe('the typed fast path', () => {
  it('rejects roll numbers out of range, then corrects the submitted list with a typed line after confirmation', async () => {
    await teacher.send('1A absent 3 40');
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('km', 'attendance-quick-out-of-range', { numbers: '40', max: '៣២', class: '1A' })]);
    await teacher.send('1A អវត្តមាន 3 យឺត 2 13:55');
    const preview = teacher.inbox().at(-1)!;
    // 1A was submitted already: only the named students change, the excused siblings stay so.
    expect(preview.text).toContain(t('km', 'attendance-quick-confirm-correction'));
    expect(preview.text).toContain('⏰ 2. គឹម ដារ៉ា ១៣:៥៥');
    expect(preview.text).toContain('📝 4. ស្រេង ដារ៉ា');
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    const rows = await app.database.db
      .select({ status: attendance.status, arrivedAt: attendance.arrivedAt })
      .from(attendance)
      .innerJoin(sql`students s`, sql`s.id = ${attendance.studentId}`)
      .where(sql`s.roll_no in (2, 3) and ${attendance.classId} = ${classId['1A']}`)
      .orderBy(sql`s.roll_no`);
    expect(rows).toEqual([
      { status: 'late', arrivedAt: '13:55' },
      { status: 'absent', arrivedAt: null },
    ]);
  });
});

describe('the office', () => {
  it('sees which classes submitted, and reminds only the teachers of classes that did not', async () => {
    // Link the 7A teacher so a reminder can reach them.
    const t7a = app.user(2002, 'Makara');
    await t7a.shareContact('016 025 313');
    t7a.inbox();
    await operator.send('/today');
    const [today] = operator.inbox();
    expect(today!.text).toContain('✔️ 1A');
    expect(today!.text).toContain('… 7A');
    await operator.press('🔔');
    await deliver();
    expect(t7a.inbox().map((m) => m.text)).toEqual([
      t('km', 'attendance-reminder', { class: '7A', shift: t('km', 'core-shift-morning'), date: '២៣ វិច្ឆិកា ២០២៦' }),
    ]);
    expect(alertsOf(teacher)).toHaveLength(0); // 1A has submitted: no reminder
    // Pressing again in the same hour sends nothing new.
    await operator.press('🔔');
    await deliver();
    expect(t7a.inbox()).toHaveLength(0);
  });

  it('sees families who blocked the bot, after the sender got a 403', async () => {
    const parentE = app.user(2105, 'E');
    await parentE.shareContact('096 058 856'); // roll 9 of 1A
    app.tg.respond('sendMessage', (p) => (p.chat_id === 2105 ? { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } : undefined));
    await teacher.send('1A absent 9');
    expect(teacher.inbox().at(-1)!.text).toContain(t('km', 'attendance-quick-confirm-correction'));
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    await deliver();
    app.tg.respond('sendMessage', () => undefined);
    await operator.send('/today');
    expect(operator.inbox().at(-1)!.text).toContain(t('km', 'attendance-today-unreachable', { list: '1A ១' }));
  });

  it('marks a class on a teacher\'s behalf, recorded as the office', async () => {
    await operator.send('/attendance 7B');
    await operator.press(t('km', 'attendance-sheet-all-present'));
    await operator.press(t('km', 'attendance-sheet-submit'));
    await operator.press(t('km', 'attendance-sheet-confirm-yes'));
    const [sub] = await app.database.db.select().from(classSubmissions).where(eq(classSubmissions.classId, classId['7B']!));
    expect(sub!.via).toBe('operator');
  });

  it('gives a class to a substitute for a day, and the substitute can mark it', async () => {
    const sub = app.user(2003, 'Vanna');
    await sub.shareContact('081 883 280'); // 4B homeroom teacher
    sub.inbox();
    await operator.send('/substitute 12A DEMO-001-T004');
    expect(operator.inbox().at(-1)!.text).toContain('12A');
    await sub.send('/attendance');
    const chooser = sub.inbox().at(-1)!;
    const labels = chooser.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text);
    expect(labels.some((l: string) => l.startsWith('12A'))).toBe(true);
    expect(labels.some((l: string) => l.startsWith('4B'))).toBe(true);
  });

  it('declares a holiday: no attendance can be taken that day', async () => {
    await operator.send('/holiday 2026-11-24 Water Festival');
    expect(operator.inbox().at(-1)!.text).toBe(t('km', 'attendance-holiday-set', { date: '២៤ វិច្ឆិកា ២០២៦' }));
    now = new Date('2026-11-24T06:10:00Z');
    await teacher.send('/attendance');
    expect(teacher.inbox().at(-1)!.text).toBe(t('km', 'attendance-denied-holiday'));
    now = new Date('2026-11-23T06:40:00Z');
  });
});

describe('a first list typed in one line', () => {
  it('marks everyone else present', async () => {
    const t4b = app.user(2004, 'Pov');
    await t4b.shareContact('081 883 280'); // 4B homeroom
    t4b.inbox();
    await t4b.send('4B absent 2 late 3');
    const preview = t4b.inbox().at(-1)!;
    expect(preview.text).toContain(t('km', 'attendance-quick-confirm'));
    await t4b.press(t('km', 'attendance-sheet-confirm-yes'));
    const counts = await app.database.rows<{ status: string; n: number }>(
      sql`select status, count(*)::int as n from attendance where class_id = ${classId['4B']} group by status order by status`,
    );
    expect(counts.map((c) => [c.status, Number(c.n)])).toEqual([
      ['present', 30],
      ['absent', 1],
      ['late', 1],
    ]);
  });
});

describe('a list that changed under the teacher', () => {
  it('a button for a roll number the class no longer has reloads the list and says so', async () => {
    now = new Date('2026-11-23T06:40:00Z');
    await teacher.pressData(`at:t:${classId['1A']}:20261123:99:0`);
    const got = teacher.inbox();
    expect(got.map((m) => m.text)).toContain(t('km', 'attendance-list-changed'));
    expect(got.at(-1)!.text).toContain(t('km', 'attendance-sheet-title', { class: '1A', shift: t('km', 'core-shift-afternoon'), date: '២៣ វិច្ឆិកា ២០២៦' }));
  });
});

describe('forged and old buttons', () => {
  it('data with an id out of range gets "out of date" or "not for you", never an error, and changes nothing', async () => {
    await teacher.pressData('at:t:999999999999:20261123:1:0');
    await teacher.pressData(`at:r:${classId['1A']}:20261123:1:x`);
    await operator.pressData('td:r:20261399');
    expect([...teacher.inbox(), ...operator.inbox()].map((m) => m.text)).toEqual([t('km', 'core-menu-outdated'), t('km', 'core-menu-outdated'), t('km', 'core-menu-outdated')]);
    await parentD.pressData('ab:a:999999999999:s');
    await parentD.pressData('ab:999999999999:s');
    expect(parentD.inbox().map((m) => m.text)).toEqual([t('km', 'attendance-alert-not-yours'), t('km', 'attendance-alert-not-yours')]);
    const denied = await app.database.rows<{ n: number }>(
      sql`select count(*)::int as n from audit_log where actor = 'tg:2104' and action = 'alert.answer' and outcome = 'denied' and details->>'reason' = 'malformed'`,
    );
    expect(Number(denied[0]!.n)).toBe(2);
  });

  it('an alert sent before the answer buttons had an action (ab:<id>:<answer>) still records the answer', async () => {
    const [alert] = await app.database.rows<{ id: number }>(
      sql`select a.id from absence_alerts a join guardians g on g.id = a.guardian_id where g.telegram_user_id = 2102 and a.response is null`,
    );
    await parentB.pressData(`ab:${alert!.id}:u`);
    expect(parentB.inbox().map((m) => m.text)).toContain(t('km', 'attendance-alert-answer-recorded'));
    const [row] = await app.database.rows<{ response: string }>(sql`select response from absence_alerts where id = ${alert!.id}`);
    expect(row!.response).toBe('unaware');
  });
});

describe('outbox rows say what they are about', () => {
  it('alerts name the alert and the child (none when they name siblings), corrections the child, reminders the class', async () => {
    const rows = await app.database.rows<{ dedupe_key: string; capability: string; entity: string; entity_id: string; student_id: string | null; chat_id: string }>(
      sql`select dedupe_key, capability, entity, entity_id, student_id, chat_id from outbox where dedupe_key like 'absent:%' or dedupe_key like 'correct:%' or dedupe_key like 'remind:%'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.capability).toBe('attendance');
    const alerts = await app.database.rows<{ id: string; student_ids: number[] }>(sql`select id, student_ids from absence_alerts`);
    for (const r of rows.filter((x) => x.dedupe_key.startsWith('absent:'))) {
      const alert = alerts.find((a) => String(a.id) === String(r.entity_id))!;
      expect(r.entity).toBe('absence_alert');
      expect(r.dedupe_key).toBe(`absent:${alert.id}`);
      expect(r.student_id === null ? null : Number(r.student_id)).toBe(alert.student_ids.length === 1 ? Number(alert.student_ids[0]) : null);
    }
    const siblings = rows.find((x) => x.dedupe_key.startsWith('absent:') && Number(x.chat_id) === 2103)!;
    expect(siblings.student_id).toBeNull();
    const corrections = rows.filter((x) => x.dedupe_key.startsWith('correct:'));
    expect(corrections.length).toBeGreaterThan(0);
    for (const r of corrections) expect(r).toMatchObject({ entity: 'absence_alert', student_id: expect.anything() });
    const reminders = rows.filter((x) => x.dedupe_key.startsWith('remind:'));
    expect(reminders.length).toBeGreaterThan(0);
    for (const r of reminders) {
      expect(r).toMatchObject({ entity: 'class', student_id: null });
      expect(r.dedupe_key).toContain(`remind:${r.entity_id}:`);
    }
  });
});
