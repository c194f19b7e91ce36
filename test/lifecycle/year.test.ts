/**
 * A school year of changes, through the real bot, the outbox and the sender: people leave, move,
 * unlink and change phones, and the old rights go with them (issue 11, cases 1-8). One school,
 * one story in order: each case starts from where the one before left the school.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, classes, guardians, outbox, staff, staffRoles, studentGuardians, students, telegramAccounts } from '../../src/core/db/schema.js';
import { attendance } from '../../src/attendance/schema.js';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { unlinkAllChoice, unlinkGuardianChoice } from '../../src/onboarding/buttons.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { csvFile, FIXTURES, loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Monday 23 November 2026, 13:10 in Phnom Penh: class 1A (afternoon) is in session.
const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let delivery: TestDelivery;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const km = (n: number) => String(n).replace(/\d/g, (d) => '០១២៣៤៥៦៧៨៩'[Number(d)]!);

const STUDENTS = readFileSync(path.join(FIXTURES, 'students.csv'), 'utf8').trimEnd().split('\n');
const STAFF = readFileSync(path.join(FIXTURES, 'staff.csv'), 'utf8').trimEnd().split('\n');
/** The sample roster without the rows naming these codes. */
const without = (lines: string[], ...codes: string[]) => lines.filter((l) => !codes.some((c) => l.includes(`,${c},`) || l.startsWith(`${c},`))).join('\n');

let operator: TestUser; // T002
let teacher: TestUser; // T003 Um Maly, homeroom 1A
let teacher7A: TestUser; // T005 Keo Makara, homeroom 7A
let uncle: TestUser; // 086 915 326: S00001 (1A) and a 7A child
let parentB: TestUser; // 081 600 791: S00005 (1A)
let parentQ: TestUser; // 015 433 601: S00065 (7A)
let mother: TestUser; // 098 924 013 on her new account: S00002, S00003, S00022 (1A)

const studentIdOf = async (code: string) => (await app.database.db.select({ id: students.id }).from(students).where(eq(students.studentCode, code)))[0]!.id;
const inviteCodeIn = (text: string) => /start=(i[A-Za-z0-9_-]+)/.exec(text)![1]!;
const childrenOf = async (telegramUserId: number) =>
  (
    await app.database.db
      .select({ code: students.studentCode })
      .from(guardians)
      .innerJoin(studentGuardians, eq(studentGuardians.guardianId, guardians.id))
      .innerJoin(students, eq(students.id, studentGuardians.studentId))
      .where(eq(guardians.telegramUserId, telegramUserId))
      .orderBy(students.studentCode)
  ).map((r) => r.code);
/** Presses the button of the newest message whose data this button parses. */
async function pressMatching(u: TestUser, matches: (data: string) => boolean) {
  const m = u.received().findLast((r) => (r.replyMarkup?.inline_keyboard ?? []).flat().some((b: { callback_data?: string }) => b.callback_data && matches(b.callback_data)))!;
  const b = m.replyMarkup.inline_keyboard.flat().find((x: { callback_data?: string }) => x.callback_data && matches(x.callback_data));
  await u.pressData(b.callback_data, m.messageId ?? 1, m.text);
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db, app.notifier);
  delivery = startTestDelivery(app);
  const link = async (tgId: number, phone: string) => {
    const u = app.user(tgId, `u${tgId}`);
    await u.shareContact(phone);
    u.inbox();
    return u;
  };
  operator = await link(7001, '016 373 035');
  teacher = await link(7002, '016 005 138');
  teacher7A = await link(7003, '016 025 313');
  uncle = await link(7101, '086 915 326');
  parentB = await link(7102, '081 600 791');
  parentQ = await link(7103, '015 433 601');
  await delivery.deliver();
  for (const u of [operator, teacher, teacher7A, uncle, parentB, parentQ]) u.inbox();
});

afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('roles mean what they say', () => {
  it('case 2: a teacher who is also the gate keeper may invite parents of their own class only', async () => {
    const t005 = (await app.database.db.select({ id: staff.id }).from(staff).where(eq(staff.staffCode, 'DEMO-001-T005')))[0]!.id;
    await app.database.db.insert(staffRoles).values({ staffId: t005, schoolId: 1, role: 'gatekeeper' });
    await teacher7A.send('/invite parent DEMO-001-S00004'); // 1A: not their class
    expect(teacher7A.texts()).toEqual([t('km', 'onboarding-invite-denied-forbidden')]);
    await teacher7A.send('/invite parent DEMO-001-S00094'); // 7A: theirs
    expect(teacher7A.texts()[0]).toMatch(/start=i/);
  });
});

describe('links that mean what they say', () => {
  it('case 8: the office lists a child\'s guardians and removes an invite-made link, with a reason, audited', async () => {
    await teacher.send('/invite parent DEMO-001-S00010');
    const code = inviteCodeIn(teacher.texts()[0]!);
    const stranger = app.user(7201, 'Stranger');
    await stranger.send(code);
    expect(stranger.texts()).toContain(t('km', 'onboarding-invite-ok-parent'));
    expect(await childrenOf(7201)).toEqual(['DEMO-001-S00010']);

    await operator.send('/guardians DEMO-001-S00010');
    const [list] = operator.inbox();
    expect(list!.text).toContain(t('km', 'lifecycle-source-roster'));
    expect(list!.text).toContain(t('km', 'lifecycle-source-invite'));
    await operator.press(t('km', 'lifecycle-button-remove', { n: km(2) }));
    expect(operator.texts()).toEqual([t('km', 'lifecycle-remove-why')]);
    await operator.press(t('km', 'lifecycle-reason-not-guardian'));
    expect(operator.texts()).toEqual([t('km', 'lifecycle-removed')]);
    expect(await childrenOf(7201)).toEqual([]);
    const [removed] = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'guardian.remove'));
    expect(removed).toMatchObject({ actor: 'tg:7001', entity: 'student', entityId: String(await studentIdOf('DEMO-001-S00010')), outcome: 'ok' });
    expect(removed!.details).toMatchObject({ reason: 'not-guardian', source: 'invite' });

    // The same button again, or a teacher, or a student of no school of theirs: nothing changes.
    await teacher.send('/guardians DEMO-001-S00010');
    expect(teacher.texts()).toEqual([t('km', 'lifecycle-denied-not-office')]);
    await operator.send('/guardians NOPE-1');
    expect(operator.texts()).toEqual([t('km', 'lifecycle-denied-not-found')]);
  });

  it('case 3: a phone shared by a new account is taken off the old one, which cannot take the children back', async () => {
    const oldPhone = app.user(7301, 'Old');
    await oldPhone.shareContact('098 924 013');
    expect(await childrenOf(7301)).toEqual(['DEMO-001-S00002', 'DEMO-001-S00003', 'DEMO-001-S00022']);
    mother = app.user(7302, 'New');
    await mother.shareContact('098 924 013');
    mother.inbox();
    expect(await childrenOf(7302)).toEqual(['DEMO-001-S00002', 'DEMO-001-S00003', 'DEMO-001-S00022']);
    expect(await childrenOf(7301)).toEqual([]);
    const [old] = await app.database.db.select().from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, 7301));
    expect(old!.phone).toBeNull();

    // The old account redeems an invite for another child: it gets that child, nothing more.
    teacher.inbox();
    await teacher.send('/invite parent DEMO-001-S00011');
    await oldPhone.send(inviteCodeIn(teacher.texts()[0]!));
    expect(await childrenOf(7301)).toEqual(['DEMO-001-S00011']);
    expect(await childrenOf(7302)).toEqual(['DEMO-001-S00002', 'DEMO-001-S00003', 'DEMO-001-S00022']);
  });

  it('cases 5 and 6: after "unlink everything" nothing waiting in the outbox arrives, and the thread is closed to them', async () => {
    // A question from parentQ to the 7A teacher; the parent can read the thread.
    await parentQ.send('/ask');
    parentQ.inbox();
    await parentQ.send('Homework for the holidays?');
    await delivery.deliver();
    const [copy] = teacher7A.inbox();
    const threadId = Number(/q:r:(\d+)/.exec(JSON.stringify(copy!.replyMarkup))![1]);
    parentQ.inbox();
    await parentQ.pressData(`q:h:${threadId}`);
    expect(parentQ.texts()[0]).toContain('Homework for the holidays?');

    // Waiting in the outbox: the teacher's answer, an absence alert for parentB and for the
    // mother (S00003), and a scheduled announcement for parentQ.
    await teacher7A.press(t('km', 'questions-button-reply'));
    await teacher7A.send('Pages 12-14.');
    await teacher.send('1A absent 3 5');
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    teacher.inbox();
    await addToOutbox(app.database.db, {
      dedupeKey: 'test:announcement:7103',
      schoolId: 1,
      capability: 'announcements',
      entity: 'announcement',
      entityId: 1,
      chatId: parentQ.id,
      payload: { text: 'School closes early on Friday' },
    });
    const pendingFor = async (chatId: number) =>
      (await app.database.db.select().from(outbox).where(and(eq(outbox.chatId, chatId), eq(outbox.status, 'pending')))).length;
    expect(await pendingFor(parentQ.id)).toBe(2);
    expect(await pendingFor(parentB.id)).toBe(1);

    for (const u of [parentQ, parentB]) {
      await u.send('/unlink');
      await pressMatching(u, (d) => unlinkAllChoice.parse(d) !== null);
      await u.press(t('km', 'core-button-yes-unlink'));
      expect(u.texts().at(-1)).toBe(t('km', 'onboarding-unlink-done'));
    }
    await delivery.deliver();
    expect(parentQ.inbox()).toEqual([]);
    expect(parentB.inbox()).toEqual([]);
    const cancelled = await app.database.db.select().from(outbox).where(and(sql`${outbox.chatId} in (${parentQ.id}, ${parentB.id})`, eq(outbox.status, 'cancelled')));
    expect(cancelled).toHaveLength(3);
    // The mother is still linked: her alert arrives.
    const sovann = (await app.database.db.select({ nameKm: students.nameKm }).from(students).where(eq(students.studentCode, 'DEMO-001-S00003')))[0]!.nameKm;
    expect(mother.inbox().some((m) => m.method === 'sendMessage' && m.text.includes(sovann))).toBe(true);

    await parentQ.pressData(`q:h:${threadId}`);
    expect(parentQ.texts()).toEqual([t('km', 'questions-denied-not-allowed')]);
  });

  it('case 4: an unlink from one school holds through the next unchanged roster import, until the phone is shared again', async () => {
    await uncle.send('/unlink');
    await pressMatching(uncle, (d) => unlinkGuardianChoice.parse(d) !== null);
    await uncle.press(t('km', 'core-button-yes-unlink'));
    expect(uncle.texts().at(-1)).toBe(t('km', 'onboarding-unlink-done'));

    const again = await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('students.csv', STUDENTS.join('\n')), actor: 'cli', notifier: app.notifier });
    expect(again.ok && again.summary.accountsLinked).toBe(0);
    await delivery.deliver();
    expect(uncle.inbox()).toEqual([]);
    expect(await childrenOf(uncle.id)).toEqual([]);

    await uncle.shareContact('086 915 326');
    expect(uncle.texts()[0]).toBe(t('km', 'onboarding-linked'));
    expect((await childrenOf(uncle.id)).length).toBe(2);
  });
});

describe('leaving takes effect at once', () => {
  it('case 7: a student left out of the roster leaves; the others keep their roll numbers; the history stays', async () => {
    const sovann = await studentIdOf('DEMO-001-S00003');
    const r = await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('students.csv', without(STUDENTS, 'DEMO-001-S00003')), actor: 'cli', notifier: app.notifier });
    expect(r.ok && r.summary.notInFile).toBe(1);
    const [left] = await app.database.db.select().from(students).where(eq(students.id, sovann));
    expect(left).toMatchObject({ active: false, status: 'left', statusReason: 'not-in-roster', rollNo: 3 });
    expect(await childrenOf(7302)).toEqual(['DEMO-001-S00002', 'DEMO-001-S00022']);
    // The attendance taken while they were here stays.
    expect(await app.database.db.select().from(attendance).where(eq(attendance.studentId, sovann))).toHaveLength(1);

    // Roll 3 is nobody now; roll 4 is still Sreng Dara.
    await teacher.send('1A absent 3');
    expect(teacher.texts()[0]).toBe(t('km', 'attendance-quick-out-of-range', { numbers: '3', max: km(31), class: '1A' }));
    await teacher.send('1A absent 4');
    expect(teacher.texts().at(-1)).toContain('4. ស្រេង ដារ៉ា');
    const [kept] = await app.database.db.select({ roll: students.rollNo }).from(students).where(eq(students.studentCode, 'DEMO-001-S00032'));
    expect(kept!.roll).toBe(32);

    // A new student in 1A gets the next number ever used, never a departed child's.
    const newcomer = '1A,afternoon,DEMO-001-S09999,ថ្មី សុខា,Thmey Sokha,F,2019-03-03,ថ្មី ម៉ារី,077 555 101,mother,,,';
    await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('students.csv', `${without(STUDENTS, 'DEMO-001-S00003')}\n${newcomer}`), actor: 'cli' });
    const [fresh] = await app.database.db.select({ roll: students.rollNo }).from(students).where(eq(students.studentCode, 'DEMO-001-S09999'));
    expect(fresh!.roll).toBe(33);
  });

  it('case 1: a teacher left out of the staff roster loses roles, homeroom and the link at once', async () => {
    const r = await importStaff(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('staff.csv', without(STAFF, 'DEMO-001-T003')), actor: 'cli' });
    expect(r.ok && r.summary.left).toBe(1);
    const [t003] = await app.database.db.select().from(staff).where(eq(staff.staffCode, 'DEMO-001-T003'));
    expect(t003).toMatchObject({ active: false, telegramUserId: null });
    expect(await app.database.db.select().from(staffRoles).where(eq(staffRoles.staffId, t003!.id))).toEqual([]);
    const [c1a] = await app.database.db.select().from(classes).where(eq(classes.name, '1A'));
    expect(c1a!.homeroomStaffId).toBeNull();

    await teacher.send('/attendance');
    expect(teacher.texts()).toEqual([t('km', 'attendance-denied-forbidden')]);
    await teacher.send('/student DEMO-001-S00004');
    expect(teacher.texts()).toEqual([t('km', 'reports-student-denied')]);
    await teacher.send('1A absent 4');
    expect(teacher.texts()).not.toContain(expect.stringContaining('ស្រេង ដារ៉ា'));
    const leave = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'staff.leave'), eq(auditLog.entityId, String(t003!.id))));
    expect(leave[0]!.details).toMatchObject({ reason: 'not-in-roster', roles: ['teacher'] });
  });
});

describe('bad input at import', () => {
  it('case 12: a 6,000-character name is refused with its row; a direction override is taken out before it reaches an alert', async () => {
    const long = `1A,afternoon,DEMO-001-S08888,${'ក'.repeat(6000)},Long,F,2019-03-03,ម្តាយ,077 555 102,mother,,,`;
    const refused = await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('s.csv', `${STUDENTS.join('\n')}\n${long}`), actor: 'cli' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.errors).toEqual([expect.objectContaining({ row: STUDENTS.length + 1, column: 'name_km', code: 'too-long' })]);
    expect(await app.database.db.select().from(students).where(eq(students.studentCode, 'DEMO-001-S08888'))).toEqual([]);

    const bidi = `1A,afternoon,DEMO-001-S08889,ស\u202Eុខា\u2066,Sok\u202Ea,F,2019-03-03,ម្តាយ,077 555 103,mother,,,`;
    const ok = await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('s.csv', `${STUDENTS.join('\n')}\n${bidi}`), actor: 'cli' });
    expect(ok.ok).toBe(true);
    const [s] = await app.database.db.select().from(students).where(eq(students.studentCode, 'DEMO-001-S08889'));
    expect(s).toMatchObject({ nameKm: 'សុខា', nameEn: 'Soka' });
  });
});
