/**
 * Roster import on real Postgres (and once on PGlite): all or nothing, idempotent, updates in
 * place, links people who shared their phone before the school imported it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, classes, guardians, outbox, staff, studentGuardians, students, telegramAccounts } from '../../src/core/db/schema.js';
import { createNotifier } from '../../src/app.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from '../support/db.js';
import { csvFile, fixtureFile } from '../support/fixtures.js';

const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const HEADER = 'class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation,guardian2_name,guardian2_phone,guardian2_relation';

async function counts(database: TestDatabase) {
  const [row] = await database.rows<Record<string, number>>(sql`select
    (select count(*)::int from students) as students,
    (select count(*)::int from classes) as classes,
    (select count(*)::int from guardians) as guardians,
    (select count(*)::int from student_guardians) as links,
    (select count(*)::int from staff) as staff`);
  return row!;
}

describe('roster import on Postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await addSchool(database.db, { code: 'S1', nameKm: 'សាលា ១', nameEn: 'School 1', province: 'PP' }, 'cli');
    await addSchool(database.db, { code: 'S2', nameKm: 'សាលា ២', nameEn: 'School 2', province: 'KD' }, 'cli');
  });
  afterAll(() => database.drop());

  it('imports the sample school, and the same file again changes nothing', async () => {
    const first = await importStudents(database.db, { schoolCode: 'S1', file: fixtureFile('students.csv'), actor: 'cli' });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.summary.students).toEqual({ created: 160, updated: 0, unchanged: 0 });
    expect(first.summary.classes.created).toBe(5);
    const before = await counts(database);
    expect(before).toMatchObject({ students: 160, classes: 5 });
    // siblings share one guardian row: fewer guardians than guardian mentions
    expect(before.guardians!).toBeLessThan(before.links!);

    const again = await importStudents(database.db, { schoolCode: 'S1', file: fixtureFile('students.csv'), actor: 'cli' });
    expect(again.ok && again.summary).toMatchObject({
      students: { created: 0, updated: 0, unchanged: 160 },
      classes: { created: 0, updated: 0 },
      guardians: { created: 0, updated: 0 },
      links: { added: 0, removed: 0, updated: 0 },
    });
    expect(await counts(database)).toEqual(before);

    const staffResult = await importStaff(database.db, { schoolCode: 'S1', file: fixtureFile('staff.csv'), actor: 'cli' });
    expect(staffResult.ok && staffResult.summary.staff.created).toBe(8);
    const staffAgain = await importStaff(database.db, { schoolCode: 'S1', file: fixtureFile('staff.csv'), actor: 'cli' });
    expect(staffAgain.ok && staffAgain.summary).toMatchObject({ staff: { created: 0, updated: 0, unchanged: 8 }, roles: { added: 0, removed: 0 }, homerooms: { set: 0, cleared: 0 } });
    const [homeroom] = await database.db
      .select({ code: staff.staffCode })
      .from(classes)
      .innerJoin(staff, eq(staff.id, classes.homeroomStaffId))
      .where(eq(classes.name, '7A'));
    expect(homeroom!.code).toBe('DEMO-001-T005');
  });

  it('updates a changed file in place: new name, new class, new guardian phone', async () => {
    const file = `${HEADER}
1A,afternoon,X-1,សុខ ដារ៉ា,Sok Dara,M,2019-01-01,ម្តាយ,012 345 678,mother,,,
1A,afternoon,X-2,សុខ ស្រីពៅ,Sok Sreypov,F,2018-05-05,ម្តាយ,012 345 678,mother,,,`;
    const r1 = await importStudents(database.db, { schoolCode: 'S2', file: csvFile('s.csv', file), actor: 'cli' });
    expect(r1.ok).toBe(true);
    const [dara] = await database.db.select().from(students).where(eq(students.studentCode, 'X-1'));

    const changed = `${HEADER}
2B,morning,X-1,សុខ ដារ៉ា,Sok Dara Jr,M,2019-01-01,ឪពុក,(+855) 97-111-2222,father,,,
1A,afternoon,X-2,សុខ ស្រីពៅ,Sok Sreypov,F,2018-05-05,ម្តាយ,012 345 678,mother,,,`;
    const r2 = await importStudents(database.db, { schoolCode: 'S2', file: csvFile('s.csv', changed), actor: 'cli' });
    expect(r2.ok && r2.summary).toMatchObject({
      // X-2 keeps roll number 2 although X-1 left 1A: teachers' numbers never shift under them.
      students: { created: 0, updated: 1, unchanged: 1 },
      classes: { created: 1 },
      links: { added: 1, removed: 1 },
    });
    const [after] = await database.db.select().from(students).where(eq(students.studentCode, 'X-1'));
    expect(after!.id).toBe(dara!.id); // same row, updated in place
    expect(after!.nameEn).toBe('Sok Dara Jr');
    const [x2] = await database.db.select().from(students).where(eq(students.studentCode, 'X-2'));
    expect(x2!.rollNo).toBe(2);
    const links = await database.db
      .select({ phone: guardians.phone, relation: studentGuardians.relation })
      .from(studentGuardians)
      .innerJoin(guardians, eq(guardians.id, studentGuardians.guardianId))
      .where(eq(studentGuardians.studentId, dara!.id));
    expect(links).toEqual([{ phone: '+855971112222', relation: 'father' }]);
  });

  it('changes nothing when any row is bad, and reports every bad row with its number', async () => {
    const before = await counts(database);
    const auditBefore = await database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    const file = `${HEADER}
1A,afternoon,Y-1,ឈ្មោះ,Name,M,2019-01-01,,012 345 678,mother,,,
1A,afternoon,Y-2,ឈ្មោះ,Name,M,2019-02-30,,012 345 678,mother,,,
1A,afternoon,Y-3,ឈ្មោះ,Name,M,2019-01-01,,+66 81 234 5678,mother,,,
1A,afternoon,Y-1,ឈ្មោះ,Name,M,2019-01-01,,012 345 678,mother,,,`;
    const result = await importStudents(database.db, { schoolCode: 'S2', file: csvFile('bad.csv', file), actor: 'cli' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.code])).toEqual([
      [3, 'bad-date'],
      [4, 'not-cambodian-phone'],
      [5, 'duplicate-code'],
    ]);
    expect(await counts(database)).toEqual(before);
    const auditAfter = await database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(auditAfter[0]!.n).toBe(auditBefore[0]!.n + 1); // the refused import is audited
  });

  it('refuses a staff file whose homeroom class does not exist, naming the row', async () => {
    const file = `staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects
T-1,គ្រូ ១,Teacher One,F,011 222 333,teacher,9Z,Math`;
    const result = await importStaff(database.db, { schoolCode: 'S2', file: csvFile('staff.csv', file), actor: 'cli' });
    expect(result).toEqual({ ok: false, errors: [{ row: 2, column: 'homeroom_class', code: 'unknown-class', value: '9Z' }] });
    expect(await database.db.select().from(staff).where(eq(staff.staffCode, 'T-1'))).toHaveLength(0);
  });

  it('links a parent who shared their phone before the import, and tells them through the outbox in their language', async () => {
    await database.db.insert(telegramAccounts).values({ telegramUserId: 777001, phone: '+85510999888', locale: 'en' });
    const file = `${HEADER}
3C,morning,Z-1,ចាន់ ធីតា,Chan Thida,F,2016-03-03,,010 999 888,mother,,,`;
    const result = await importStudents(database.db, { schoolCode: 'S2', file: csvFile('z.csv', file), actor: 'cli', notifier });
    expect(result.ok && result.summary.accountsLinked).toBe(1);
    const [g] = await database.db.select().from(guardians).where(eq(guardians.phone, '+85510999888'));
    expect(g!.telegramUserId).toBe(777001);
    const queued = await database.db.select().from(outbox).where(eq(outbox.chatId, 777001));
    expect(queued).toHaveLength(1);
    expect(queued[0]!.payload).toEqual({ text: notifier.t('en', 'onboarding-linked-later', { school: 'School 2' }) });
    // the row names what it is about: the guardian record now linked (a guardian may have several children)
    expect(queued[0]).toMatchObject({ capability: 'roster', entity: 'guardian', entityId: g!.id, studentId: null });
  });

  it('imports 20,000 students in one go', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 20_000; i++) {
      const grade = (i % 12) + 1;
      const phone = `0${[12, 15, 17, 77, 78, 89, 92, 99][i % 8]} ${String(100000 + (i % 9000)).padStart(6, '0')}`;
      lines.push(`${grade}${'ABCD'[i % 4]},${grade < 7 ? 'morning' : 'afternoon'},BIG-${i},សិស្ស ${i},Student ${i},${i % 2 ? 'F' : 'M'},2012-01-01,,${phone},mother,,,`);
    }
    await addSchool(database.db, { code: 'BIG', nameKm: 'ធំ', nameEn: 'Big', province: 'PP' }, 'cli');
    const result = await importStudents(database.db, { schoolCode: 'BIG', file: csvFile('big.csv', lines.join('\n')), actor: 'cli' });
    expect(result.ok && result.summary.students.created).toBe(20_000);
    const [n] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(students)
      .innerJoin(classes, eq(classes.id, students.classId))
      .where(and(eq(classes.name, '12D')));
    expect(n!.n).toBeGreaterThan(0);
  }, 120_000);
});

describe('roster import on PGlite (the embedded default)', () => {
  it('imports the sample school with the same migrations', async () => {
    const database = await createPgliteDatabase();
    try {
      await addSchool(database.db, { code: 'S1', nameKm: 'សាលា', nameEn: 'School', province: 'PP' }, 'cli');
      const r = await importStudents(database.db, { schoolCode: 'S1', file: fixtureFile('students.csv'), actor: 'cli' });
      expect(r.ok && r.summary.students.created).toBe(160);
      const again = await importStudents(database.db, { schoolCode: 'S1', file: fixtureFile('students.csv'), actor: 'cli' });
      expect(again.ok && again.summary.students.unchanged).toBe(160);
      const s = await importStaff(database.db, { schoolCode: 'S1', file: fixtureFile('staff.csv'), actor: 'cli' });
      expect(s.ok && s.summary.homerooms.set).toBe(5);
    } finally {
      await database.drop();
    }
  }, 60_000);
});
