/**
 * Report numbers against the attendance rows they summarise: a week of 1A with one child absent
 * three school days running (a weekend in between must not break the run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { classes, staff } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, changeMark, setCalendarDay, submitSheet } from '../../src/attendance/service.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { buildSchoolReport, schoolDays } from '../../src/reports/queries.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
let classId: number;
// Thu 19, Fri 20, Sat 21 (a holiday), Mon 23, Tue 24 November 2026
const DAYS = ['2026-11-19', '2026-11-20', '2026-11-23', '2026-11-24'];

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  await ensurePartitions(database.db, '2026-11-01');
  await setCalendarDay(database.db, { schoolId: 1, day: '2026-11-21', kind: 'holiday', actor: 'cli' });
  await database.db.update(staff).set({ telegramUserId: 5001 }).where(eq(staff.staffCode, 'DEMO-001-T003'));
  const teacher = await loadActor(database.db, 5001);
  [{ id: classId }] = (await database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'))) as [{ id: number }];
  for (const day of DAYS) {
    const a = await accessClass(database.db, teacher, classId, day, day);
    if (!a.ok) throw new Error(a.reason);
    // roll 2 absent on the first three school days (Thu, Fri, Mon: a run of 3 across the weekend)
    if (day !== '2026-11-24') await changeMark(database.db, a, day, { kind: 'set', roll: 2, status: 'absent' });
    if (day === '2026-11-20') await changeMark(database.db, a, day, { kind: 'set', roll: 5, status: 'late', time: '13:20' });
    await submitSheet(database.db, a, day, teacher);
  }
});
afterAll(() => database.drop());

describe('school reports', () => {
  it('knows the school days: the week minus holidays', async () => {
    expect(await schoolDays(database, 1, '2026-11-19', '2026-11-24')).toEqual(DAYS);
  });

  it('adds up to the attendance rows, by class and by sex, and flags the chronic absentee', async () => {
    const r = await buildSchoolReport(database, { schoolId: 1, from: '2026-11-19', to: '2026-11-24', kind: 'range', period: 'w', today: '2026-11-24' });
    const [truth] = await database.rows<Record<string, number>>(sql`select
        count(*)::int as total,
        count(*) filter (where status = 'absent')::int as absent,
        count(*) filter (where status = 'late')::int as late,
        count(*) filter (where s.sex = 'F')::int as "totalF"
      from attendance a join students s on s.id = a.student_id`);
    expect(r.totals.total).toBe(Number(truth!.total));
    expect(r.totals.total).toBe(32 * 4);
    expect(r.totals.absent).toBe(3);
    expect(r.totals.late).toBe(1);
    expect(r.totals.totalF).toBe(Number(truth!.totalF));
    const a1 = r.classes.find((c) => c.className === '1A')!;
    expect(a1).toMatchObject({ submittedDays: 4, schoolDays: 4, students: 32 });
    expect(a1.rate).toBeCloseTo((32 * 4 - 3) / (32 * 4), 6);
    const other = r.classes.find((c) => c.className === '7A')!;
    expect(other).toMatchObject({ submittedDays: 0, rate: null });
    const dara = r.students.find((s) => s.code === 'DEMO-001-S00002')!;
    expect(dara).toMatchObject({ absent: 3, present: 1, days: 4, maxConsecutiveAbsent: 3, chronic: true });
    expect(r.students.filter((s) => s.chronic).map((s) => s.code)).toEqual(['DEMO-001-S00002']);
    expect(r.notSubmitted.filter((m) => m.className === '1A')).toEqual([]);
    expect(r.notSubmitted.filter((m) => m.day === '2026-11-19').map((m) => m.className).sort()).toEqual(['12A', '4B', '7A', '7B']);
    expect(r.daily.filter((d) => d.className === '1A').map((d) => d.absent)).toEqual([1, 1, 1, 0]);
  });

  it('a teacher\'s report holds only their classes', async () => {
    const r = await buildSchoolReport(database, { schoolId: 1, from: '2026-11-19', to: '2026-11-24', kind: 'range', period: 'w', today: '2026-11-24', classIds: [classId] });
    expect(r.classes.map((c) => c.className)).toEqual(['1A']);
    expect(new Set(r.students.map((s) => s.className))).toEqual(new Set(['1A']));
    expect(r.notSubmitted).toEqual([]);
  });
});
