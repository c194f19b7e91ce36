/**
 * Teaching hours at scale, on real Postgres:
 * 1. the monthly report of a 100-teacher school (a month of its lesson book: 26 school days ×
 *    600 lessons, mostly confirmed, some not taught, some unconfirmed, some covered): computed,
 *    charted, written as a workbook and stored — what the worker does for /hours. Baseline: one
 *    bare aggregate of the same month's rows.
 * 2. the province roll-up over 1,000 schools (synthetic.ts schools, 12 classes each, 5 lessons a
 *    class a day over 22 school days ≈ 1.3 M lessons): share delivered per school, the schools to
 *    call, the workbook. Baseline: the bare per-school aggregate.
 */
import { sql } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { writeLessons } from '../../src/teaching/lessons.js';
import { hoursReport } from '../../src/teaching/hours.js';
import { makeHoursReport, makeRollup } from '../../src/teaching/hours-service.js';
import { schoolDaysBetween } from '../../src/teaching/calendar.js';
import { createTestDatabase } from '../../test/support/db.js';
import { seedSchools } from './synthetic.js';
import { importBenchTimetable, seedTeachingSchool } from './teaching-school.js';
import type { Bench, BenchResult } from './types.js';
import { fmt, int, timed } from './types.js';

const SCHOOLS = Number(process.env.BENCH_HOURS_SCHOOLS ?? 1000);
const TEACHERS = 100;
const MONTH = '2026-10';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const bench: Bench = {
  name: 'teaching-hours',
  description: `monthly hours of a ${TEACHERS}-teacher school; province roll-up of ${SCHOOLS} schools`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: 10 });
    try {
      const { db } = database;
      const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
      // 1. A 100-teacher school's October.
      const { schoolId, workbook } = await seedTeachingSchool(database, notifier, { code: 'TH', teachers: TEACHERS });
      const imported = await importBenchTimetable(database, notifier, schoolId, workbook, `${MONTH}-01`);
      if (!imported.ok) throw new Error('timetable refused');
      const days = await schoolDaysBetween(db, schoolId, `${MONTH}-01`, `${MONTH}-31`);
      for (const day of days) await writeLessons(db, { schoolId, day, timezone: 'Asia/Phnom_Penh' });
      await database.rows(sql`
        update lessons x set
          status = (case when h.r < 30 then 'not-taught' else 'taught' end)::lesson_status,
          reason = (case when h.r < 10 then 'teacher-absent' when h.r < 20 then 'school-event' when h.r < 30 then 'other' end)::lesson_reason,
          staff_id = case when h.r between 30 and 39 then (select min(id) from staff where school_id = x.school_id and id <> x.planned_staff_id and staff_code like 'B%') else x.staff_id end,
          covered = h.r between 30 and 39,
          confirmed_at = case when h.r < 950 then x.day + time '11:05' end,
          confirmed_by = case when h.r < 950 then 'bench' end
          from (select id, ((hashint8extended(id, 7) % 1000) + 1000) % 1000 as r from lessons where school_id = ${schoolId}) h
         where h.id = x.id`);
      await database.rows(sql`analyze lessons`);
      const [month] = await database.rows<{ n: number }>(sql`select count(*)::int as n from lessons where school_id = ${schoolId}`);
      const today = '2026-11-05';
      const bareTimes: number[] = [];
      const computeTimes: number[] = [];
      const fullTimes: number[] = [];
      let pngBytes = 0;
      for (let i = 0; i < 4; i++) {
        bareTimes.push(await timed(() => database.rows(sql`select planned_staff_id, count(*), count(*) filter (where status = 'taught' and confirmed_at is not null) from lessons where school_id = ${schoolId} and day between '2026-10-01' and '2026-10-31' group by 1`)));
        computeTimes.push(await timed(() => hoursReport(db, { schoolId, month: MONTH, today })));
        fullTimes.push(
          await timed(async () => {
            const r = await makeHoursReport(db, { schoolId, month: MONTH, locale: 'km', today }, notifier);
            const [row] = await database.rows<{ n: number }>(sql`select octet_length(png)::int as n from hours_reports where id = ${r.id}`);
            pngBytes = Number(row!.n);
          }),
        );
      }
      const reportMs = median(fullTimes.slice(1));
      const computeMs = median(computeTimes.slice(1));

      // 2. The province.
      const seed = await seedSchools(database, { schools: SCHOOLS, studentsPerSchool: 12, classSize: 1, month: MONTH, days: 22, shifts: 1, provinceCode: 'HP', firstSchool: 1, vacuum: false });
      const [province] = await database.rows<{ id: number }>(sql`select id from provinces where code = 'HP'`);
      const provinceId = Number(province!.id);
      const dayList = `{${seed.days.join(',')}}`;
      await database.rows(sql`
        insert into lessons (school_id, day, shift, class_id, period, starts, ends, subject, planned_staff_id, staff_id, status, reason, confirm_by, confirmed_at, confirmed_by)
        select c.school_id, d, c.shift, c.id, p, lpad((6 + p)::text, 2, '0') || ':00', lpad((6 + p)::text, 2, '0') || ':40', 'maths', c.homeroom_staff_id, c.homeroom_staff_id,
               (case when h.r < 30 then 'not-taught' else 'taught' end)::lesson_status,
               (case when h.r < 30 then 'school-event' end)::lesson_reason,
               d + time '20:00',
               case when h.r < (case when c.school_id % 17 = 0 then 600 else 960 end) then d + time '11:05' end,
               case when h.r < (case when c.school_id % 17 = 0 then 600 else 960 end) then 'bench' end
          from classes c join schools s on s.id = c.school_id and s.province_id = ${provinceId}
         cross join unnest(${dayList}::date[]) d
         cross join generate_series(1, 5) p
         cross join lateral (select ((hashint8extended(c.id * 10 + p, extract(doy from d)::int) % 1000) + 1000) % 1000 as r) h`);
      await database.rows(sql`vacuum analyze lessons`);
      const [rows] = await database.rows<{ n: number }>(sql`select count(*)::int as n from lessons where school_id <> ${schoolId}`);
      const rollupBare: number[] = [];
      const rollupFull: number[] = [];
      let toCall = 0;
      let schools = 0;
      for (let i = 0; i < 3; i++) {
        rollupBare.push(await timed(() => database.rows(sql`select x.school_id, count(*), count(*) filter (where x.status = 'taught' and x.confirmed_at is not null) from lessons x join schools s on s.id = x.school_id where s.province_id = ${provinceId} and x.day between '2026-10-01' and '2026-10-31' group by 1`)));
        rollupFull.push(
          await timed(async () => {
            const r = await makeRollup(db, { provinceId, month: MONTH, locale: 'km', today }, notifier);
            toCall = r.rows.filter((x) => x.call !== null).length;
            schools = r.rows.length;
          }),
        );
      }
      const rollupMs = median(rollupFull.slice(1));
      const bareRollupMs = median(rollupBare.slice(1));
      return {
        measured: 'makeHoursReport (a school month computed from its lesson book, charted, written as a workbook, stored) and makeRollup (share delivered per school of a province, schools to call, workbook); median after a warm-up',
        data: `school: ${TEACHERS} teachers, ${int(Number(month!.n))} lessons in ${MONTH} (${days.length} school days); province: ${schools} schools, ${int(Number(rows!.n))} lessons; Postgres ${database.kind}`,
        figures: [
          { label: 'monthly report, 100 teachers (all)', value: reportMs, unit: 'ms', target: '≤ 1000', ok: reportMs <= 1000 },
          { label: '  of which computing', value: computeMs, unit: 'ms' },
          { label: '  bare aggregate of the month', value: median(bareTimes.slice(1)), unit: 'ms' },
          { label: '  chart size', value: fmt(pngBytes / 1024, 0), unit: 'KB' },
          { label: 'province roll-up, 1,000 schools (all)', value: rollupMs, unit: 'ms', target: '≤ 5000', ok: rollupMs <= 5000 },
          { label: '  bare per-school aggregate', value: bareRollupMs, unit: 'ms' },
          { label: '  schools to call', value: toCall },
        ],
        primary: { label: 'province roll-up', value: rollupMs, unit: 'ms' },
        baseline: { label: 'bare per-school aggregate', value: bareRollupMs, unit: 'ms', measuredInRun: true },
        target: 'a 100-teacher school\'s monthly hours report ≤ 1 s; the province roll-up of 1,000 schools ≤ 5 s',
        notes: [`the school report is ${fmt(reportMs / median(bareTimes.slice(1)), 1)}× its bare aggregate (reading every lesson row, the chart and the workbook)`],
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
