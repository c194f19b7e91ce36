/**
 * What Confirm needs to know before it saves a sheet, read in ONE query: the teacher's right to
 * that class and subject (entry-rule.ts, the rule targetsOf applies), the subject's maximum, the test in the
 * school's current plan, the draft that was previewed, the class's roster and whether the test's
 * period was published. Eight queries in three rounds before; with 50 teachers saving at once the
 * round trips were what a save waited for (scripts/bench/scores.ts).
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db/client.js';
import type { StaffMembership } from '../core/auth/actor.js';
import { findSubject, type Subject } from '../teaching/subjects.js';
import type { SheetKey, Target } from './service-entry.js';
import type { PlanAssessment } from './service-setup.js';
import { entersSubject } from './entry-rule.js';

export interface ConfirmContext {
  /** null: not this teacher's class and subject (or no such class or subject this year) */
  target: Target | null;
  /** null: not a test of the school's current plan */
  assessment: PlanAssessment | null;
  draft: Record<string, string> | null;
  /** the class's active students, in roll order */
  roster: number[];
  published: boolean;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export async function confirmContext(db: Executor, staff: StaffMembership, subjects: Map<string, Subject>, key: Omit<SheetKey, 'staffId'>): Promise<ConfirmContext> {
  const [row] = rowsOf<{
    class_id: number | null;
    class_name: string | null;
    grade: number | null;
    homeroom: number | null;
    subject_id: number | null;
    code: string | null;
    name_km: string | null;
    name_en: string | null;
    max_score: string | null;
    taught: unknown;
    assessment: unknown;
    draft: unknown;
    roster: unknown;
    published: boolean;
  }>(
    await db.execute(sql`
      select c.id as class_id, c.name as class_name, c.grade, c.homeroom_staff_id as homeroom,
             ss.id as subject_id, ss.code, ss.name_km, ss.name_en, ss.max_score,
             (select coalesce(json_agg(json_build_object('staffId', ct.staff_id, 'subject', ct.subject)), '[]'::json)
                from class_teachers ct where ct.class_id = c.id and ct.school_id = c.school_id) as taught,
             case when a.id is null then null else json_build_object('id', a.id, 'term', a.term, 'kind', a.kind, 'month', a.month, 'code', a.code, 'position', a.position, 'dueOn', a.due_on) end as assessment,
             (select d.cells from score_drafts d
               where d.staff_id = ${staff.staffId} and d.class_id = ${key.classId} and d.subject_id = ${key.subjectId} and d.assessment_id = ${key.assessmentId}) as draft,
             (select coalesce(json_agg(s.id order by s.roll_no, s.id), '[]'::json) from students s where s.class_id = c.id and s.active) as roster,
             a.id is not null and exists (select 1 from score_publications sp
               where sp.class_id = c.id and sp.period in ('m:' || a.id, 't' || a.term, 'y')) as published
        from (select ${staff.schoolId}::int as school_id) me
        left join classes c on c.id = ${key.classId} and c.school_id = me.school_id
             and c.academic_year_id in (select y.id from academic_years y where y.school_id = me.school_id and y.is_current)
        left join score_subjects ss on ss.id = ${key.subjectId} and ss.school_id = me.school_id and ss.grade = c.grade and ss.active
        left join lateral (
          select a.* from assessments a join assessment_plans p on p.id = a.plan_id join academic_years y on y.id = p.academic_year_id and y.is_current
           where a.id = ${key.assessmentId} and p.school_id = me.school_id) a on true`),
  );
  const assessment = row?.assessment ? json<PlanAssessment>(row.assessment) : null;
  const draft = row?.draft ? json<Record<string, string>>(row.draft) : null;
  const roster = row?.roster ? json<Array<number | string>>(row.roster).map(Number) : [];
  let target: Target | null = null;
  if (row?.class_id != null && row.subject_id != null) {
    const listed = json<Array<{ staffId: number; subject: string }>>(row.taught).map((t) => ({ staffId: Number(t.staffId), code: findSubject(subjects, t.subject) }));
    if (entersSubject(listed, row.homeroom == null ? null : Number(row.homeroom), staff.staffId, row.code!))
      target = {
        schoolId: staff.schoolId,
        staffId: staff.staffId,
        classId: Number(row.class_id),
        className: row.class_name!,
        grade: Number(row.grade),
        subjectId: Number(row.subject_id),
        subjectCode: row.code!,
        subjectNameKm: row.name_km!,
        subjectNameEn: row.name_en!,
        maxScore: Number(row.max_score),
      };
  }
  return { target, assessment, draft, roster, published: Boolean(row?.published) };
}
