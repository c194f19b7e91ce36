/**
 * Synthetic schools for benchmarks, generated in the database (generate_series, INSERT … SELECT),
 * never row by row from Node: provinces, schools BENCH-00001…, the current academic year, classes
 * (grades 1-12, sections A, B, …; first half morning, second half afternoon), a homeroom teacher
 * per class, students (sex alternating), and for the month's first `days` school days (the
 * school week, Monday–Saturday by default) one attendance row per student and day plus one
 * class_submissions row per class-day.
 *
 * Marks are deterministic (hashint8extended of ids and the day's index: same calls on a fresh
 * database give the same data): ~92 % present, 3 % late, 2 % excused, 3 % absent, 1 student in
 * 50 also absent four school days in a row (days 6-9, a chronic case), and ~2 % of class-days
 * not submitted at all (no marks, no submission). The month's remaining school-week days are
 * entered as holidays (school_calendar), so the calendar of the month has exactly `days`
 * school days and a monthly report finds no phantom "not submitted" days at the end.
 *
 * Attendance is inserted one school day per statement (all schools at once, as production
 * fills it: day after day), two statements at a time on this 2-core machine.
 *
 * CLI: `npx tsx scripts/bench/synthetic.ts [--schools 1000] [--students 300] [--class-size 40]
 * [--month 2026-10] [--days 22] [--keep]` seeds a fresh test database and prints the timings.
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/core/db/client.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { academicYearFor } from '../../src/schools/service.js';

export interface SeedOptions {
  schools: number;
  studentsPerSchool: number;
  classSize: number;
  /** YYYY-MM */
  month: string;
  /** school days with marks, from the first of the month */
  days?: number;
  /** 1: every class in the morning; 2: first half of the classes morning, second half afternoon */
  shifts?: 1 | 2;
  provinceCode?: string;
  /** number of the first school code (BENCH-00001 by default), to seed more schools in a second call */
  firstSchool?: number;
  /** ISO weekdays of the school week (the default calendar: Monday–Saturday) */
  weekDays?: number[];
  /** enter the month's other school-week days as holidays (default true) */
  holidaysForRest?: boolean;
  /** statements run at once for the attendance days (default 2) */
  concurrency?: number;
  /** VACUUM ANALYZE the filled tables at the end, as autovacuum would (default true) */
  vacuum?: boolean;
  /** progress lines on stderr */
  log?: (line: string) => void;
}

export interface SeedResult {
  schoolIds: number[];
  days: string[];
  holidays: string[];
  classes: number;
  students: number;
  attendanceRows: number;
  submissions: number;
  missingClassDays: number;
  /** seconds per phase and in total */
  timings: Record<string, number>;
  seconds: number;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The first `count` days of `month` that fall on `weekDays`, and the month's other such days. */
export function monthSchoolDays(month: string, count: number, weekDays = [1, 2, 3, 4, 5, 6]): { days: string[]; rest: string[] } {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`month must be YYYY-MM, got ${month}`);
  const all: string[] = [];
  for (let d = new Date(`${month}-01T00:00:00Z`); d.toISOString().slice(0, 7) === month; d.setUTCDate(d.getUTCDate() + 1)) {
    const iso = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    if (weekDays.includes(iso)) all.push(d.toISOString().slice(0, 10));
  }
  if (count > all.length) throw new Error(`${month} has only ${all.length} school-week days, asked for ${count}`);
  return { days: all.slice(0, count), rest: all.slice(count) };
}

const KM_GIVEN = ['សុខា', 'ដារ៉ា', 'សុភា', 'វិចិត្រ', 'ចាន់ធី', 'រតនា', 'សំណាង', 'បុប្ផា', 'វណ្ណា', 'ស្រីពៅ', 'ពិសិដ្ឋ', 'គន្ធា'];
const KM_FAMILY = ['សុខ', 'ចាន់', 'ហេង', 'លី', 'ម៉ៅ', 'កែវ', 'អ៊ុំ', 'ស៊ុន', 'ញឹម', 'ពៅ'];
const EN_GIVEN = ['Sokha', 'Dara', 'Sophea', 'Vichet', 'Chanthy', 'Rathana', 'Samnang', 'Bopha', 'Vanna', 'Sreypov', 'Piseth', 'Kunthea'];
const EN_FAMILY = ['Sok', 'Chan', 'Heng', 'Ly', 'Mao', 'Keo', 'Um', 'Sun', 'Nhim', 'Pov'];

function textArray(values: string[]): ReturnType<typeof sql.raw> {
  return sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`);
}

function dateArray(days: string[]): ReturnType<typeof sql.raw> {
  for (const d of days) if (!DAY_RE.test(d)) throw new Error(`bad day ${d}`);
  return sql.raw(`'{${days.join(',')}}'::date[]`);
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function seedSchools(database: Database, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  let mark = started;
  const phase = (name: string) => {
    const now = performance.now();
    timings[name] = (now - mark) / 1000;
    mark = now;
    opts.log?.(`  ${name}: ${timings[name]!.toFixed(1)} s`);
  };
  const { db } = database;
  const schoolsN = Math.trunc(opts.schools);
  const perSchool = Math.trunc(opts.studentsPerSchool);
  const classSize = Math.trunc(opts.classSize);
  const classesPerSchool = Math.ceil(perSchool / classSize);
  const shifts = opts.shifts ?? 2;
  const morningClasses = shifts === 2 ? Math.ceil(classesPerSchool / 2) : classesPerSchool;
  const { days, rest } = monthSchoolDays(opts.month, opts.days ?? 22, opts.weekDays);
  const holidays = opts.holidaysForRest === false ? [] : rest;
  const province = opts.provinceCode ?? 'PP';
  const first = Math.trunc(opts.firstSchool ?? 1);
  const year = academicYearFor(new Date(`${opts.month}-15T00:00:00Z`));

  await ensurePartitions(db, `${opts.month}-01`);

  // --- places --------------------------------------------------------------------------------
  await database.rows(sql`insert into provinces (code, name_km, name_en) values (${province}, ${province}, ${province}) on conflict (code) do nothing`);
  const ids = await database.rows<{ id: number }>(
    sql`insert into schools (code, name_km, name_en, province_id)
        select 'BENCH-' || lpad(i::text, 5, '0'), 'សាលាបឋមសិក្សា និងអនុវិទ្យាល័យ ' || i, 'Bench School ' || i, p.id
          from generate_series(${first}::int, ${first + schoolsN - 1}::int) i, provinces p
         where p.code = ${province}
         order by i
        returning id`,
  );
  const schoolIds = ids.map((r) => Number(r.id)).sort((a, b) => a - b);
  const lo = schoolIds[0]!;
  const hi = schoolIds[schoolIds.length - 1]!;
  await database.rows(
    sql`insert into academic_years (school_id, name, starts_on, ends_on, is_current)
        select id, ${year.name}, ${year.startsOn}::date, ${year.endsOn}::date, true from schools where id between ${lo} and ${hi}`,
  );
  if (holidays.length) {
    await database.rows(
      sql`insert into school_calendar (school_id, day, kind, note)
          select s.id, d, 'holiday', 'bench' from schools s, unnest(${dateArray(holidays)}) d where s.id between ${lo} and ${hi}`,
    );
  }
  phase('schools');

  // --- classes and their homeroom teachers ---------------------------------------------------
  await database.rows(
    sql`insert into classes (school_id, academic_year_id, name, grade, section, shift)
        select ay.school_id, ay.id, (k % 12 + 1)::text || sec, k % 12 + 1, sec,
               (case when k < ${morningClasses}::int then 'morning' else 'afternoon' end)::shift
          from academic_years ay
         cross join generate_series(0, ${classesPerSchool - 1}::int) k
         cross join lateral (select case when k / 12 < 26 then chr(65 + k / 12) else chr(65 + (k / 12) % 26) || (k / 12 / 26)::text end as sec) x
         where ay.school_id between ${lo} and ${hi} and ay.is_current
         order by ay.school_id, k`,
  );
  await database.rows(
    sql`insert into staff (school_id, staff_code, name_km, name_en, sex, phone)
        select c.school_id, 'T-' || c.name,
               'គ្រូ ' || (${textArray(KM_FAMILY)})[1 + c.id % 10] || ' ' || (${textArray(KM_GIVEN)})[1 + c.id % 12],
               'Teacher ' || (${textArray(EN_FAMILY)})[1 + c.id % 10] || ' ' || (${textArray(EN_GIVEN)})[1 + c.id % 12],
               (case when c.id % 3 = 0 then 'M' else 'F' end)::sex, '+85512' || lpad(c.id::text, 6, '0')
          from classes c where c.school_id between ${lo} and ${hi}
         order by c.id`,
  );
  await database.rows(
    sql`update classes c set homeroom_staff_id = t.id
          from staff t where t.school_id = c.school_id and t.staff_code = 'T-' || c.name and c.school_id between ${lo} and ${hi}`,
  );
  await database.rows(
    sql`insert into staff_roles (staff_id, school_id, role) select id, school_id, 'teacher' from staff where school_id between ${lo} and ${hi}`,
  );
  phase('classes');

  // --- students ------------------------------------------------------------------------------
  await database.rows(
    sql`insert into students (school_id, student_code, name_km, name_en, sex, date_of_birth, class_id, roll_no)
        select c.school_id, 'S' || lpad(j::text, 5, '0'),
               (${textArray(KM_FAMILY)})[1 + j % 10] || ' ' || (${textArray(KM_GIVEN)})[1 + (j / 10) % 12],
               (${textArray(EN_FAMILY)})[1 + j % 10] || ' ' || (${textArray(EN_GIVEN)})[1 + (j / 10) % 12],
               (case when j % 2 = 1 then 'M' else 'F' end)::sex,
               make_date(2020 - c.grade, 1 + j % 12, 1 + j % 28), c.id, r
          from (select id, school_id, grade, row_number() over (partition by school_id order by id) - 1 as k
                  from classes where school_id between ${lo} and ${hi}) c
         cross join generate_series(1, ${classSize}::int) r
         cross join lateral (select (c.k * ${classSize}::int + r)::int as j) n
         where j <= ${perSchool}::int
         order by c.school_id, c.id, r`,
  );
  phase('students');

  // --- attendance: one statement per school day, two at a time ---------------------------------
  const dayList = days.map((day, i) => ({ day, idx: i + 1 }));
  await pool(dayList, opts.concurrency ?? 2, async ({ day, idx }) => {
    await database.rows(
      sql`insert into attendance (student_id, day, shift, school_id, class_id, status, arrived_at, excuse_reason, source, marked_by, updated_at)
          select s.id, ${day}::date, c.shift, s.school_id, s.class_id, m.status,
                 case when m.status = 'late' then case when c.shift = 'morning' then '07:' else '13:' end || lpad((5 + m.r % 40)::text, 2, '0') end,
                 case when m.status = 'excused' then (case when m.r % 3 = 0 then 'family' else 'sick' end)::excuse_reason end,
                 'teacher', 'tg:' || (7000000 + c.id), ${day}::date + time '07:40'
            from students s
            join classes c on c.id = s.class_id
           cross join lateral (select ((hashint8extended(s.id, ${idx}::int) % 1000) + 1000) % 1000 as r) h
           cross join lateral (select (case
                     when s.id % 50 = 7 and ${idx}::int between 6 and 9 then 'absent'
                     when h.r < 920 then 'present'
                     when h.r < 950 then 'late'
                     when h.r < 970 then 'excused'
                     else 'absent' end)::attendance_status as status, h.r) m
           where s.school_id between ${lo} and ${hi} and s.active
             and ((hashint8extended(c.id, 1000 + ${idx}::int) % 100) + 100) % 100 >= 2
           order by s.school_id, s.class_id, s.id`,
    );
    opts.log?.(`    attendance ${day} done`);
  });
  phase('attendance');

  // --- submissions: one per class-day that has marks, with the counts the bot stores ----------
  await pool(dayList, opts.concurrency ?? 2, async ({ day }) => {
    await database.rows(
      sql`insert into class_submissions (school_id, class_id, day, shift, via, submitted_by, submitted_by_staff_id, first_submitted_at, submitted_at, counts)
          select a.school_id, a.class_id, a.day, a.shift, 'teacher', 'tg:' || (7000000 + a.class_id), min(c.homeroom_staff_id),
                 (a.day + time '07:40') at time zone 'Asia/Phnom_Penh', (a.day + time '07:40') at time zone 'Asia/Phnom_Penh',
                 jsonb_build_object(
                   'present', count(*) filter (where a.status = 'present'), 'absent', count(*) filter (where a.status = 'absent'),
                   'late', count(*) filter (where a.status = 'late'), 'excused', count(*) filter (where a.status = 'excused'),
                   'presentF', count(*) filter (where a.status = 'present' and s.sex = 'F'), 'absentF', count(*) filter (where a.status = 'absent' and s.sex = 'F'),
                   'lateF', count(*) filter (where a.status = 'late' and s.sex = 'F'), 'excusedF', count(*) filter (where a.status = 'excused' and s.sex = 'F'),
                   'total', count(*), 'totalF', count(*) filter (where s.sex = 'F'))
            from attendance a
            join students s on s.id = a.student_id
            join classes c on c.id = a.class_id
           where a.day = ${day}::date and a.school_id between ${lo} and ${hi}
           group by a.school_id, a.class_id, a.day, a.shift
           order by a.school_id, a.class_id`,
    );
  });
  phase('submissions');

  if (opts.vacuum !== false) {
    const part = `attendance_${opts.month.replace('-', '_')}`;
    for (const table of [part, 'students', 'classes', 'staff', 'class_submissions', 'school_calendar', 'schools', 'academic_years']) {
      await database.rows(sql.raw(`vacuum analyze ${table}`));
    }
    phase('vacuum analyze');
  }

  const [counts] = await database.rows<{ classes: number; students: number; rows: string; subs: number }>(
    sql`select (select count(*)::int from classes where school_id between ${lo} and ${hi}) as classes,
               (select count(*)::int from students where school_id between ${lo} and ${hi}) as students,
               (select count(*) from attendance where school_id between ${lo} and ${hi} and day = any(${dateArray(days)})) as rows,
               (select count(*)::int from class_submissions where school_id between ${lo} and ${hi} and day = any(${dateArray(days)})) as subs`,
  );
  phase('count');
  const classesN = Number(counts!.classes);
  return {
    schoolIds,
    days,
    holidays,
    classes: classesN,
    students: Number(counts!.students),
    attendanceRows: Number(counts!.rows),
    submissions: Number(counts!.subs),
    missingClassDays: classesN * days.length - Number(counts!.subs),
    timings,
    seconds: (performance.now() - started) / 1000,
  };
}

// --- CLI -------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
  };
  const { createTestDatabase } = await import('../../test/support/db.js');
  const database = await createTestDatabase({ max: 10 });
  const keep = args.includes('--keep');
  try {
    const opts: SeedOptions = {
      schools: Number(arg('schools', '1000')),
      studentsPerSchool: Number(arg('students', '300')),
      classSize: Number(arg('class-size', '40')),
      month: arg('month', '2026-10'),
      days: Number(arg('days', '22')),
      shifts: 2,
      provinceCode: 'PP',
      log: (line) => console.error(line),
    };
    console.error(`seeding ${opts.schools} schools × ${opts.studentsPerSchool} students × ${opts.days} days into ${database.url}`);
    const r = await seedSchools(database, opts);
    const [size] = await database.rows<{ size: string }>(sql`select pg_size_pretty(pg_total_relation_size(${`attendance_${opts.month.replace('-', '_')}`}::regclass)) as size`);
    console.log(
      `seeded ${r.schoolIds.length} schools, ${r.classes} classes, ${r.students} students, ${r.attendanceRows} attendance rows ` +
        `(${size!.size} with indexes), ${r.submissions} submissions (${r.missingClassDays} class-days missing) in ${r.seconds.toFixed(1)} s ` +
        `(${Math.round(r.attendanceRows / r.seconds).toLocaleString('en-US')} rows/s overall)`,
    );
    console.log(`phases: ${Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`);
  } finally {
    if (keep) {
      console.log(`kept ${database.url}`);
      await database.close();
    } else await database.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
