/**
 * What other capabilities may read of a class's published results (the records capability builds
 * signed academic records from it): for a published term or year, per student the snapshot the
 * families got (score_published_results), the scores of each test behind it, the homeroom
 * teacher's comment and the attendance of the period. Only published periods are offered: a
 * record is made of what the school made public, and a later correction (correctPublished) moves
 * the snapshot on, so the record follows it until it is signed and locked.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';
import { academicYears, students } from '../core/db/schema.js';
import { assessmentPlans, assessments, scoreComments, scorePublications, scorePublishedResults, scoreRuleSets, scores, scoreSubjects } from './schema.js';
import { computeResults, type StudentResult } from './service-results.js';

export type TermPeriod = 't1' | 't2' | 'y';

export interface PublishedStudent {
  studentId: number;
  result: StudentResult;
  /** subject id → test code (or `t1`/`t2` for the year) → value; null: absent from the test */
  scores: Record<number, Record<string, number | null>>;
  comment: string | null;
  attendance: { present: number; absent: number; excused: number; late: number };
}

export interface PublishedClassResults {
  publicationId: number;
  /** the snapshot's version: grows with each correction */
  version: number;
  year: string;
  ruleSet: { code: string; nameEn: string };
  subjects: Array<{ id: number; code: string; nameKm: string; nameEn: string; max: number }>;
  /** the tests behind a term's results in plan order (the two terms for the year) */
  tests: Array<{ code: string; kind: string; month: number | null }>;
  students: PublishedStudent[];
}

/** The published periods (terms and year) of a school's current year: class and period. */
export async function publishedTermsOf(database: Database, schoolId: number): Promise<Array<{ classId: number; period: TermPeriod; publishedAt: Date }>> {
  const rows = await database.db
    .select({ classId: scorePublications.classId, period: scorePublications.period, publishedAt: scorePublications.publishedAt })
    .from(scorePublications)
    .innerJoin(assessmentPlans, eq(assessmentPlans.id, scorePublications.planId))
    .innerJoin(academicYears, and(eq(academicYears.id, assessmentPlans.academicYearId), eq(academicYears.isCurrent, true)))
    .where(and(eq(scorePublications.schoolId, schoolId), inArray(scorePublications.period, ['t1', 't2', 'y'])))
    .orderBy(scorePublications.publishedAt);
  return rows.map((r) => ({ ...r, period: r.period as TermPeriod }));
}

/** A class's published results for a term or the year, or null when not published. */
export async function publishedClassResults(database: Database, input: { schoolId: number; classId: number; period: TermPeriod }): Promise<PublishedClassResults | null> {
  const db = database.db;
  const [pub] = await db
    .select({ id: scorePublications.id, version: scorePublications.version, planId: scorePublications.planId, year: academicYears.name, startsOn: academicYears.startsOn, endsOn: academicYears.endsOn, term2: assessmentPlans.term2StartsOn, ruleCode: scoreRuleSets.code, ruleName: scoreRuleSets.nameEn })
    .from(scorePublications)
    .innerJoin(assessmentPlans, eq(assessmentPlans.id, scorePublications.planId))
    .innerJoin(academicYears, eq(academicYears.id, assessmentPlans.academicYearId))
    .innerJoin(scoreRuleSets, eq(scoreRuleSets.id, assessmentPlans.ruleSetId))
    .where(and(eq(scorePublications.schoolId, input.schoolId), eq(scorePublications.classId, input.classId), eq(scorePublications.period, input.period)));
  if (!pub) return null;
  const rows = await db
    .select({ studentId: scorePublishedResults.studentId, result: scorePublishedResults.result })
    .from(scorePublishedResults)
    .innerJoin(students, eq(students.id, scorePublishedResults.studentId))
    .where(eq(scorePublishedResults.publicationId, pub.id))
    .orderBy(students.rollNo, students.id);
  const ids = rows.map((r) => r.studentId);
  const subjectRows = await db.select().from(scoreSubjects).where(eq(scoreSubjects.schoolId, input.schoolId)).orderBy(scoreSubjects.position);

  // the scores behind each subject's result: the term's tests, or the two terms for the year
  const perStudent = new Map<number, Record<number, Record<string, number | null>>>();
  const put = (studentId: number, subjectId: number, key: string, value: number | null) => {
    const s = perStudent.get(studentId) ?? {};
    (s[subjectId] ??= {})[key] = value;
    perStudent.set(studentId, s);
  };
  const tests =
    input.period === 'y'
      ? [
          { code: 't1', kind: 'term', month: null },
          { code: 't2', kind: 'term', month: null },
        ]
      : await db
          .select({ code: assessments.code, kind: assessments.kind, month: assessments.month })
          .from(assessments)
          .where(and(eq(assessments.planId, pub.planId), eq(assessments.term, Number(input.period.slice(1)))))
          .orderBy(assessments.position);
  if (input.period === 'y') {
    for (const term of ['t1', 't2'] as const) {
      for (const r of await computeResults(database, { planId: pub.planId, period: term, classIds: [input.classId] })) for (const s of r.subjects) put(r.studentId, s.subjectId, term, s.value);
    }
  } else if (ids.length > 0) {
    const cells = await db
      .select({ studentId: scores.studentId, subjectId: scores.subjectId, code: assessments.code, value: scores.value, absent: scores.absent })
      .from(scores)
      .innerJoin(assessments, eq(assessments.id, scores.assessmentId))
      .where(and(eq(assessments.planId, pub.planId), eq(assessments.term, Number(input.period.slice(1))), inArray(scores.studentId, ids)))
      .orderBy(assessments.position);
    for (const c of cells) put(c.studentId, c.subjectId, c.code, c.absent ? null : Number(c.value));
  }

  const comments = new Map(
    ids.length === 0
      ? []
      : (await db.select({ studentId: scoreComments.studentId, comment: scoreComments.comment }).from(scoreComments).where(and(eq(scoreComments.planId, pub.planId), eq(scoreComments.period, input.period), inArray(scoreComments.studentId, ids)))).map((c) => [c.studentId, c.comment]),
  );
  const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const [from, to] = input.period === 't1' ? [pub.startsOn, dayBefore(pub.term2)] : input.period === 't2' ? [pub.term2, pub.endsOn] : [pub.startsOn, pub.endsOn];
  const days =
    ids.length === 0
      ? []
      : await database.rows<{ student_id: number; present: number; absent: number; excused: number; late: number }>(sql`
          select student_id::int student_id,
                 count(distinct day) filter (where status = 'present')::int present,
                 count(distinct day) filter (where status = 'absent')::int absent,
                 count(distinct day) filter (where status = 'excused')::int excused,
                 count(distinct day) filter (where status = 'late')::int late
            from attendance
           where school_id = ${input.schoolId} and student_id = any(${`{${ids.join(',')}}`}::bigint[]) and day between ${from}::date and ${to}::date
           group by 1`);
  const attendance = new Map(days.map((d) => [Number(d.student_id), d]));
  return {
    publicationId: pub.id,
    version: pub.version,
    year: pub.year,
    ruleSet: { code: pub.ruleCode, nameEn: pub.ruleName },
    subjects: subjectRows.map((s) => ({ id: s.id, code: s.code, nameKm: s.nameKm, nameEn: s.nameEn, max: s.maxScore })),
    tests,
    students: rows.map((r) => {
      const a = attendance.get(r.studentId);
      return {
        studentId: r.studentId,
        result: r.result as unknown as StudentResult,
        scores: perStudent.get(r.studentId) ?? {},
        comment: comments.get(r.studentId) ?? null,
        attendance: { present: a?.present ?? 0, absent: a?.absent ?? 0, excused: a?.excused ?? 0, late: a?.late ?? 0 },
      };
    }),
  };
}
