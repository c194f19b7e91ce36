/**
 * The principal's view of a school's questions: what is open and overdue, and each teacher's
 * response times.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Named } from './render.js';
import { getQuestionRules } from './service-rules.js';
import { SUMMARY_COLUMNS, SUMMARY_FROM, summaries, type ThreadSummary } from './service-threads.js';

export interface TeacherStats extends Named {
  staffId: number;
  open: number;
  overdue: number;
  answered: number;
  avgSeconds: number | null;
  medianSeconds: number | null;
}

export interface SchoolOverview {
  open: number;
  overdue: number;
  oldest: ThreadSummary[];
  teachers: TeacherStats[];
  answerWithinHours: number;
}

/**
 * The principal's view: open questions across the school (longest waiting first) and, per
 * teacher, open and overdue counts and response times over the last 30 days. Audited.
 */
export async function schoolOverview(db: Db, actor: Actor, schoolId: number, now: Date, limit = 15): Promise<SchoolOverview> {
  const at = now.toISOString();
  const [oldestRows, statRows, rules] = await Promise.all([
    db.execute(sql`select ${SUMMARY_COLUMNS}, count(*) over () as total, count(*) filter (where t.due_at <= ${at}::timestamptz) over () as overdue
                     from ${SUMMARY_FROM} where t.school_id = ${schoolId} and t.status = 'open'
                    order by t.awaiting_since, t.id limit ${limit}`),
    db.execute(sql`
      with answers as (
        select t.staff_id, m.response_seconds from question_messages m join question_threads t on t.id = m.thread_id
         where t.school_id = ${schoolId} and m.author = 'staff' and m.response_seconds is not null
           and m.created_at > ${at}::timestamptz - interval '30 days'),
      waiting as (
        select staff_id, count(*) as open, count(*) filter (where due_at <= ${at}::timestamptz) as overdue
          from question_threads where school_id = ${schoolId} and status = 'open' group by staff_id),
      people as (select staff_id from answers union select staff_id from waiting)
      select p.staff_id, st.name_km, st.name_en,
             coalesce(w.open, 0) as open, coalesce(w.overdue, 0) as overdue,
             (select count(*) from answers a where a.staff_id = p.staff_id) as answered,
             (select avg(a.response_seconds) from answers a where a.staff_id = p.staff_id) as avg_seconds,
             (select percentile_cont(0.5) within group (order by a.response_seconds) from answers a where a.staff_id = p.staff_id) as median_seconds
        from people p join staff st on st.id = p.staff_id left join waiting w on w.staff_id = p.staff_id
       order by coalesce(w.overdue, 0) desc, st.name_km`),
    getQuestionRules(db, schoolId),
  ]);
  const oldest = rowsOf<Record<string, unknown>>(oldestRows);
  await audit(db, { actor: actorOf(actor.telegramUserId), schoolId, action: 'question.overview', details: { open: oldest.length ? Number(oldest[0]!.total) : 0 } });
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
  return {
    open: oldest.length ? Number(oldest[0]!.total) : 0,
    overdue: oldest.length ? Number(oldest[0]!.overdue) : 0,
    oldest: summaries(oldest),
    answerWithinHours: rules.answerWithinHours,
    teachers: rowsOf<Record<string, unknown>>(statRows).map((r) => ({
      staffId: Number(r.staff_id),
      nameKm: String(r.name_km),
      nameEn: (r.name_en as string | null) ?? null,
      open: Number(r.open),
      overdue: Number(r.overdue),
      answered: Number(r.answered),
      avgSeconds: num(r.avg_seconds),
      medianSeconds: num(r.median_seconds),
    })),
  };
}
