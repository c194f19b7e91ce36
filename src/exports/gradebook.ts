/**
 * OneRoster 1.2 gradebook files from the scores capability, when the scope has scores:
 * categories (the kinds of assessment: monthly test, semester exam, …), lineItems (one per class,
 * assessment and subject that has scores, out of the subject's maximum) and results (one per
 * student and line item: the score, or "not submitted" and missing for a student absent from the
 * test). Read class batch by class batch (scores_class_idx), so memory stays one batch.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';
import { batches, csvLine } from './csv.js';
import { schoolIdIn, type ExportScope } from './scope.js';

export const GRADEBOOK_COLUMNS = {
  categories: ['sourcedId', 'status', 'dateLastModified', 'title', 'weight'],
  lineItems: ['sourcedId', 'status', 'dateLastModified', 'title', 'description', 'assignDate', 'dueDate', 'classSourcedId', 'categorySourcedId', 'gradingPeriodSourcedId', 'resultValueMin', 'resultValueMax', 'schoolSourcedId'],
  results: ['sourcedId', 'status', 'dateLastModified', 'lineItemSourcedId', 'studentSourcedId', 'scoreStatus', 'score', 'scoreDate', 'comment', 'inProgress', 'incomplete', 'late', 'missing'],
} as const;
export type GradebookFile = keyof typeof GRADEBOOK_COLUMNS;

const KINDS: Record<string, string> = { monthly: 'Monthly test', exam: 'Semester exam', regular: 'Regular assessment', midterm: 'Mid-term assessment', final: 'End-of-term assessment' };
/** classes per scores query: ~40 students × subjects × tests each */
const CLASS_BATCH = 20;

export async function scopeHasScores(database: Database, scope: ExportScope): Promise<boolean> {
  const [r] = await database.rows<{ yes: boolean }>(sql`select exists (select 1 from scores sc where ${schoolIdIn(scope, sql`sc.school_id`)}) as yes`);
  return r?.yes === true;
}

const iso = (d: unknown) => new Date(d as string).toISOString();
const score = (v: unknown) => (v === null || v === undefined ? '' : String(Number(v)));

/** Classes of the scope that have scores, CLASS_BATCH ids at a time. */
async function* classBatches(database: Database, scope: ExportScope): AsyncGenerator<number[]> {
  let batch: number[] = [];
  for await (const c of batches<{ k: number }>(database, (after) => sql`select c.id as k from classes c where c.id > ${after} and ${schoolIdIn(scope, sql`c.school_id`)} and exists (select 1 from scores sc where sc.class_id = c.id) order by c.id limit 5000`)) {
    batch.push(Number(c.k));
    if (batch.length === CLASS_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

export async function* gradebookLines(database: Database, scope: ExportScope, file: GradebookFile, stamp: string): AsyncGenerator<string> {
  yield csvLine(GRADEBOOK_COLUMNS[file]);
  if (file === 'categories') {
    for (const [kind, title] of Object.entries(KINDS)) yield csvLine([`cat-${kind}`, 'active', stamp, title, '']);
    return;
  }
  for await (const ids of classBatches(database, scope)) {
    const list = sql.raw(ids.join(','));
    if (file === 'lineItems') {
      const rows = await database.rows<Record<string, unknown>>(
        sql`select sc.class_id, sc.assessment_id, sc.subject_id, max(sc.updated_at) as modified, a.kind, a.code, a.term, a.due_on::text as due,
                   sub.name_en, sub.code as subject, sub.max_score, c.academic_year_id as year, s.code as school
              from scores sc join assessments a on a.id = sc.assessment_id join score_subjects sub on sub.id = sc.subject_id
              join classes c on c.id = sc.class_id join schools s on s.id = c.school_id
             where sc.class_id in (${list})
             group by sc.class_id, sc.assessment_id, sc.subject_id, a.kind, a.code, a.term, a.due_on, sub.name_en, sub.code, sub.max_score, c.academic_year_id, s.code
             order by sc.class_id, sc.assessment_id, sc.subject_id`,
      );
      for (const r of rows) {
        yield csvLine([
          `li-${r.class_id}-${r.assessment_id}-${r.subject_id}`, 'active', iso(r.modified), `${r.name_en} — ${r.code}`, `${KINDS[String(r.kind)] ?? r.kind}, semester ${r.term} (${r.subject})`,
          (r.due as string | null) ?? '', (r.due as string | null) ?? '', `class-${r.class_id}`, `cat-${r.kind}`, `year-${r.year}`, '0', score(r.max_score), `school-${r.school}`,
        ]);
      }
    } else {
      const rows = await database.rows<Record<string, unknown>>(
        sql`select sc.class_id, sc.assessment_id, sc.subject_id, sc.student_id, sc.value, sc.absent, sc.updated_at
              from scores sc where sc.class_id in (${list}) order by sc.class_id, sc.assessment_id, sc.subject_id, sc.student_id`,
      );
      for (const r of rows) {
        const absent = r.absent === true;
        yield csvLine([
          `res-${r.assessment_id}-${r.subject_id}-${r.student_id}`, 'active', iso(r.updated_at), `li-${r.class_id}-${r.assessment_id}-${r.subject_id}`, `student-${r.student_id}`,
          absent ? 'not submitted' : 'fully graded', absent ? '' : score(r.value), iso(r.updated_at).slice(0, 10), '', 'false', 'false', 'false', absent ? 'true' : 'false',
        ]);
      }
    }
  }
}
