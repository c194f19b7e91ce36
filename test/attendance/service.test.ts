/**
 * The attendance service without Telegram: races, one row per student/day/shift, and the
 * person who took the roll not alerted about their own child.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { classes, guardians, staff, students } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, changeMark, submitSheet, type ClassAccess } from '../../src/attendance/service.js';
import { attendance, alertedAbsences } from '../../src/attendance/schema.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
const DAY = '2026-11-23';

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  await ensurePartitions(database.db, DAY); // what the worker's nightly job does
  // Link the 7A teacher (T005), the operator (T002) and two guardians of 7A children.
  await database.db.update(staff).set({ telegramUserId: 3001 }).where(eq(staff.staffCode, 'DEMO-001-T005'));
  await database.db.update(staff).set({ telegramUserId: 3002 }).where(eq(staff.staffCode, 'DEMO-001-T002'));
  const kids = await database.db
    .select({ id: students.id, guardianId: guardians.id })
    .from(students)
    .innerJoin(classes, eq(classes.id, students.classId))
    .innerJoin(sql`student_guardians sg`, sql`sg.student_id = ${students.id}`)
    .innerJoin(guardians, sql`${guardians.id} = sg.guardian_id`)
    .where(and(eq(classes.name, '7A'), sql`${students.rollNo} in (1, 2)`))
    .orderBy(students.rollNo);
  await database.db.update(guardians).set({ telegramUserId: 3101 }).where(eq(guardians.id, kids[0]!.guardianId));
  // The teacher is also the guardian of roll 2.
  await database.db.update(guardians).set({ telegramUserId: 3001 }).where(eq(guardians.id, kids[1]!.guardianId));
});
afterAll(() => database.drop());

async function access(userId: number): Promise<ClassAccess> {
  const actor = await loadActor(database.db, userId);
  const [cls] = await database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '7A'));
  const a = await accessClass(database.db, actor, cls!.id, DAY, DAY);
  if (!a.ok) throw new Error(a.reason);
  return a;
}

describe('submitting', () => {
  it('a teacher and the operator submitting the same list at once: one row per student, one alert per family', async () => {
    const teacherAccess = await access(3001);
    const operatorAccess = await access(3002);
    expect(teacherAccess.via).toBe('teacher');
    expect(operatorAccess.via).toBe('operator');
    await changeMark(database.db, teacherAccess, DAY, { kind: 'set', roll: 1, status: 'absent' });
    await changeMark(database.db, teacherAccess, DAY, { kind: 'set', roll: 2, status: 'absent' });
    const teacher = await loadActor(database.db, 3001);
    const operator = await loadActor(database.db, 3002);
    const results = await Promise.all([
      submitSheet(database.db, teacherAccess, DAY, teacher),
      submitSheet(database.db, operatorAccess, DAY, operator),
    ]);
    expect(results.map((r) => r.version).sort()).toEqual([1, 2]);
    const [rows] = await database.rows<{ n: number }>(sql`select count(*)::int as n from attendance where day = ${DAY}`);
    expect(Number(rows!.n)).toBe(32);
    // Whoever wins, each family is alerted once: roll 1's guardian always; roll 2's guardian is
    // the teacher, alerted only if the operator's submit won (the teacher did not take the roll).
    const outboxRows = await database.rows<{ chat_id: string }>(sql`select chat_id from outbox where dedupe_key like 'absent:%' order by chat_id`);
    const chats = outboxRows.map((r) => Number(r.chat_id));
    const teacherWon = results.find((r) => r.version === 1) === results[0];
    expect(chats).toEqual(teacherWon ? [3101] : [3001, 3101]);
    expect(await database.db.select().from(alertedAbsences)).toHaveLength(chats.length);
  });

  it('stores rows in the month partition', async () => {
    const [where] = await database.rows<{ part: string }>(sql`select tableoid::regclass::text as part from attendance limit 1`);
    expect(where!.part).toBe('attendance_2026_11');
    const [count] = await database.rows<{ n: number }>(sql`select count(*)::int as n from only attendance_default`);
    expect(Number(count!.n)).toBe(0);
    expect(await database.db.select().from(attendance).where(eq(attendance.status, 'absent'))).toHaveLength(2);
  });
  it('a submit that waited for another one reads the list that one saved, not the list from before its wait', async () => {
    const teacherAccess = await access(3001);
    const teacher = await loadActor(database.db, 3001);
    const [cls] = await database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '7A'));
    const [third] = await database.db.select({ id: students.id }).from(students).where(and(eq(students.classId, cls!.id), eq(students.rollNo, 3)));
    // The list as the two earlier submits left it: rolls 1 and 2 absent. The draft marks roll 3
    // absent too.
    await changeMark(database.db, teacherAccess, DAY, { kind: 'set', roll: 3, status: 'absent' });
    // Another submit holds the class's submission row and has saved roll 3 absent, not committed.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const holds = new Promise<void>((r) => (holding = r));
    const other = database.db.transaction(async (tx) => {
      await tx.execute(sql`update class_submissions set version = version + 1 where class_id = ${cls!.id} and day = ${DAY}`);
      await tx.execute(sql`update attendance set status = 'absent' where student_id = ${third!.id} and day = ${DAY}`);
      holding();
      await held;
    });
    await holds;
    const submit = submitSheet(database.db, teacherAccess, DAY, teacher);
    // Wait until the submit is blocked on that row, then let the other one commit.
    for (let i = 0; i < 200; i++) {
      const [w] = await database.rows<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (Number(w!.n) > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    release();
    await other;
    const r = await submit;
    expect(r.version).toBe(4);
    // Read from before the wait, roll 3 would be a change (and an audited correction from present).
    expect(r.changed).toBe(0);
    const corrections = await database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'attendance.correct' and entity_id = ${String(third!.id)}`);
    expect(Number(corrections[0]!.n)).toBe(0);
  });
});

describe('the person who takes the roll', () => {
  it('the teacher who takes the roll is not alerted about their own child', async () => {
    const teacherAccess = await access(3001);
    const teacher = await loadActor(database.db, 3001);
    await database.db.execute(sql`delete from alerted_absences; delete from outbox; delete from attendance; delete from class_submissions`);
    await changeMark(database.db, teacherAccess, DAY, { kind: 'set', roll: 2, status: 'absent' });
    const r = await submitSheet(database.db, teacherAccess, DAY, teacher);
    expect(r.alertsQueued).toBe(0);
  });
});
