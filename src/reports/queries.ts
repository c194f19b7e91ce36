/**
 * Report data, computed in the database with set-based SQL (group by there, not loops here).
 * Every query is bounded by school and day range, so Postgres reads only the month partitions
 * of `attendance` the period touches, through the (school_id, day, shift) index.
 */
import { sql, type SQL } from 'drizzle-orm';
import { currentYearJoin } from '../core/db/years.js';
import type { Database, Executor } from '../core/db/client.js';
import type { Shift } from '../core/db/schema.js';
import type { Breakdown, ClassLine, DayLine, MissingLine, SchoolReport, StudentLine } from './model.js';

export interface ReportScope {
  schoolId: number;
  from: string;
  to: string;
  kind: SchoolReport['kind'];
  period: string;
  /** only these classes (a teacher's report); all classes when absent */
  classIds?: number[];
  /** days after this one are not counted as "not submitted" (they have not happened yet) */
  today: string;
}

const ZERO: Breakdown = { present: 0, absent: 0, late: 0, excused: 0, total: 0, presentF: 0, absentF: 0, lateF: 0, excusedF: 0, totalF: 0 };

export function rateOf(b: Pick<Breakdown, 'present' | 'late' | 'total'>): number | null {
  return b.total > 0 ? (b.present + b.late) / b.total : null;
}

/**
 * The columns of a Breakdown (see model.ts): marks by status, all and girls. `status` and `sex`
 * name columns of the query (trusted identifiers, never user input); count(status) skips the
 * nulls of an outer join.
 */
export function breakdownColumns(status: string, sex: string): SQL {
  const s = sql.raw(status);
  const f = sql.raw(`${sex} = 'F'`);
  return sql`count(${s}) filter (where ${s} = 'present')::int as present,
             count(${s}) filter (where ${s} = 'absent')::int as absent,
             count(${s}) filter (where ${s} = 'late')::int as late,
             count(${s}) filter (where ${s} = 'excused')::int as excused,
             count(${s})::int as total,
             count(${s}) filter (where ${s} = 'present' and ${f})::int as "presentF",
             count(${s}) filter (where ${s} = 'absent' and ${f})::int as "absentF",
             count(${s}) filter (where ${s} = 'late' and ${f})::int as "lateF",
             count(${s}) filter (where ${s} = 'excused' and ${f})::int as "excusedF",
             count(${s}) filter (where ${f})::int as "totalF"`;
}

/** Numbers of a row into a Breakdown. */
export function breakdownOf(r: Record<string, unknown>): Breakdown {
  const num = (v: unknown) => Number(v ?? 0);
  return {
    present: num(r.present),
    absent: num(r.absent),
    late: num(r.late),
    excused: num(r.excused),
    total: num(r.total),
    presentF: num(r.presentF),
    absentF: num(r.absentF),
    lateF: num(r.lateF),
    excusedF: num(r.excusedF),
    totalF: num(r.totalF),
  };
}

function intArray(ids: number[]): SQL {
  return sql.raw(`'{${ids.map((i) => Math.trunc(i)).join(',')}}'::int[]`);
}

/** The school days of a period: the school's week, minus holidays, plus extra school days. */
export async function schoolDays(database: Database, schoolId: number, from: string, to: string, ex?: Executor): Promise<string[]> {
  const rows = await database.rows<{ day: string }>(
    sql`select to_char(d, 'YYYY-MM-DD') as day
          from generate_series(${from}::date, ${to}::date, interval '1 day') d
         where coalesce(
                 (select k.kind = 'school-day' from school_calendar k where k.school_id = ${schoolId} and k.day = d::date),
                 coalesce((select w.week_days from attendance_settings w where w.school_id = ${schoolId}), '{1,2,3,4,5,6}'::smallint[])
                   @> array[extract(isodow from d)::smallint])
         order by d`,
    ex,
  );
  return rows.map((r) => r.day);
}

export async function buildSchoolReport(database: Database, scope: ReportScope): Promise<SchoolReport> {
  const [school] = await database.rows<{ code: string; nameKm: string; nameEn: string }>(
    sql`select code, name_km as "nameKm", name_en as "nameEn" from schools where id = ${scope.schoolId}`,
  );
  if (!school) throw new Error(`no school ${scope.schoolId}`);
  const days = await schoolDays(database, scope.schoolId, scope.from, scope.to);
  const classFilter = scope.classIds ? sql`and c.id = any(${intArray(scope.classIds)})` : sql``;
  const dayList = sql.raw(`'{${days.join(',')}}'::date[]`);

  // One pass over the period's marks, grouped by class, with the sex split.
  const classRows = await database.rows<Record<string, string | number | null>>(
    sql`with marks as (
          select a.class_id, a.status, s.sex
            from attendance a join students s on s.id = a.student_id
           where a.school_id = ${scope.schoolId} and a.day between ${scope.from}::date and ${scope.to}::date
             and a.day = any(${dayList}))
        select c.id, c.name as "className", c.shift,
               (select count(*)::int from students s where s.class_id = c.id and s.active) as students,
               (select count(*)::int from students s where s.class_id = c.id and s.active and s.sex = 'F') as "studentsF",
               (select count(*)::int from class_submissions cs
                 where cs.class_id = c.id and cs.day = any(${dayList})) as "submittedDays",
               ${breakdownColumns('m.status', 'm.sex')}
          from classes c
          ${currentYearJoin('c')}
          left join marks m on m.class_id = c.id
         where c.school_id = ${scope.schoolId} ${classFilter}
         group by c.id
         order by c.shift, c.grade, c.section`,
  );
  const num = (v: unknown) => Number(v ?? 0);
  const classes: ClassLine[] = classRows.map((r) => {
    const counts = breakdownOf(r);
    return {
      className: String(r.className),
      shift: r.shift as Shift,
      students: num(r.students),
      studentsF: num(r.studentsF),
      submittedDays: num(r.submittedDays),
      schoolDays: days.length,
      counts,
      rate: rateOf(counts),
    };
  });
  const classIds = classRows.map((r) => Number(r.id));
  const totals = classes.reduce<Breakdown>((acc, c) => {
    const out = { ...acc };
    for (const k of Object.keys(ZERO) as Array<keyof Breakdown>) out[k] += c.counts[k];
    return out;
  }, ZERO);

  const inClasses = classIds.length ? intArray(classIds) : sql.raw(`'{}'::int[]`);

  // Per student: counts and the longest run of consecutive school days absent (gaps and islands
  // over the school-day index, so a weekend or a holiday does not break a run).
  const studentRows = await database.rows<Record<string, string | number | null>>(
    sql`with sd as (select d as day, row_number() over (order by d) as idx from unnest(${dayList}) d),
        marks as (
          select a.student_id, a.status, sd.idx
            from attendance a join sd on sd.day = a.day
           where a.school_id = ${scope.schoolId} and a.day between ${scope.from}::date and ${scope.to}::date
             and a.class_id = any(${inClasses})),
        runs as (
          select student_id, count(*) as len
            from (select student_id, idx - row_number() over (partition by student_id order by idx) as grp
                    from marks where status = 'absent') x
           group by student_id, grp),
        longest as (select student_id, max(len)::int as len from runs group by student_id)
        select s.student_code as code, s.name_km as "nameKm", s.name_en as "nameEn", s.sex, c.name as "className",
               count(m.status) filter (where m.status = 'present')::int as present,
               count(m.status) filter (where m.status = 'absent')::int as absent,
               count(m.status) filter (where m.status = 'late')::int as late,
               count(m.status) filter (where m.status = 'excused')::int as excused,
               count(m.status)::int as days,
               coalesce(max(l.len), 0)::int as "maxConsecutiveAbsent",
               s.roll_no as roll,
               coalesce(json_object_agg(m.idx, m.status) filter (where m.status is not null), '{}'::json) as "byDay"
          from students s
          join classes c on c.id = s.class_id
          left join marks m on m.student_id = s.id
          left join longest l on l.student_id = s.id
         where s.school_id = ${scope.schoolId} and s.class_id = any(${inClasses})
         group by s.id, c.id
        -- a student who has left (or moved school) since keeps the period's marks in the report
        having s.active or count(m.status) > 0
         order by c.shift, c.grade, c.section, s.roll_no, s.id`,
  );
  const students: StudentLine[] = studentRows.map((r) => {
    const present = num(r.present);
    const absent = num(r.absent);
    const late = num(r.late);
    const excused = num(r.excused);
    const daysMarked = num(r.days);
    const maxRun = num(r.maxConsecutiveAbsent);
    const byDay = (typeof r.byDay === 'string' ? JSON.parse(r.byDay) : (r.byDay ?? {})) as Record<string, string>;
    return {
      code: String(r.code),
      nameKm: String(r.nameKm),
      nameEn: r.nameEn === null ? null : String(r.nameEn),
      sex: r.sex as 'M' | 'F',
      className: String(r.className),
      present,
      absent,
      late,
      excused,
      days: daysMarked,
      rate: daysMarked > 0 ? (present + late) / daysMarked : null,
      maxConsecutiveAbsent: maxRun,
      // The share rule needs a month-like span: on a day or two, one absence would be "10 %".
      chronic: maxRun >= 3 || (daysMarked >= 10 && absent / daysMarked >= 0.1),
      roll: r.roll === null ? null : num(r.roll),
      register: days.map((_d, i) => (byDay[String(i + 1)] as NonNullable<StudentLine['register']>[number] | undefined) ?? null),
    };
  });

  const dailyRows = await database.rows<Record<string, string | number>>(
    sql`select to_char(a.day, 'YYYY-MM-DD') as day, c.name as "className", c.shift,
               count(*) filter (where a.status = 'present')::int as present,
               count(*) filter (where a.status = 'absent')::int as absent,
               count(*) filter (where a.status = 'late')::int as late,
               count(*) filter (where a.status = 'excused')::int as excused
          from attendance a join classes c on c.id = a.class_id
         where a.school_id = ${scope.schoolId} and a.day between ${scope.from}::date and ${scope.to}::date
           and a.day = any(${dayList}) and a.class_id = any(${inClasses})
         group by a.day, c.id
         order by a.day, c.shift, c.grade, c.section`,
  );
  const daily: DayLine[] = dailyRows.map((r) => ({
    day: String(r.day),
    className: String(r.className),
    shift: r.shift as Shift,
    present: num(r.present),
    absent: num(r.absent),
    late: num(r.late),
    excused: num(r.excused),
  }));

  const missingRows = await database.rows<Record<string, string | null>>(
    sql`select to_char(d, 'YYYY-MM-DD') as day, c.name as "className", c.shift, t.name_km as teacher
          from unnest(${dayList}) d
          cross join classes c
          left join staff t on t.id = c.homeroom_staff_id
         where c.id = any(${inClasses}) and d <= ${scope.today}::date
           and not exists (select 1 from class_submissions cs where cs.class_id = c.id and cs.day = d and cs.shift = c.shift)
         order by d, c.shift, c.grade, c.section`,
  );
  const notSubmitted: MissingLine[] = missingRows.map((r) => ({ day: String(r.day), className: String(r.className), shift: r.shift as Shift, teacher: r.teacher ?? null }));

  return {
    kind: scope.kind,
    school,
    from: scope.from,
    to: scope.to,
    period: scope.period,
    schoolDays: days,
    classes,
    totals,
    rate: rateOf(totals),
    students,
    daily,
    notSubmitted,
  };
}
