/**
 * Issue 11, transfers: a student whose code another school's roster lists has moved there. The
 * other school's operator sends its list to the bot; the summary names the child as moving from
 * the old school; on Confirm the new school holds the enrolment and the family is linked there,
 * while the old school keeps the record and its history (status transferred, no more links, and
 * the message still waiting about the child there is cancelled).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { outbox, schools, students } from '../../src/core/db/schema.js';
import { attendance } from '../../src/attendance/schema.js';
import { addSchool } from '../../src/schools/service.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { csvFile, FIXTURES, loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T06:10:00Z'); // 1A (afternoon) in session
let app: TestApp;
let delivery: TestDelivery;
let teacher: TestUser;
let family: TestUser;
let otherOperator: TestUser;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const CODE = 'DEMO-001-S00001';

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db, app.notifier);
  await addSchool(app.database.db, { code: 'OTHER-01', nameKm: 'សាលាថ្មី', nameEn: 'New School', province: 'PP' }, 'cli');
  const first = await importStudents(app.database.db, {
    schoolCode: 'OTHER-01',
    file: csvFile('students.csv', 'class,shift,student_code,name_km,sex,guardian_phone\n5C,morning,OTHER-S1,សុខ ចាន់,M,012 345 679\n'),
    actor: 'cli',
  });
  const staff = await importStaff(app.database.db, { schoolCode: 'OTHER-01', file: csvFile('staff.csv', 'staff_code,name_km,name_en,sex,phone,role\nO-1,ប្រតិបត្តិករ,Operator,F,012 777 888,operator\n'), actor: 'cli' });
  if (!first.ok || !staff.ok) throw new Error('other school');
  delivery = startTestDelivery(app);
  teacher = app.user(9801, 'T');
  await teacher.shareContact('016 005 138'); // 1A's homeroom teacher at DEMO-001
  family = app.user(9802, 'F');
  await family.shareContact('086 915 326'); // the uncle of DEMO-001-S00001
  otherOperator = app.user(9803, 'O');
  await otherOperator.shareContact('012 777 888');
  await delivery.deliver();
  for (const u of [teacher, family, otherOperator]) u.inbox();
});
afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('a student moves to another school', () => {
  it('the new school\'s list names the move; on Confirm the old school keeps the history, read-only', async () => {
    // the old school's last day: the child absent, the family's alert still waiting
    await teacher.send('1A absent 1');
    await teacher.press(t('attendance-sheet-confirm-yes'));
    const [old] = await app.database.db.select().from(students).where(eq(students.studentCode, CODE));
    expect((await app.database.db.select().from(outbox).where(and(eq(outbox.studentId, old!.id), eq(outbox.status, 'pending')))).length).toBe(1);

    const file = 'class,shift,student_code,name_km,name_en,sex,guardian_phone,guardian_relation\n5C,morning,OTHER-S1,សុខ ចាន់,Sok Chan,M,012 345 679,mother\n' + `5C,morning,${CODE},${old!.nameKm},${old!.nameEn},M,086 915 326,uncle\n`;
    await otherOperator.sendDocument(Buffer.from(file), 'students.csv');
    const [summary] = otherOperator.inbox();
    expect(summary!.text).toContain(`➕ ${old!.nameKm} — ៥C ${t('roster-bot-transfer-from', { school: 'សាលាគំរូ' })}`);
    // nothing moved yet
    expect((await app.database.db.select().from(students).where(eq(students.id, old!.id)))[0]!.active).toBe(true);

    await otherOperator.press(t('roster-bot-confirm'));
    expect(otherOperator.texts()).toContain(t('roster-bot-students-done', { added: '១', moved: '០', leaving: '០', linked: '១' }));

    const [other] = await app.database.db.select().from(schools).where(eq(schools.code, 'OTHER-01'));
    const records = await app.database.db.select().from(students).where(eq(students.studentCode, CODE));
    const before = records.find((r) => r.id === old!.id)!;
    const after = records.find((r) => r.id !== old!.id)!;
    expect([before.status, before.active, before.transferredToSchoolId, before.statusReason]).toEqual(['transferred', false, other!.id, 'transfer']);
    expect([after.schoolId, after.status, after.active]).toEqual([other!.id, 'enrolled', true]);
    // the old school's history stays with its record
    expect((await app.database.db.select().from(attendance).where(eq(attendance.studentId, old!.id))).length).toBe(1);

    // the waiting alert of the old school is not sent; the family hears only that they are linked to the new school
    await delivery.deliver();
    expect((await app.database.db.select({ status: outbox.status }).from(outbox).where(eq(outbox.studentId, old!.id))).map((r) => r.status)).toEqual(['cancelled']);
    expect(family.texts()).toEqual([t('onboarding-linked-later', { school: 'សាលាថ្មី' })]);

    // the old school's teacher no longer has the child on the list
    await teacher.send('/attendance');
    expect(teacher.inbox().at(-1)!.text).not.toContain(old!.nameKm);
    // and the old school's next list, without the child, does not count them as leaving again
    const lines = readFileSync(path.join(FIXTURES, 'students.csv'), 'utf8').trimEnd().split('\n').filter((l) => !l.includes(`,${CODE},`));
    const next = await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('students.csv', lines.join('\n')), actor: 'cli', dryRun: true });
    expect(next.ok && next.summary.changes.leaving).toEqual([]);
  });
});
