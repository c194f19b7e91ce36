/**
 * Issue 11, "roster changes through the bot" — the Done-when story: the operator sends next term's
 * student list (an .xlsx) to the bot, reads the summary (3 leaving, 5 new, 2 changed classes, by
 * name and class), nothing changes before ✅ Confirm; a Confirm from someone else, or pressed
 * again, changes nothing; after Confirm the departed children's families get nothing more (even a
 * message already waiting), while their history stays in the monthly report. The staff list
 * names its people too; a file with problems answers them by row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { eq, inArray, sql } from 'drizzle-orm';
import { outbox, staff, students } from '../../src/core/db/schema.js';
import { attendance } from '../../src/attendance/schema.js';
import { confirmFile } from '../../src/roster/buttons.js';
import { expireRosterFiles } from '../../src/roster/service-pending.js';
import { buildSchoolReport } from '../../src/reports/queries.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { FIXTURES, loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T06:10:00Z'); // 1A (afternoon) in session
let app: TestApp;
let delivery: TestDelivery;
let operator: TestUser;
let principal: TestUser;
let teacher: TestUser;
let families: TestUser[];
const en = (key: string, vars?: Record<string, string | number>) => app.notifier.t('en', key, vars);
const km = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);

const lines = readFileSync(path.join(FIXTURES, 'students.csv'), 'utf8').trimEnd().split('\n');
const LEAVING = ['DEMO-001-S00001', 'DEMO-001-S00005', 'DEMO-001-S00007'];
const MOVING: Record<string, string> = { 'DEMO-001-S00010': '2A', 'DEMO-001-S00011': '2A' };
const nextTerm = [
  ...lines
    .filter((l) => !LEAVING.some((c) => l.includes(`,${c},`)))
    .map((l) => {
      const code = Object.keys(MOVING).find((c) => l.includes(`,${c},`));
      return code ? l.replace(/^1A,/, `${MOVING[code]},`) : l;
    }),
  ...[1, 2, 3, 4, 5].map((i) => `1A,afternoon,DEMO-001-N0000${i},សិស្ស ថ្មី${i},New Pupil ${i},F,2019-02-0${i},ម្តាយ,077 600 10${i},mother,,,`),
];

/** The CSV lines as the workbook Excel would save (every cell text, like a typed sheet). */
async function workbookOf(csvLines: string[]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('students');
  for (const l of csvLines) sheet.addRow(l.split(','));
  return new Uint8Array(await book.xlsx.writeBuffer());
}

const studentState = () => app.database.rows(sql`select id, class_id, roll_no, active, enrolment_status from students order by id`);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db, app.notifier);
  delivery = startTestDelivery(app);
  operator = app.user(9401, 'Operator', 'en');
  await operator.shareContact('016 373 035'); // DEMO-001-T002, operator
  await app.database.db.execute(sql`update telegram_accounts set locale = 'en' where telegram_user_id = 9401`);
  principal = app.user(9402, 'Principal');
  await principal.shareContact('093 388 921'); // DEMO-001-T001
  teacher = app.user(9501, 'T');
  await teacher.shareContact('016 005 138'); // 1A's homeroom teacher
  families = [];
  for (const [i, phone] of ['086 915 326', '081 600 791', '096 617 568'].entries()) {
    const u = app.user(9601 + i, 'F');
    await u.shareContact(phone);
    families.push(u);
  }
  await delivery.deliver();
  for (const u of [operator, principal, teacher, ...families]) u.inbox();
});
afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('next term\'s roster sent to the bot', () => {
  let summary: { text: string; confirm: string };

  it('answers with the changes by name and class and a Confirm button; nothing changes', async () => {
    const before = await studentState();
    await operator.sendDocument(await workbookOf(nextTerm), 'students-next-term.xlsx');
    const [reply] = operator.inbox();
    expect(reply!.text).toContain(en('roster-bot-students-counts', { added: '5', moved: '2', leaving: '3', unchanged: String(lines.length - 1 - 3 - 2) }));
    const leaving = await app.database.db.select().from(students).where(inArray(students.studentCode, LEAVING));
    for (const s of leaving) expect(reply!.text).toContain(`➖ ${s.nameEn} — 1A`);
    for (const i of [1, 2, 3, 4, 5]) expect(reply!.text).toContain(`➕ New Pupil ${i} — 1A`);
    const moved = await app.database.db.select().from(students).where(inArray(students.studentCode, Object.keys(MOVING)));
    for (const s of moved) expect(reply!.text).toContain(`🔁 ${s.nameEn}: 1A → 2A`);
    const button = (reply!.replyMarkup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard.flat();
    expect(button.map((b) => b.text)).toEqual([en('roster-bot-confirm'), en('roster-bot-cancel')]);
    summary = { text: reply!.text, confirm: button[0]!.callback_data };
    expect(await studentState()).toEqual(before);
  });

  it('a Confirm from another member of the office, or a forged one, changes nothing', async () => {
    const before = await studentState();
    await principal.pressData(summary.confirm);
    expect(principal.inbox().map((m) => m.text)).toEqual([km('roster-bot-stale')]);
    await operator.pressData(confirmFile.pack({ pending: 999_999_999_999 }));
    expect(operator.inbox().map((m) => m.text)).toEqual([en('roster-bot-stale')]);
    expect(await studentState()).toEqual(before);
  });

  it('confirmed: the departed families get nothing more, their history stays; a replayed Confirm changes nothing', async () => {
    // The last day's list, with two of the leaving children absent: their alerts wait in the outbox.
    await teacher.send('1A absent 1 5');
    await teacher.press(km('attendance-sheet-confirm-yes'));
    const leavingIds = (await app.database.db.select({ id: students.id }).from(students).where(inArray(students.studentCode, LEAVING))).map((s) => s.id);
    expect((await app.database.db.select().from(outbox).where(and2(leavingIds))).length).toBeGreaterThanOrEqual(2);

    await operator.pressData(summary.confirm);
    const done = operator.inbox().map((m) => m.text);
    expect(done).toContain(en('roster-bot-students-done', { added: '5', moved: '2', leaving: '3', linked: '0' }));
    await delivery.deliver();
    for (const u of families) expect(u.inbox()).toEqual([]);
    const waiting = await app.database.db.select({ status: outbox.status }).from(outbox).where(and2(leavingIds));
    expect(waiting.every((w) => w.status === 'cancelled')).toBe(true);

    // History: the records and their attendance stay (status left); the monthly report still counts the day.
    const left = await app.database.db.select().from(students).where(inArray(students.id, leavingIds));
    expect(left.map((s) => s.status)).toEqual(['left', 'left', 'left']);
    expect((await app.database.db.select().from(attendance).where(inArray(attendance.studentId, leavingIds))).length).toBe(3);
    const report = await buildSchoolReport(app.database, { schoolId: 1, from: '2026-11-01', to: '2026-11-30', kind: 'monthly', period: '2026-11', today: '2026-11-23' });
    expect(report.students.filter((s) => LEAVING.includes(s.code)).map((s) => [s.code, s.absent])).toEqual([
      ['DEMO-001-S00001', 1],
      ['DEMO-001-S00005', 1],
      ['DEMO-001-S00007', 0],
    ]);

    const after = await studentState();
    await operator.pressData(summary.confirm);
    expect(operator.inbox().map((m) => m.text)).toEqual([en('roster-bot-stale')]);
    expect(await studentState()).toEqual(after);
    const [moved] = await app.database.db.select().from(students).where(eq(students.studentCode, 'DEMO-001-S00010'));
    expect(moved!.rollNo).toBe(1);
  });

  it('a summary that no longer holds (the roster changed since) is refused', async () => {
    const older = nextTerm.filter((l) => !l.includes('DEMO-001-N00005'));
    await operator.sendDocument(await workbookOf(older), 'older.xlsx');
    const first = operator.inbox().at(-1)!;
    const firstConfirm = (first.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;
    // meanwhile the same file is imported by a second check and confirm
    await operator.sendDocument(await workbookOf(older), 'older.xlsx');
    const second = operator.inbox().at(-1)!;
    await operator.pressData((second.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data);
    operator.inbox();
    const before = await studentState();
    await operator.pressData(firstConfirm);
    expect(operator.inbox().map((m) => m.text)).toEqual([en('roster-bot-changed-since')]);
    expect(await studentState()).toEqual(before);
  });

  it('a file with problems is answered row by row, and nothing is kept to confirm', async () => {
    const bad = [lines[0]!, '1A,afternoon,DEMO-001-X1,ឈ្មោះ,Name,Q,2019-01-01,,012 345 678,mother,,,', '1A,evening,DEMO-001-X2,ឈ្មោះ,Name,F,2019-01-01,,012 345 679,mother,,,'];
    await operator.sendDocument(Buffer.from(bad.join('\n')), 'bad.csv');
    const [reply] = operator.inbox();
    expect(reply!.text).toContain(en('roster-bot-problems', { file: 'bad.csv', count: '2' }));
    expect(reply!.text).toContain(en('roster-err-bad-sex', { row: 2, column: 'sex', value: 'Q' }));
    expect(reply!.text).toContain(en('roster-err-bad-shift', { row: 3, column: 'shift', value: 'evening' }));
    expect(reply!.replyMarkup).toBeUndefined();
  });

  it('the staff list names who is new, whose roles change and who leaves; Cancel changes nothing', async () => {
    const staffLines = readFileSync(path.join(FIXTURES, 'staff.csv'), 'utf8').trimEnd().split('\n');
    const next = [
      ...staffLines.filter((l) => !l.startsWith('DEMO-001-T004,')).map((l) => (l.startsWith('DEMO-001-T003,') ? l.replace(',teacher,1A,', ',teacher;gatekeeper,1A,') : l)),
      'DEMO-001-T099,គ្រូ ថ្មី,New Teacher,F,012 999 888,teacher,,Maths',
    ];
    await operator.sendDocument(Buffer.from(next.join('\n')), 'staff.csv');
    const [reply] = operator.inbox();
    expect(reply!.text).toContain(en('roster-bot-staff-counts', { added: '1', changed: '1', leaving: '1', unchanged: String(staffLines.length - 1 - 1 - 1) }));
    expect(reply!.text).toContain(`➕ New Teacher — ${en('core-role-teacher')}`);
    expect(reply!.text).toContain(`🔁 Um Maly: ${en('core-role-teacher')}, ${en('roster-bot-homeroom', { class: '1A' })} → ${en('core-role-gatekeeper')}, ${en('core-role-teacher')}, ${en('roster-bot-homeroom', { class: '1A' })}`);
    expect(reply!.text).toContain(`➖ Pov Vanna — ${en('core-role-teacher')}, ${en('roster-bot-homeroom', { class: '4B' })}`);
    await operator.press(en('roster-bot-cancel'));
    expect(operator.inbox().map((m) => m.text)).toContain(en('roster-bot-cancelled'));
    const [vanna] = await app.database.db.select().from(staff).where(eq(staff.staffCode, 'DEMO-001-T004'));
    expect(vanna!.active).toBe(true);
  });

  it('a teacher who sends a roster is not the office: the file is not imported', async () => {
    const before = await studentState();
    await teacher.sendDocument(Buffer.from(nextTerm.join('\n')), 'students.csv');
    expect(teacher.inbox().map((m) => m.text).join('\n')).not.toContain(km('roster-bot-confirm'));
    expect(await studentState()).toEqual(before);
  });
});

function and2(ids: number[]) {
  return inArray(outbox.studentId, ids);
}

describe('a file never confirmed', () => {
  it('expires after its hour: its bytes go, and its Confirm is out of date', async () => {
    await operator.sendDocument(Buffer.from(nextTerm.join('\n')), 'students.csv');
    const reply = operator.inbox().at(-1)!;
    const confirm = (reply.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;
    const pending = confirmFile.parse(confirm)!.pending;
    await app.database.db.execute(sql`update roster_pending_imports set created_at = now() - interval '2 hours' where id = ${pending}`);
    expect(await expireRosterFiles(app.database.db)).toBe(1);
    expect(await app.database.rows(sql`select status, file_bytes is null as gone from roster_pending_imports where id = ${pending}`)).toEqual([{ status: 'expired', gone: true }]);
    await operator.pressData(confirm);
    expect(operator.inbox().map((m) => m.text)).toEqual([en('roster-bot-stale')]);
  });
});

describe('files that are not rosters', () => {
  it('the staff-records workbook sent outside its import is not taken for a staff roster', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('staff').addRow(['staff_code', 'name_km', 'position', 'status']);
    book.getWorksheet('staff')!.addRow(['DEMO-001-T003', 'អ៊ុំ ម៉ាលី', 'teacher', 'active']);
    await operator.sendDocument(new Uint8Array(await book.xlsx.writeBuffer()), 'records.xlsx');
    const texts = operator.inbox().map((m) => m.text).join('\n');
    expect(texts).not.toContain(en('roster-bot-staff-checked', { file: 'records.xlsx' }));
    expect(texts).not.toContain('role');
    expect(texts.length).toBeGreaterThan(0);
  });
});
