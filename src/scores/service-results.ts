/**
 * Results, computed in one set-based SQL statement that reads the plan's rule set (rules.ts) as
 * jsonb: per subject per period, the overall average on the grade's scale, rank in class, letter
 * grade, pass/fail and, for the year, the promotion proposal with the absence rule from the
 * attendance already recorded (DOMAIN.md, "Cambodia: grading": ≥ 50 % of the maximum and no more
 * than 20 unreported / 60 reported days; the limits are the rule set's `absenceLimits`).
 *
 * Periods: `m:<assessment id>` (one test, e.g. a month), `t1` / `t2` (a semester) and `y` (the
 * year). A subject's period result is, per term,
 *     Σ_kinds (pooled ? w·mean(kind) : w·Σ kind) / Σ_kinds (pooled ? w : w·n(kind))
 * — Cambodian practice: (exam + mean of monthlies)/2; Circular 22: (Σ regular + 2·mid + 3·end)/(n+5)
 * — and over terms Σ termWeight·term / Σ termWeight (Circular 22: (S1 + 2·S2)/3). The overall
 * average is scale × Σ subject results / Σ subject maxima, so a subject out of 100 counts twice one
 * out of 50 (the Cambodian coefficient); rank is competition rank (1, 2, 2, 4) on the average
 * rounded to two decimals, as printed.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Executor, Tx } from '../core/db/client.js';
type Sex = 'M' | 'F';

export type Period = `m:${number}` | 't1' | 't2' | 'y';

export function parsePeriod(text: string): Period | null {
  if (text === 't1' || text === 't2' || text === 'y') return text;
  const m = /^m:(\d+)$/.exec(text);
  return m ? (`m:${Number(m[1])}` as Period) : null;
}

export interface SubjectResult {
  subjectId: number;
  /** the period result on the subject's own maximum; null when nothing counts yet */
  value: number | null;
  max: number;
  /** cells of the period not entered yet */
  missing: number;
  /** tests of the period the student missed */
  absent: number;
}

export type Promotion = 'promote' | 'repeat-score' | 'repeat-absence';

export interface StudentResult {
  studentId: number;
  classId: number;
  sex: Sex;
  grade: number;
  scale: number;
  /** on the grade's scale (10, 50), two decimals */
  average: number | null;
  rank: number | null;
  letter: string | null;
  passed: boolean | null;
  missing: number;
  /** days of the period: absent (unreported) and excused (reported) */
  absentDays: number;
  excusedDays: number;
  /** year only */
  promotion: Promotion | null;
  subjects: SubjectResult[];
}

export interface ResultScope {
  planId: number;
  period: Period;
  /** these classes; the plan's whole school when absent */
  classIds?: number[];
}

function periodFilter(period: Period): SQL {
  if (period === 'y') return sql`true`;
  if (period === 't1' || period === 't2') return sql`a.term = ${Number(period.slice(1))}`;
  return sql`a.id = ${Number(period.slice(2))}`;
}

/** The statement alone (the benchmark times it bare). */
export function resultsQuery(scope: ResultScope): SQL {
  const classFilter = scope.classIds ? sql`and s.class_id = any(${`{${scope.classIds.join(',')}}`}::int[])` : sql``;
  return sql`
  with rs as (
    select p.id plan_id, p.school_id, p.academic_year_id, p.term2_starts_on, r.rules,
           ay.starts_on, ay.ends_on
      from assessment_plans p
      join score_rule_sets r on r.id = p.rule_set_id
      join academic_years ay on ay.id = p.academic_year_id
     where p.id = ${scope.planId}
  ),
  a as (
    select a.id, a.term, a.kind::text kind, a.month,
           (rs.rules->'kinds'->(a.kind::text)->>'weight')::numeric w,
           coalesce((rs.rules->'kinds'->(a.kind::text)->>'pooled')::boolean, false) pooled,
           (rs.rules->'termWeights'->>(a.term - 1))::numeric tw
      from assessments a join rs on rs.plan_id = a.plan_id
     where ${periodFilter(scope.period)}
  ),
  -- the period's days, for the attendance shown beside the scores
  mth as (
    select rs.*, m.mon, m.mterm,
           case when m.mon is null then null
                else make_date(extract(year from rs.starts_on)::int + case when m.mon >= extract(month from rs.starts_on) then 0 else 1 end, m.mon, 1)
           end m0
      from rs left join lateral (select a.month mon, a.term mterm from a where ${scope.period} like 'm:%' limit 1) m on true
  ),
  days as (
    select case
             when ${scope.period} in ('y', 't1') then starts_on
             when ${scope.period} = 't2' then term2_starts_on
             when m0 is not null then m0
             when mterm = 2 then term2_starts_on
             else starts_on
           end d0,
           case
             when ${scope.period} in ('y', 't2') then ends_on
             when ${scope.period} = 't1' then term2_starts_on - 1
             when m0 is not null then (m0 + interval '1 month' - interval '1 day')::date
             when mterm = 1 then term2_starts_on - 1
             else ends_on
           end d1
      from mth
  ),
  st as (
    select s.id student_id, s.class_id, s.sex, c.grade,
           (select (e->>'scale')::numeric from rs, jsonb_array_elements(rs.rules->'scales') e
             where (e->>'upTo')::int >= c.grade order by (e->>'upTo')::int limit 1) scale
      from students s
      join classes c on c.id = s.class_id
      join rs on c.academic_year_id = rs.academic_year_id
     where s.active ${classFilter}
  ),
  subj as (
    select ss.id subject_id, ss.grade, ss.max_score::numeric max_score, ss.position
      from score_subjects ss join rs on rs.school_id = ss.school_id
     where ss.active
  ),
  cell as (
    select st.student_id, subj.subject_id, subj.max_score, a.term, a.kind, a.w, a.pooled, a.tw,
           case when x.absent then case when rs.rules->>'absentAs' = 'zero' then 0 end else x.value::numeric end v,
           (x.student_id is null) missing, coalesce(x.absent, false) absent
      from st
      join subj on subj.grade = st.grade
      cross join a
      cross join rs
      left join scores x on x.assessment_id = a.id and x.subject_id = subj.subject_id and x.student_id = st.student_id
  ),
  by_kind as (
    select student_id, subject_id, max_score, term, kind, w, pooled, tw,
           avg(v) kmean, sum(v) ksum, count(v) n,
           count(*) filter (where missing) n_missing, count(*) filter (where absent) n_absent
      from cell group by 1, 2, 3, 4, 5, 6, 7, 8
  ),
  by_term as (
    select student_id, subject_id, max_score, term, tw,
           sum(case when pooled then w * kmean else w * ksum end)
             / nullif(sum(case when pooled then case when n > 0 then w else 0 end else w * n end), 0) tv,
           sum(n_missing) n_missing, sum(n_absent) n_absent
      from by_kind group by 1, 2, 3, 4, 5
  ),
  by_subject as (
    select student_id, subject_id, max_score,
           round(sum(tw * tv) / nullif(sum(case when tv is not null then tw end), 0), 2) sv,
           sum(n_missing)::int n_missing, sum(n_absent)::int n_absent
      from by_term group by 1, 2, 3
  ),
  overall as (
    select st.student_id, st.class_id, st.sex, st.grade, st.scale,
           round(st.scale * sum(b.sv) / nullif(sum(b.max_score) filter (where b.sv is not null), 0), 2) average,
           coalesce(sum(b.n_missing), 0)::int missing,
           coalesce(jsonb_agg(jsonb_build_object('subjectId', b.subject_id, 'value', b.sv, 'max', b.max_score,
                                                  'missing', b.n_missing, 'absent', b.n_absent)
                              order by subj.position, b.subject_id) filter (where b.subject_id is not null), '[]') subjects
      from st
      left join by_subject b on b.student_id = st.student_id
      left join subj on subj.subject_id = b.subject_id
     group by 1, 2, 3, 4, 5
  ),
  absences as (
    select t.student_id,
           count(distinct t.day) filter (where t.status = 'absent')::int absent_days,
           count(distinct t.day) filter (where t.status = 'excused')::int excused_days
      from attendance t, days
     where t.student_id in (select student_id from st) and t.day between days.d0 and days.d1
       and t.school_id = (select school_id from rs)
     group by 1
  )
  select o.student_id "studentId", o.class_id "classId", o.sex, o.grade, o.scale::float8 scale,
         o.average::float8 average,
         case when o.average is null then null else rank() over (partition by o.class_id order by o.average desc nulls last) end::int rank,
         case when o.average is null then null else coalesce(
           (select e->>'letter' from jsonb_array_elements(rs.rules->'letters') e
             where o.average / o.scale >= (e->>'min')::numeric order by (e->>'min')::numeric desc limit 1),
           rs.rules->>'failLetter') end letter,
         case when o.average is null then null else o.average >= (rs.rules->>'passFraction')::numeric * o.scale end passed,
         o.missing,
         coalesce(ab.absent_days, 0) "absentDays", coalesce(ab.excused_days, 0) "excusedDays",
         case when ${scope.period} <> 'y' or o.average is null then null
              when o.average < (rs.rules->>'passFraction')::numeric * o.scale then 'repeat-score'
              when coalesce(ab.absent_days, 0) > (rs.rules->'absenceLimits'->>'unreported')::int
                or coalesce(ab.excused_days, 0) > (rs.rules->'absenceLimits'->>'reported')::int then 'repeat-absence'
              else 'promote' end promotion,
         o.subjects
    from overall o
    cross join rs
    left join absences ab on ab.student_id = o.student_id
   order by o.class_id, o.student_id`;
}

interface Row extends Omit<StudentResult, 'subjects'> {
  subjects: { subjectId: number; value: string | number | null; max: string | number; missing: number; absent: number }[];
}

export async function computeResults(database: Database, scope: ResultScope, executor?: Executor): Promise<StudentResult[]> {
  const rows = executor || scope.classIds ? await database.rows<Row>(resultsQuery(scope), executor) : await wholeSchool(database, scope);
  return rows.map((r) => ({
    ...r,
    studentId: Number(r.studentId),
    average: r.average === null ? null : Number(r.average),
    subjects: r.subjects.map((s) => ({
      subjectId: s.subjectId,
      value: s.value === null ? null : Number(s.value),
      max: Number(s.max),
      missing: Number(s.missing),
      absent: Number(s.absent),
    })),
  }));
}

/**
 * A whole school's results group every cell of every student (2,000 students × 12 subjects × 6
 * tests: 144,000 rows, then 96,000 and 48,000 groups). The planner cannot see through the CTEs
 * that many groups come (it expects ~2,000) and, with the default 4 MB of work_mem, its hash
 * aggregates spilled ~100 MB of temporary files in 21 batches per run. This query alone gets the
 * memory to keep them (~50 MB used; SET LOCAL: its own transaction, no other query's). On this
 * machine's page cache the time stayed about the same (the aggregation is CPU); on a server
 * whose temporary files reach the disk it is 100 MB of writes less for each whole-school report.
 */
async function wholeSchool(database: Database, scope: ResultScope): Promise<Row[]> {
  if (database.kind !== 'postgres') return database.rows<Row>(resultsQuery(scope));
  return withResultsMemory(database, (tx) => database.rows<Row>(resultsQuery(scope), tx));
}

/** Runs `fn` in a transaction whose work_mem is the whole-school results query's (the benchmark's bare query runs so too). */
export function withResultsMemory<T>(database: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    return fn(tx);
  });
}
