/**
 * Entering scores, one way for the typed list, the Mini App sheet and the Excel template: resolve
 * what the teacher names (class, subject, test) against what they teach, validate every cell
 * (all-or-nothing, position-numbered problems), keep the checked list as a draft, save it on
 * Confirm. Who may enter: the teacher `class_teachers` lists for that class and subject; the
 * homeroom teacher for the subjects of their class no subject teacher is listed for.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db/client.js';
import type { StaffMembership } from '../core/auth/actor.js';
import { academicYears, classes, students } from '../core/db/schema.js';
import { classTeachers } from '../questions/schema.js';
import { findSubject, type Subject } from '../teaching/subjects.js';
import { monthOf, previewOf, readCell, type Cell, type CellProblem, type Preview } from './parse.js';
import { currentPlan, type Plan, type PlanAssessment } from './service-setup.js';
import { assessments, scoreDrafts, scores, scoreSubjects } from './schema.js';
import { entersSubject } from './entry-rule.js';

export interface Target {
  schoolId: number;
  staffId: number;
  classId: number;
  className: string;
  grade: number;
  subjectId: number;
  subjectCode: string;
  subjectNameKm: string;
  subjectNameEn: string;
  maxScore: number;
}

/** The (class, subject) pairs a teacher may enter in the school's current year (of one class when given). */
export async function targetsOf(db: Executor, staff: StaffMembership, subjects: Map<string, Subject>, classId?: number): Promise<Target[]> {
  const [rows, taught, gradeSubjects] = await Promise.all([
    db
      .select({ classId: classes.id, className: classes.name, grade: classes.grade, homeroom: classes.homeroomStaffId })
      .from(classes)
      .innerJoin(academicYears, and(eq(academicYears.id, classes.academicYearId), eq(academicYears.isCurrent, true)))
      .where(and(eq(classes.schoolId, staff.schoolId), classId === undefined ? undefined : eq(classes.id, classId)))
      .orderBy(asc(classes.grade), asc(classes.name)),
    db
      .select({ classId: classTeachers.classId, staffId: classTeachers.staffId, subject: classTeachers.subject })
      .from(classTeachers)
      .where(and(eq(classTeachers.schoolId, staff.schoolId), classId === undefined ? undefined : eq(classTeachers.classId, classId))),
    db
      .select()
      .from(scoreSubjects)
      .where(and(eq(scoreSubjects.schoolId, staff.schoolId), eq(scoreSubjects.active, true)))
      .orderBy(asc(scoreSubjects.position)),
  ]);
  const out: Target[] = [];
  for (const c of rows) {
    const listed = taught.filter((t) => t.classId === c.classId).map((t) => ({ staffId: t.staffId, code: findSubject(subjects, t.subject) }));
    for (const s of gradeSubjects.filter((g) => g.grade === c.grade)) {
      if (!entersSubject(listed, c.homeroom, staff.staffId, s.code)) continue;
      out.push({
        schoolId: staff.schoolId,
        staffId: staff.staffId,
        classId: c.classId,
        className: c.className,
        grade: c.grade,
        subjectId: s.id,
        subjectCode: s.code,
        subjectNameKm: s.nameKm,
        subjectNameEn: s.nameEn,
        maxScore: s.maxScore,
      });
    }
  }
  return out;
}

export interface RosterLine {
  studentId: number;
  rollNo: number | null;
  nameKm: string;
  nameEn: string | null;
}

export async function rosterOf(db: Executor, classId: number): Promise<RosterLine[]> {
  return db
    .select({ studentId: students.id, rollNo: students.rollNo, nameKm: students.nameKm, nameEn: students.nameEn })
    .from(students)
    .where(and(eq(students.classId, classId), eq(students.active, true)))
    .orderBy(asc(students.rollNo), asc(students.id));
}

export type ResolveProblem = 'no-plan' | 'unknown-class' | 'unknown-subject' | 'not-yours' | 'unknown-test';

/** A test typed as its code (`nov`, `s1`), a month name (`November`, `វិច្ឆិកា`) or a month number. */
export function findAssessment(plan: Plan, text: string): PlanAssessment | null {
  const t = text.trim().toLowerCase();
  const byCode = plan.assessments.find((a) => a.code === t);
  if (byCode) return byCode;
  const month = monthOf(t);
  return month ? (plan.assessments.find((a) => a.month === month) ?? null) : null;
}

export async function resolveTyped(
  db: Executor,
  staff: StaffMembership,
  subjects: Map<string, Subject>,
  typed: { className: string; subjectText: string; testText: string },
): Promise<{ ok: true; target: Target; assessment: PlanAssessment; plan: Plan } | { ok: false; problem: ResolveProblem }> {
  const plan = await currentPlan(db, staff.schoolId);
  if (!plan) return { ok: false, problem: 'no-plan' };
  const [cls] = await db
    .select({ id: classes.id })
    .from(classes)
    .innerJoin(academicYears, and(eq(academicYears.id, classes.academicYearId), eq(academicYears.isCurrent, true)))
    .where(and(eq(classes.schoolId, staff.schoolId), eq(classes.name, typed.className)));
  if (!cls) return { ok: false, problem: 'unknown-class' };
  const code = findSubject(subjects, typed.subjectText);
  if (!code) return { ok: false, problem: 'unknown-subject' };
  const target = (await targetsOf(db, staff, subjects, cls.id)).find((t) => t.subjectCode === code);
  if (!target) return { ok: false, problem: 'not-yours' };
  const assessment = findAssessment(plan, typed.testText);
  if (!assessment) return { ok: false, problem: 'unknown-test' };
  return { ok: true, target, assessment, plan };
}

export interface EntryProblem {
  /** 1-based position in the list (roll order) */
  position: number;
  token: string;
  problem: CellProblem;
}

export type Checked =
  | { ok: true; cells: Cell[]; preview: Preview }
  | { ok: false; kind: 'count'; expected: number; got: number }
  | { ok: false; kind: 'cells'; problems: EntryProblem[] };

/** Every cell or none: the list must have one value per student, each within 0..max. */
export function checkCells(texts: readonly string[], studentCount: number, max: number): Checked {
  if (texts.length !== studentCount) return { ok: false, kind: 'count', expected: studentCount, got: texts.length };
  const cells: Cell[] = [];
  const problems: EntryProblem[] = [];
  texts.forEach((token, i) => {
    const r = readCell(token, max);
    if (r.ok) cells.push(r.cell);
    else problems.push({ position: i + 1, token, problem: r.problem });
  });
  if (problems.length) return { ok: false, kind: 'cells', problems };
  return { ok: true, cells, preview: previewOf(cells) };
}

export interface SheetKey {
  staffId: number;
  classId: number;
  subjectId: number;
  assessmentId: number;
}

/** A short fingerprint of a checked list: Confirm saves only the list that was previewed. */
export function cellsHash(cells: Record<string, string>): string {
  const ordered = Object.keys(cells)
    .sort()
    .map((k) => `${k}=${cells[k]}`)
    .join('|');
  return createHash('sha256').update(ordered).digest('base64url').slice(0, 10);
}

export async function saveDraft(db: Executor, schoolId: number, key: SheetKey, cells: Record<string, string>): Promise<string> {
  await db
    .insert(scoreDrafts)
    .values({ ...key, schoolId, cells })
    .onConflictDoUpdate({ target: [scoreDrafts.staffId, scoreDrafts.classId, scoreDrafts.subjectId, scoreDrafts.assessmentId], set: { cells, updatedAt: sql`now()` } });
  return cellsHash(cells);
}

export async function loadDraft(db: Executor, key: SheetKey): Promise<Record<string, string> | null> {
  const [row] = await db
    .select({ cells: scoreDrafts.cells })
    .from(scoreDrafts)
    .where(and(eq(scoreDrafts.staffId, key.staffId), eq(scoreDrafts.classId, key.classId), eq(scoreDrafts.subjectId, key.subjectId), eq(scoreDrafts.assessmentId, key.assessmentId)));
  return row?.cells ?? null;
}

export async function dropDraft(db: Executor, key: SheetKey): Promise<void> {
  await db
    .delete(scoreDrafts)
    .where(and(eq(scoreDrafts.staffId, key.staffId), eq(scoreDrafts.classId, key.classId), eq(scoreDrafts.subjectId, key.subjectId), eq(scoreDrafts.assessmentId, key.assessmentId)));
}

/** The scores already entered for a sheet, by student id (what the Mini App opens with). */
export async function enteredCells(db: Executor, key: Omit<SheetKey, 'staffId'>): Promise<Record<string, string>> {
  const rows = await db
    .select({ studentId: scores.studentId, value: scores.value, absent: scores.absent })
    .from(scores)
    .where(and(eq(scores.classId, key.classId), eq(scores.subjectId, key.subjectId), eq(scores.assessmentId, key.assessmentId)));
  return Object.fromEntries(rows.map((r) => [String(r.studentId), r.absent ? 'ab' : String(r.value)]));
}

/** Checks that an assessment id belongs to the school's current plan (forged or stale ids do not). */
export async function planAssessment(db: Executor, schoolId: number, assessmentId: number): Promise<PlanAssessment | null> {
  const plan = await currentPlan(db, schoolId);
  return plan?.assessments.find((a) => a.id === assessmentId) ?? null;
}

export interface ScoreChange {
  studentId: number;
  old: { value: number | null; absent: boolean } | null;
  next: { value: number | null; absent: boolean };
}

/**
 * Writes the cells that have a value or `ab` (blanks leave what is there), the audit row and the
 * end of the teacher's draft in ONE statement, and returns what changed — or null, writing
 * nothing, when the subject's maximum is no longer `target.maxScore` (the check is part of the
 * statement, under a share lock on the subject's row: see lockSubjectRows). On its own or inside the
 * caller's transaction. One statement rather than five: with 50 teachers saving at once, round
 * trips and query building were most of a save (scripts/bench/scores.ts).
 */
export async function writeCells(
  tx: Executor,
  target: Target,
  assessmentId: number,
  byStudent: Map<number, Cell>,
  actor: string,
  via: string,
): Promise<ScoreChange[] | null> {
  const rows = [...byStudent.entries()].flatMap(([studentId, cell]) =>
    cell.kind === 'blank' ? [] : [{ studentId, value: cell.kind === 'value' ? cell.value : null, absent: cell.kind === 'absent' }],
  );
  // array literals, as the rest of the code passes them (postgres.js and PGlite alike)
  const ids = `{${rows.map((r) => r.studentId).join(',')}}`;
  const values = `{${rows.map((r) => (r.value === null ? 'NULL' : String(r.value))).join(',')}}`;
  const absents = `{${rows.map((r) => (r.absent ? 't' : 'f')).join(',')}}`;
  const old = rowsOf<{ held: boolean; student_id: string | null; value: string | null; absent: boolean }>(
    await tx.execute(sql`
      with still as (
        select 1 from score_subjects where id = ${target.subjectId} and active and max_score = ${target.maxScore} for share),
      input as (
        select * from unnest(${ids}::bigint[], ${values}::numeric[], ${absents}::boolean[]) as i(student_id, value, absent)
         where exists (select 1 from still)),
      old as (
        select x.student_id, x.value, x.absent from scores x join input i on i.student_id = x.student_id
         where x.assessment_id = ${assessmentId} and x.subject_id = ${target.subjectId}),
      saved as (
        insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, entered_by_staff_id, via)
        select ${assessmentId}, ${target.subjectId}, i.student_id, ${target.schoolId}, ${target.classId}, i.value, i.absent, ${actor}, ${target.staffId}, ${via} from input i
        on conflict (assessment_id, subject_id, student_id) do update
          set value = excluded.value, absent = excluded.absent, entered_by = excluded.entered_by, entered_by_staff_id = excluded.entered_by_staff_id, via = excluded.via, updated_at = now()
        returning 1),
      audited as (
        insert into audit_log (actor, school_id, action, entity, entity_id, details)
        select ${actor}, ${target.schoolId}, 'scores.enter', 'class', ${String(target.classId)},
               jsonb_build_object('subjectId', ${target.subjectId}::int, 'assessmentId', ${assessmentId}::int, 'via', ${via}::text, 'cells', ${rows.length}::int,
                 'changed', (select count(*)::int from input i left join old o on o.student_id = i.student_id
                              where o.student_id is null or o.absent <> i.absent or o.value is distinct from i.value))
         where exists (select 1 from still)
        returning 1),
      dropped as (
        delete from score_drafts where staff_id = ${target.staffId} and class_id = ${target.classId} and subject_id = ${target.subjectId} and assessment_id = ${assessmentId}
           and exists (select 1 from still)
        returning 1)
      select exists (select 1 from still) as held, o.student_id, o.value, o.absent,
             (select count(*) from saved) + (select count(*) from audited) + (select count(*) from dropped) as done
        from (select 1) one left join old o on true`),
  );
  // The subject's maximum is no longer the one the cells were checked against (an office edit):
  // nothing was written.
  if (!old[0]?.held) return null;
  const existing = old.filter((o) => o.student_id !== null);
  const before = new Map(existing.map((o) => [Number(o.student_id), { value: o.value === null ? null : Number(o.value), absent: o.absent }]));
  const changes: ScoreChange[] = [];
  for (const r of rows) {
    const o = before.get(r.studentId) ?? null;
    if (!o || o.absent !== r.absent || (o.value ?? null) !== (r.value ?? null)) changes.push({ studentId: r.studentId, old: o, next: { value: r.value, absent: r.absent } });
  }
  return changes;
}

export async function assessmentById(db: Executor, id: number) {
  const [row] = await db.select().from(assessments).where(eq(assessments.id, id));
  return row ?? null;
}
