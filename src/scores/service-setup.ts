/**
 * Setting up a school year's grading: accepting the default plan (Cambodian default subjects and
 * assessments under a shipped rule set), reading the plan, editing a subject's maximum.
 */
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';
import { academicYears, auditLog, classes } from '../core/db/schema.js';
import { defaultAssessments, defaultSubjects } from './defaults.js';
import { ruleSetSchema, type RuleSet } from './rules.js';
import { assessmentPlans, assessments, scoreRuleSets, scoreSubjects, type AssessmentKind } from './schema.js';
import { lockSubjectRows, SUBJECTS_LOCK } from './service-subjects.js';

export interface PlanAssessment {
  id: number;
  term: number;
  kind: AssessmentKind;
  month: number | null;
  code: string;
  position: number;
  dueOn: string | null;
}

export interface Plan {
  id: number;
  schoolId: number;
  academicYearId: number;
  ruleSetCode: string;
  rules: RuleSet;
  term2StartsOn: string;
  assessments: PlanAssessment[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The last day of `month` in the year that holds it, counting from the school year's start. */
export function monthEnd(yearStart: string, month: number): string {
  const [y, m] = yearStart.split('-').map(Number) as [number, number];
  const year = month >= m ? y : y + 1;
  return isoDay(new Date(Date.UTC(year, month, 0)));
}

export async function currentPlan(db: Executor, schoolId: number): Promise<Plan | null> {
  const [row] = await db
    .select({
      id: assessmentPlans.id,
      schoolId: assessmentPlans.schoolId,
      academicYearId: assessmentPlans.academicYearId,
      term2StartsOn: assessmentPlans.term2StartsOn,
      ruleSetCode: scoreRuleSets.code,
      rules: scoreRuleSets.rules,
    })
    .from(assessmentPlans)
    .innerJoin(academicYears, and(eq(academicYears.id, assessmentPlans.academicYearId), eq(academicYears.isCurrent, true)))
    .innerJoin(scoreRuleSets, eq(scoreRuleSets.id, assessmentPlans.ruleSetId))
    .where(eq(assessmentPlans.schoolId, schoolId));
  if (!row) return null;
  const list = await db
    .select({ id: assessments.id, term: assessments.term, kind: assessments.kind, month: assessments.month, code: assessments.code, position: assessments.position, dueOn: assessments.dueOn })
    .from(assessments)
    .where(eq(assessments.planId, row.id))
    .orderBy(asc(assessments.position));
  return { ...row, rules: ruleSetSchema.parse(row.rules), assessments: list };
}

export type AcceptResult = { ok: true; plan: Plan; subjects: number; created: boolean } | { ok: false; reason: 'no-year' | 'unknown-rule-set' };

/**
 * Accepts the default plan for the school's current year under `ruleCode` (idempotent: a year
 * that has a plan keeps it). Subjects are added for every grade the year's classes have; a
 * subject the school already has keeps its maximum.
 */
export async function acceptDefaultPlan(db: Executor, schoolId: number, actor: string, ruleCode = 'kh-practice', monthlyPerTerm = 3): Promise<AcceptResult> {
  return db.transaction(async (tx) => {
    const [year] = await tx
      .select({ id: academicYears.id, startsOn: academicYears.startsOn })
      .from(academicYears)
      .where(and(eq(academicYears.schoolId, schoolId), eq(academicYears.isCurrent, true)));
    if (!year) return { ok: false as const, reason: 'no-year' as const };
    const existing = await currentPlan(tx, schoolId);
    const grades = (await tx.selectDistinct({ grade: classes.grade }).from(classes).where(eq(classes.academicYearId, year.id))).map((g) => g.grade);
    const subjectRows = defaultSubjects(grades.sort((a, b) => a - b)).map((s) => ({ ...s, schoolId }));
    const added = subjectRows.length
      ? await tx.insert(scoreSubjects).values(subjectRows).onConflictDoNothing().returning({ id: scoreSubjects.id })
      : [];
    if (existing) return { ok: true as const, plan: existing, subjects: added.length, created: false };
    const [rule] = await tx
      .select({ id: scoreRuleSets.id })
      .from(scoreRuleSets)
      .where(and(eq(scoreRuleSets.code, ruleCode), or(isNull(scoreRuleSets.schoolId), eq(scoreRuleSets.schoolId, schoolId))))
      .orderBy(sql`${scoreRuleSets.schoolId} nulls last`)
      .limit(1);
    if (!rule) return { ok: false as const, reason: 'unknown-rule-set' as const };
    const startMonth = Number(year.startsOn.slice(5, 7));
    const start = new Date(`${year.startsOn}T00:00:00Z`);
    const term2 = isoDay(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 5, 1)));
    const [plan] = await tx
      .insert(assessmentPlans)
      .values({ schoolId, academicYearId: year.id, ruleSetId: rule.id, term2StartsOn: term2, createdBy: actor })
      .returning({ id: assessmentPlans.id });
    const list = defaultAssessments(ruleCode, startMonth, monthlyPerTerm);
    await tx.insert(assessments).values(
      list.map((a) => ({ ...a, planId: plan!.id, schoolId, dueOn: a.month ? monthEnd(year.startsOn, a.month) : null })),
    );
    await tx.insert(auditLog).values({ actor, schoolId, action: 'scores.plan.accept', entity: 'assessment_plan', entityId: String(plan!.id), details: { ruleCode } });
    const made = await currentPlan(tx, schoolId);
    return { ok: true as const, plan: made!, subjects: added.length, created: true };
  });
}

export interface GradeSubject {
  id: number;
  grade: number;
  code: string;
  nameKm: string;
  nameEn: string;
  maxScore: number;
  position: number;
}

export async function subjectsOf(db: Executor, schoolId: number, grade?: number): Promise<GradeSubject[]> {
  return db
    .select({ id: scoreSubjects.id, grade: scoreSubjects.grade, code: scoreSubjects.code, nameKm: scoreSubjects.nameKm, nameEn: scoreSubjects.nameEn, maxScore: scoreSubjects.maxScore, position: scoreSubjects.position })
    .from(scoreSubjects)
    .where(and(eq(scoreSubjects.schoolId, schoolId), eq(scoreSubjects.active, true), grade === undefined ? undefined : eq(scoreSubjects.grade, grade)))
    .orderBy(asc(scoreSubjects.grade), asc(scoreSubjects.position));
}

/**
 * The office changes a subject's maximum (audited) — not under entered scores, which were checked
 * against the old one (service-subjects.ts says why; the bot's /subjects edits the same way).
 */
export async function setSubjectMax(db: Executor, schoolId: number, grade: number, code: string, maxScore: number, actor: string): Promise<'ok' | 'bad-max' | 'not-found' | 'has-scores'> {
  if (!(maxScore > 0 && maxScore <= 1000)) return 'bad-max';
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SUBJECTS_LOCK}, ${schoolId})`);
    await lockSubjectRows(tx, schoolId);
    const [subject] = await tx
      .select({ id: scoreSubjects.id, maxScore: scoreSubjects.maxScore, scores: sql<number>`(select count(*) from scores x where x.subject_id = ${scoreSubjects.id})::int` })
      .from(scoreSubjects)
      .where(and(eq(scoreSubjects.schoolId, schoolId), eq(scoreSubjects.grade, grade), eq(scoreSubjects.code, code)));
    if (!subject) return 'not-found' as const;
    if (Number(subject.scores) > 0 && Number(subject.maxScore) !== maxScore) return 'has-scores' as const;
    await tx.update(scoreSubjects).set({ maxScore }).where(eq(scoreSubjects.id, subject.id));
    await tx.insert(auditLog).values({ actor, schoolId, action: 'scores.subject.max', entity: 'score_subject', entityId: String(subject.id), details: { maxScore } });
    return 'ok' as const;
  });
}
