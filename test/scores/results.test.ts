import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { classes, schools, students } from '../../src/core/db/schema.js';
import { attendance } from '../../src/attendance/schema.js';
import { acceptDefaultPlan, subjectsOf } from '../../src/scores/service-setup.js';
import { computeResults } from '../../src/scores/service-results.js';
import { assessmentPlans, scoreRuleSets, scores } from '../../src/scores/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
let schoolId: number;
let classId: number;
let kids: { id: number }[];

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  [{ id: schoolId }] = (await database.db.select({ id: schools.id }).from(schools)) as [{ id: number }];
  [{ id: classId }] = (await database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '7A'))) as [{ id: number }];
  kids = await database.db.select({ id: students.id }).from(students).where(eq(students.classId, classId)).orderBy(students.rollNo);
}, 60_000);
afterAll(() => database.drop());

describe('results in SQL under the Cambodian practice', () => {
  it('accepts the default plan once, with Cambodian subjects and maxima', async () => {
    const first = await acceptDefaultPlan(database.db, schoolId, 'cli');
    expect(first.ok && first.created).toBe(true);
    const again = await acceptDefaultPlan(database.db, schoolId, 'cli');
    expect(again.ok && !again.created).toBe(true);
    const g7 = await subjectsOf(database.db, schoolId, 7);
    expect(g7).toHaveLength(12);
    expect(g7.find((s) => s.code === 'maths')!.maxScore).toBe(100);
    expect(g7.find((s) => s.code === 'physics')!.maxScore).toBe(50);
    const g1 = await subjectsOf(database.db, schoolId, 1);
    expect(g1.every((s) => s.maxScore === 10)).toBe(true);
    if (!first.ok) throw new Error();
    expect(first.plan.assessments.filter((a) => a.kind === 'monthly')).toHaveLength(6);
    expect(first.plan.assessments.filter((a) => a.kind === 'exam').map((a) => a.code)).toEqual(['s1', 's2']);
  });

  it('computes month, semester and year: averages on the grade scale, ranks, letters, promotion with absences', async () => {
    const r = await acceptDefaultPlan(database.db, schoolId, 'cli');
    if (!r.ok) throw new Error();
    const plan = r.plan;
    const g7 = await subjectsOf(database.db, schoolId, 7);
    const t1 = plan.assessments.filter((a) => a.term === 1);
    const t2 = plan.assessments.filter((a) => a.term === 2);
    // student 0: every score = 80 % of the max; student 1: 40 %; student 2: 80 % too (tie); student 3 absent from month 1
    const frac = [0.8, 0.4, 0.8, 0.6];
    const rows = [];
    for (const a of [...t1, ...t2])
      for (const s of g7)
        for (let i = 0; i < kids.length; i++) {
          const f = frac[i] ?? 0.7;
          const absent = i === 3 && a.id === t1[0]!.id;
          rows.push({ assessmentId: a.id, subjectId: s.id, studentId: kids[i]!.id, schoolId, classId, value: absent ? null : s.maxScore * f, absent, enteredBy: 'test', via: 'office' });
        }
    await database.db.insert(scores).values(rows);
    const month = await computeResults(database, { planId: plan.id, period: `m:${t1[0]!.id}`, classIds: [classId] });
    const byId = new Map(month.map((m) => [m.studentId, m]));
    const s0 = byId.get(kids[0]!.id)!;
    expect(s0.scale).toBe(50);
    expect(s0.average).toBe(40); // 80 % of 50
    expect(s0.letter).toBe('B');
    expect(s0.rank).toBe(1);
    expect(byId.get(kids[2]!.id)!.rank).toBe(1);
    expect(byId.get(kids[1]!.id)!.passed).toBe(false);
    expect(byId.get(kids[1]!.id)!.letter).toBe('F');
    expect(byId.get(kids[3]!.id)!.average).toBe(0); // absent counts 0 in Cambodian practice
    expect(byId.get(kids[3]!.id)!.rank).toBe(kids.length);
    expect(s0.subjects.find((x) => x.subjectId === g7.find((g) => g.code === 'maths')!.id)!.value).toBe(80);

    // semester 1: (exam + mean of monthlies) / 2; student 3: monthlies 0, 0.6, 0.6 → mean 0.4; exam 0.6 → 0.5
    const sem = await computeResults(database, { planId: plan.id, period: 't1', classIds: [classId] });
    const s3 = sem.find((m) => m.studentId === kids[3]!.id)!;
    expect(s3.average).toBe(25);
    expect(s3.subjects[0]!.absent).toBe(1);

    // year, with 21 unreported absences for student 0 → repeat for absence
    const days = Array.from({ length: 21 }, (_, i) => new Date(Date.parse(`${plan.term2StartsOn}T00:00:00Z`) + i * 86400000).toISOString().slice(0, 10));
    await database.db.insert(attendance).values(days.map((day) => ({ studentId: kids[0]!.id, day, shift: 'morning' as const, schoolId, classId, status: 'absent' as const, source: 'teacher', markedBy: 'test' })));
    const year = await computeResults(database, { planId: plan.id, period: 'y', classIds: [classId] });
    const y0 = year.find((m) => m.studentId === kids[0]!.id)!;
    expect(y0.absentDays).toBe(21);
    expect(y0.promotion).toBe('repeat-absence');
    expect(year.find((m) => m.studentId === kids[2]!.id)!.promotion).toBe('promote');
    expect(year.find((m) => m.studentId === kids[1]!.id)!.promotion).toBe('repeat-score');
  });

  it('follows Circular 22 when the plan names it: (Σ regular + 2·mid + 3·end)/(n+5), year (S1 + 2·S2)/3', async () => {
    const [vn] = await database.db.select({ id: scoreRuleSets.id }).from(scoreRuleSets).where(eq(scoreRuleSets.code, 'vn-c22'));
    const [plan] = await database.db.select().from(assessmentPlans);
    await database.db.update(assessmentPlans).set({ ruleSetId: vn!.id }).where(eq(assessmentPlans.id, plan!.id));
    // reuse the Cambodian assessments with C22 kinds: monthly → regular, exam → final (weights from the rule set)
    await database.db.execute(sql`update assessments set kind = case when kind = 'exam' then 'final'::assessment_kind else 'regular'::assessment_kind end where plan_id = ${plan!.id}`);
    await database.db.execute(sql`update score_subjects set max_score = 10 where grade = 7`);
    const [one] = await database.db.select({ id: students.id }).from(students).where(and(eq(students.classId, classId), eq(students.rollNo, 5)));
    await database.db.execute(sql`update scores set value = case when a.kind = 'final' then 9 else 6 end from assessments a where a.id = scores.assessment_id and scores.student_id = ${one!.id}`);
    await database.db.execute(sql`update scores set value = 10 from assessments a where a.id = scores.assessment_id and scores.student_id = ${one!.id} and a.term = 2`);
    const t1 = await computeResults(database, { planId: plan!.id, period: 't1', classIds: [classId] });
    // (6+6+6 + 3·9) / (3 + 3) = 7.5
    expect(t1.find((m) => m.studentId === one!.id)!.average).toBe(7.5);
    const y = await computeResults(database, { planId: plan!.id, period: 'y', classIds: [classId] });
    // (7.5 + 2·10) / 3 = 9.17
    expect(y.find((m) => m.studentId === one!.id)!.average).toBe(9.17);
    expect(y.find((m) => m.studentId === one!.id)!.letter).toBe('A');
  });
});
