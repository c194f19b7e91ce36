/**
 * Who is behind: per class and subject of a test, how many students have a score (or `ab`) and
 * who should enter it (the subject teacher `class_teachers` lists, else the homeroom teacher).
 * Reminders go only to the teachers with something missing, through the outbox, at most once a
 * day per teacher and test (as attendance reminders do); the job sends them by itself the school's
 * `remind_days_before` days before a test's due date.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../core/db/client.js';
import { academicYears, auditLog, classes, staff, telegramAccounts, type Locale } from '../core/db/schema.js';
import type { Notifier } from '../core/i18n/index.js';
import { formatNumber } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { classTeachers } from '../questions/schema.js';
import { findSubject, type Subject } from '../teaching/subjects.js';
import { assessmentLabel } from './labels.js';
import { CAPABILITY } from './service-publish.js';
import { currentPlan, type PlanAssessment } from './service-setup.js';
import { scoreSettings, scoreSubjects } from './schema.js';

export interface ProgressLine {
  classId: number;
  className: string;
  subjectId: number;
  subjectNameKm: string;
  subjectNameEn: string;
  students: number;
  entered: number;
  staffId: number | null;
}

export async function progressOf(database: Database, schoolId: number, assessmentId: number, subjects: Map<string, Subject>): Promise<ProgressLine[]> {
  const db = database.db;
  const rows = await database.rows<{ classId: number; className: string; grade: number; homeroom: number | null; subjectId: number; code: string; nameKm: string; nameEn: string; students: number; entered: number }>(sql`
    select c.id "classId", c.name "className", c.grade, c.homeroom_staff_id homeroom, ss.id "subjectId", ss.code, ss.name_km "nameKm", ss.name_en "nameEn",
           (select count(*) from students s where s.class_id = c.id and s.active)::int students,
           (select count(*) from scores x join students s on s.id = x.student_id and s.active
             where x.class_id = c.id and x.subject_id = ss.id and x.assessment_id = ${assessmentId})::int entered
      from classes c
      join academic_years ay on ay.id = c.academic_year_id and ay.is_current
      join score_subjects ss on ss.school_id = c.school_id and ss.grade = c.grade and ss.active
     where c.school_id = ${schoolId}
     order by c.grade, c.name, ss.position`);
  const taught = await db.select({ classId: classTeachers.classId, staffId: classTeachers.staffId, subject: classTeachers.subject }).from(classTeachers).where(eq(classTeachers.schoolId, schoolId));
  return rows.map((r) => {
    const listed = taught.find((t) => t.classId === r.classId && findSubject(subjects, t.subject) === r.code);
    return {
      classId: r.classId,
      className: r.className,
      subjectId: r.subjectId,
      subjectNameKm: r.nameKm,
      subjectNameEn: r.nameEn,
      students: r.students,
      entered: r.entered,
      staffId: listed?.staffId ?? r.homeroom,
    };
  });
}

export interface ReminderResult {
  teachers: number;
  /** lines with something missing and nobody on Telegram to remind */
  unreachable: number;
}

/** Reminds the teachers of the lines with missing scores; `day` (school time) names the reminder. */
export async function remindMissing(
  database: Database,
  notifier: Notifier,
  input: { schoolId: number; assessment: PlanAssessment; subjects: Map<string, Subject>; day: string; actor: string },
): Promise<ReminderResult> {
  const lines = (await progressOf(database, input.schoolId, input.assessment.id, input.subjects)).filter((l) => l.entered < l.students);
  const byStaff = new Map<number, ProgressLine[]>();
  let unreachable = 0;
  for (const l of lines) {
    if (l.staffId === null) unreachable++;
    else byStaff.set(l.staffId, [...(byStaff.get(l.staffId) ?? []), l]);
  }
  if (byStaff.size === 0) return { teachers: 0, unreachable };
  const people = await database.db
    .select({ id: staff.id, telegramUserId: staff.telegramUserId, locale: telegramAccounts.locale })
    .from(staff)
    .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, staff.telegramUserId))
    .where(and(eq(staff.schoolId, input.schoolId), sql`${staff.id} = any(${`{${[...byStaff.keys()].join(',')}}`}::int[])`));
  const messages: OutgoingMessage[] = [];
  for (const p of people) {
    const mine = byStaff.get(p.id)!;
    if (!p.telegramUserId) {
      unreachable += mine.length;
      continue;
    }
    const locale: Locale = p.locale ?? notifier.defaultLocale;
    const list = mine
      .map((l) => `• ${l.className} ${locale === 'en' ? l.subjectNameEn : l.subjectNameKm}: ${formatNumber(locale, l.students - l.entered)}`)
      .join('\n');
    messages.push({
      dedupeKey: `scores:remind:${input.assessment.id}:${p.id}:${input.day}`,
      schoolId: input.schoolId,
      capability: CAPABILITY,
      entity: 'assessment',
      entityId: input.assessment.id,
      chatId: p.telegramUserId,
      payload: { text: notifier.t(locale, 'scores-remind', { test: assessmentLabel(notifier.t.bind(notifier), locale, input.assessment), list }) },
    });
  }
  const ids = await addToOutbox(database.db, messages);
  await database.db.insert(auditLog).values({ actor: input.actor, schoolId: input.schoolId, action: 'scores.remind', entity: 'assessment', entityId: String(input.assessment.id), details: { teachers: ids.length } });
  return { teachers: ids.length, unreachable };
}

/** Tests of a school whose due date is `remind_days_before` days after `day` (the automatic reminder). */
export async function testsDueSoon(db: Executor, schoolId: number, day: string): Promise<PlanAssessment[]> {
  const plan = await currentPlan(db, schoolId);
  if (!plan) return [];
  const [settings] = await db.select().from(scoreSettings).where(eq(scoreSettings.schoolId, schoolId));
  const before = settings?.remindDaysBefore ?? 2;
  const target = new Date(Date.parse(`${day}T00:00:00Z`) + before * 86_400_000).toISOString().slice(0, 10);
  return plan.assessments.filter((a) => a.dueOn === target);
}

/** Schools with a plan this year (the job walks them). */
export async function schoolsWithPlans(db: Executor): Promise<number[]> {
  const rows = await db
    .selectDistinct({ schoolId: classes.schoolId })
    .from(classes)
    .innerJoin(academicYears, and(eq(academicYears.id, classes.academicYearId), eq(academicYears.isCurrent, true)))
    .innerJoin(scoreSubjects, eq(scoreSubjects.schoolId, classes.schoolId))
    .orderBy(asc(classes.schoolId));
  return rows.map((r) => r.schoolId);
}
