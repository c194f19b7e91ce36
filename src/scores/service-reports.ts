/**
 * Reading results: the class result sheet (Excel: per student per subject, averages, ranks), a
 * school's results by grade and sex (pass rates: EMIS reports by sex), the province's pass rates
 * per school, and a family's latest published results. Every staff read of a child's scores is
 * audited here (ids only).
 */
import ExcelJS from 'exceljs';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Database, Executor } from '../core/db/client.js';
import { auditLog, classes, schools, students, type Locale } from '../core/db/schema.js';
import type { Notifier } from '../core/i18n/index.js';
import { computeResults, type Period, type StudentResult } from './service-results.js';
import { currentPlan, subjectsOf } from './service-setup.js';
import { scorePublications, scorePublishedResults } from './schema.js';
import { periodLabel } from './labels.js';

export async function auditRead(ex: Executor, actor: string, schoolId: number, entity: 'class' | 'student' | 'school', entityId: number, details: Record<string, unknown>): Promise<void> {
  await ex.insert(auditLog).values({ actor, schoolId, action: 'scores.read', entity, entityId: String(entityId), details });
}

export async function classSheet(
  database: Database,
  notifier: Notifier,
  input: { schoolId: number; classId: number; period: Period; locale: Locale; actor: string },
): Promise<{ bytes: Buffer; fileName: string; results: StudentResult[] } | null> {
  const db = database.db;
  const plan = await currentPlan(db, input.schoolId);
  if (!plan) return null;
  const [cls] = await db.select({ name: classes.name, grade: classes.grade }).from(classes).where(and(eq(classes.id, input.classId), eq(classes.schoolId, input.schoolId)));
  if (!cls) return null;
  const results = await computeResults(database, { planId: plan.id, period: input.period, classIds: [input.classId] });
  const people = await db
    .select({ id: students.id, code: students.studentCode, nameKm: students.nameKm, nameEn: students.nameEn, rollNo: students.rollNo })
    .from(students)
    .where(and(eq(students.classId, input.classId), eq(students.active, true)))
    .orderBy(asc(students.rollNo));
  const subjects = await subjectsOf(db, input.schoolId, cls.grade);
  const t = (key: string) => notifier.t(input.locale, key);
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(cls.name);
  ws.addRow([`${cls.name} — ${periodLabel(notifier.t.bind(notifier), input.locale, input.period, plan.assessments)}`]);
  ws.addRow([
    t('scores-xls-roll'),
    t('scores-xls-code'),
    t('scores-xls-name'),
    ...subjects.map((s) => `${input.locale === 'en' ? s.nameEn : s.nameKm} (/${s.maxScore})`),
    t('scores-xls-average'),
    t('scores-xls-rank'),
    t('scores-xls-letter'),
    t('scores-xls-result'),
  ]);
  ws.getRow(2).font = { bold: true };
  const byId = new Map(results.map((r) => [r.studentId, r]));
  for (const p of people) {
    const r = byId.get(p.id);
    const values = subjects.map((s) => r?.subjects.find((x) => x.subjectId === s.id)?.value ?? null);
    ws.addRow([p.rollNo, p.code, p.nameKm, ...values, r?.average ?? null, r?.rank ?? null, r?.letter ?? null, r?.passed == null ? null : t(r.passed ? 'scores-card-passed' : 'scores-card-failed')]);
  }
  ws.columns.forEach((c, i) => (c.width = i === 2 ? 24 : 12));
  await auditRead(db, input.actor, input.schoolId, 'class', input.classId, { what: 'class-sheet', period: input.period, students: people.length });
  return { bytes: Buffer.from(await book.xlsx.writeBuffer()), fileName: `results-${cls.name}-${input.period.replace(':', '')}.xlsx`, results };
}

export interface GradeSexLine {
  grade: number;
  students: number;
  girls: number;
  passed: number;
  passedGirls: number;
}

/** A school's results by grade and sex for a period (from the SQL results of every class). */
export async function schoolByGradeAndSex(database: Database, input: { schoolId: number; period: Period; actor: string }): Promise<GradeSexLine[]> {
  const plan = await currentPlan(database.db, input.schoolId);
  if (!plan) return [];
  const results = await computeResults(database, { planId: plan.id, period: input.period });
  const lines = new Map<number, GradeSexLine>();
  for (const r of results) {
    const l = lines.get(r.grade) ?? { grade: r.grade, students: 0, girls: 0, passed: 0, passedGirls: 0 };
    l.students++;
    if (r.sex === 'F') l.girls++;
    if (r.passed) {
      l.passed++;
      if (r.sex === 'F') l.passedGirls++;
    }
    lines.set(r.grade, l);
  }
  await auditRead(database.db, input.actor, input.schoolId, 'school', input.schoolId, { what: 'grade-sex', period: input.period });
  return [...lines.values()].sort((a, b) => a.grade - b.grade);
}

export interface SchoolPassLine {
  schoolId: number;
  code: string;
  nameKm: string;
  nameEn: string;
  students: number;
  passed: number;
  girls: number;
  passedGirls: number;
}

/** The province's pass rates per school for a semester or the year (counts only, no child data). */
export async function provincePassRates(database: Database, provinceId: number, period: 't1' | 't2' | 'y'): Promise<SchoolPassLine[]> {
  const list = await database.db.select({ id: schools.id, code: schools.code, nameKm: schools.nameKm, nameEn: schools.nameEn }).from(schools).where(eq(schools.provinceId, provinceId)).orderBy(asc(schools.code));
  const out: SchoolPassLine[] = [];
  for (const s of list) {
    const plan = await currentPlan(database.db, s.id);
    if (!plan) continue;
    const results = await computeResults(database, { planId: plan.id, period });
    out.push({
      schoolId: s.id,
      code: s.code,
      nameKm: s.nameKm,
      nameEn: s.nameEn,
      students: results.length,
      passed: results.filter((r) => r.passed).length,
      girls: results.filter((r) => r.sex === 'F').length,
      passedGirls: results.filter((r) => r.passed && r.sex === 'F').length,
    });
  }
  return out;
}

export interface LatestResult {
  studentId: number;
  period: Period;
  classId: number;
  result: StudentResult;
  publishedAt: Date;
}

/** Each child's latest published result (what the family was sent, corrections included). */
export async function latestFor(db: Executor, childIds: readonly number[]): Promise<LatestResult[]> {
  if (childIds.length === 0) return [];
  const rows = await db
    .select({ studentId: scorePublishedResults.studentId, result: scorePublishedResults.result, period: scorePublications.period, classId: scorePublications.classId, publishedAt: scorePublications.publishedAt })
    .from(scorePublishedResults)
    .innerJoin(scorePublications, eq(scorePublications.id, scorePublishedResults.publicationId))
    .where(inArray(scorePublishedResults.studentId, [...childIds]))
    .orderBy(desc(scorePublications.publishedAt), desc(scorePublications.id));
  const seen = new Set<number>();
  const out: LatestResult[] = [];
  for (const r of rows) {
    if (seen.has(r.studentId)) continue;
    seen.add(r.studentId);
    out.push({ studentId: r.studentId, period: r.period as Period, classId: r.classId, result: r.result as unknown as StudentResult, publishedAt: r.publishedAt });
  }
  return out;
}
