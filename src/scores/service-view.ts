/** Small reads the bot needs (names, a school's classes) and the homeroom teacher's comment. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';
import { academicYears, auditLog, classes, schools, students } from '../core/db/schema.js';
import { currentPlan } from './service-setup.js';
import { scoreComments, scoreSubjects } from './schema.js';
import type { Period } from './service-results.js';

export async function classesOfSchool(db: Executor, schoolId: number): Promise<Array<{ id: number; name: string; grade: number; homeroom: number | null }>> {
  return db
    .select({ id: classes.id, name: classes.name, grade: classes.grade, homeroom: classes.homeroomStaffId })
    .from(classes)
    .innerJoin(academicYears, and(eq(academicYears.id, classes.academicYearId), eq(academicYears.isCurrent, true)))
    .where(eq(classes.schoolId, schoolId))
    .orderBy(asc(classes.grade), asc(classes.name));
}

export async function studentNames(db: Executor, ids: readonly number[]): Promise<Map<number, { nameKm: string; nameEn: string | null; schoolId: number; classId: number | null }>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: students.id, nameKm: students.nameKm, nameEn: students.nameEn, schoolId: students.schoolId, classId: students.classId }).from(students).where(inArray(students.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function subjectNames(db: Executor, schoolId: number): Promise<Map<number, { nameKm: string; nameEn: string }>> {
  const rows = await db.select({ id: scoreSubjects.id, nameKm: scoreSubjects.nameKm, nameEn: scoreSubjects.nameEn }).from(scoreSubjects).where(eq(scoreSubjects.schoolId, schoolId));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function classNames(db: Executor, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: classes.id, name: classes.name }).from(classes).where(inArray(classes.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function schoolName(db: Executor, schoolId: number): Promise<{ nameKm: string; nameEn: string; provinceId: number } | null> {
  const [row] = await db.select({ nameKm: schools.nameKm, nameEn: schools.nameEn, provinceId: schools.provinceId }).from(schools).where(eq(schools.id, schoolId));
  return row ?? null;
}

export type CommentResult = { ok: true } | { ok: false; reason: 'no-plan' | 'not-homeroom' | 'unknown-student' | 'too-long' | 'empty' };

/**
 * The homeroom teacher's comment on a student (by roll number) for a period; only the homeroom
 * teacher of that class writes it. Audited without its text.
 */
export async function setComment(
  db: Executor,
  input: { schoolId: number; staffId: number; className: string; rollNo: number; period: Period; comment: string; actor: string },
): Promise<CommentResult> {
  const text = input.comment.trim();
  if (!text) return { ok: false, reason: 'empty' };
  if (text.length > 300) return { ok: false, reason: 'too-long' };
  const plan = await currentPlan(db, input.schoolId);
  if (!plan) return { ok: false, reason: 'no-plan' };
  const [cls] = await db
    .select({ id: classes.id, homeroom: classes.homeroomStaffId })
    .from(classes)
    .where(and(eq(classes.schoolId, input.schoolId), eq(classes.academicYearId, plan.academicYearId), eq(classes.name, input.className)));
  if (!cls || cls.homeroom !== input.staffId) return { ok: false, reason: 'not-homeroom' };
  const [student] = await db.select({ id: students.id }).from(students).where(and(eq(students.classId, cls.id), eq(students.rollNo, input.rollNo), eq(students.active, true)));
  if (!student) return { ok: false, reason: 'unknown-student' };
  await db
    .insert(scoreComments)
    .values({ studentId: student.id, planId: plan.id, period: input.period, schoolId: input.schoolId, comment: text, writtenBy: input.actor })
    .onConflictDoUpdate({ target: [scoreComments.studentId, scoreComments.planId, scoreComments.period], set: { comment: text, writtenBy: input.actor } });
  await db.insert(auditLog).values({ actor: input.actor, schoolId: input.schoolId, action: 'scores.comment', entity: 'student', entityId: String(student.id), details: { period: input.period } });
  return { ok: true };
}
