/**
 * Teaching hours of a month: planned against delivered, per teacher, subject and class; lessons
 * not taught and why; cover given and received; leave days. A lesson counts as delivered only
 * when it was taught and confirmed (lessons.ts); it counts for whoever taught it, so a cover's
 * lessons are the substitute's. Days the shift-end job did not write (a stopped worker) are
 * written first, so nothing planned goes missing from the count.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import { schoolDaysBetween, monthEnd } from './calendar.js';
import { leaveDaysOf } from './leave-flow.js';
import { writeLessons } from './lessons.js';
import type { LessonReason } from './schema.js';
import { schoolOf } from './timetable.js';

export interface TeacherHours {
  staffId: number;
  staffCode: string;
  nameKm: string;
  nameEn: string | null;
  planned: number;
  /** their own lessons, taught and confirmed */
  delivered: number;
  /** colleagues' lessons they taught (cover, or "taught by someone else") */
  coverGiven: number;
  /** their lessons someone else taught */
  coverReceived: number;
  notTaught: Record<LessonReason, number>;
  /** lessons that counted for them and were never confirmed */
  unconfirmed: number;
  leaveDays: number;
  plannedMinutes: number;
  /** own + cover given */
  deliveredMinutes: number;
}

export interface LineHours {
  key: string;
  planned: number;
  delivered: number;
  notTaught: number;
  unconfirmed: number;
}

export interface LessonEntry {
  day: string;
  className: string;
  period: number;
  starts: string;
  ends: string;
  subject: string;
  planned: string | null;
  taughtBy: string | null;
  reason: LessonReason | null;
  confirmed: boolean;
}

export interface HoursReport {
  school: { id: number; code: string; nameKm: string; nameEn: string };
  month: string;
  from: string;
  to: string;
  schoolDays: number;
  teachers: TeacherHours[];
  subjects: LineHours[];
  classes: LineHours[];
  notTaught: LessonEntry[];
  covers: LessonEntry[];
  totals: { planned: number; delivered: number; notTaught: number; unconfirmed: number; covers: number };
}

interface Row {
  day: string;
  class_name: string;
  period: number;
  starts: string;
  ends: string;
  subject: string;
  planned_staff_id: number | null;
  staff_id: number | null;
  status: 'taught' | 'not-taught';
  reason: LessonReason | null;
  confirmed: boolean;
  planned_km: string | null;
  staff_km: string | null;
}

const minutes = (r: { starts: string; ends: string }) => Number(r.ends.slice(0, 2)) * 60 + Number(r.ends.slice(3)) - (Number(r.starts.slice(0, 2)) * 60 + Number(r.starts.slice(3)));
const zeroReasons = (): Record<LessonReason, number> => ({ 'teacher-absent': 0, 'school-event': 0, 'no-students': 0, other: 0 });

/** The month's report of one school (up to `today` for the month under way). */
export async function hoursReport(db: Db, input: { schoolId: number; month: string; today: string }): Promise<HoursReport> {
  const school = (await schoolOf(db, input.schoolId))!;
  const from = `${input.month}-01`;
  const end = monthEnd(input.month);
  const to = end < input.today ? end : input.today;
  const days = await schoolDaysBetween(db, input.schoolId, from, to);
  // Past school days the worker did not write at all (a stopped worker; a day with some lessons
  // was completed by its evening job; today is written by its own shift-end jobs).
  const written = new Set(
    rowsOf<{ day: string }>(await db.execute(sql`select distinct day::text as day from lessons where school_id = ${input.schoolId} and day between ${from}::date and ${to}::date`)).map((r) => r.day),
  );
  for (const day of days) if (day < input.today && !written.has(day)) await writeLessons(db, { schoolId: input.schoolId, day, timezone: school.timezone });
  const rows = rowsOf<Row>(
    await db.execute(sql`
      select x.day::text as day, c.name as class_name, x.period, x.starts, x.ends, x.subject, x.planned_staff_id, x.staff_id, x.status, x.reason,
             x.confirmed_at is not null as confirmed, p.name_km as planned_km, s.name_km as staff_km
        from lessons x join classes c on c.id = x.class_id
        left join staff p on p.id = x.planned_staff_id left join staff s on s.id = x.staff_id
       where x.school_id = ${input.schoolId} and x.day between ${from}::date and ${to}::date
       order by x.day, x.starts, c.name`),
  );
  const staffRows = rowsOf<{ id: number; staff_code: string; name_km: string; name_en: string | null }>(
    await db.execute(sql`select id, staff_code, name_km, name_en from staff where school_id = ${input.schoolId} order by staff_code`),
  );
  const leave = await leaveDaysOf(db, input.schoolId, from, to);
  const teachers = new Map<number, TeacherHours>();
  const teacher = (id: number) => {
    let t = teachers.get(id);
    if (!t) {
      const s = staffRows.find((r) => Number(r.id) === id);
      t = { staffId: id, staffCode: s?.staff_code ?? '', nameKm: s?.name_km ?? '', nameEn: s?.name_en ?? null, planned: 0, delivered: 0, coverGiven: 0, coverReceived: 0, notTaught: zeroReasons(), unconfirmed: 0, leaveDays: leave.get(id) ?? 0, plannedMinutes: 0, deliveredMinutes: 0 };
      teachers.set(id, t);
    }
    return t;
  };
  const subjects = new Map<string, LineHours>();
  const classes = new Map<string, LineHours>();
  const line = (map: Map<string, LineHours>, key: string) => {
    let l = map.get(key);
    if (!l) map.set(key, (l = { key, planned: 0, delivered: 0, notTaught: 0, unconfirmed: 0 }));
    return l;
  };
  const notTaught: LessonEntry[] = [];
  const covers: LessonEntry[] = [];
  const totals = { planned: 0, delivered: 0, notTaught: 0, unconfirmed: 0, covers: 0 };
  for (const r of rows) {
    const planned = r.planned_staff_id === null ? null : Number(r.planned_staff_id);
    const by = r.staff_id === null ? null : Number(r.staff_id);
    const delivered = r.status === 'taught' && r.confirmed && by !== null;
    const m = minutes(r);
    const entry = (): LessonEntry => ({ day: r.day, className: r.class_name, period: Number(r.period), starts: r.starts, ends: r.ends, subject: r.subject, planned: r.planned_km, taughtBy: r.staff_km, reason: r.reason, confirmed: r.confirmed });
    totals.planned++;
    for (const l of [line(subjects, r.subject), line(classes, r.class_name)]) {
      l.planned++;
      if (delivered) l.delivered++;
      if (r.status === 'not-taught') l.notTaught++;
      else if (!r.confirmed) l.unconfirmed++;
    }
    if (planned !== null) {
      const t = teacher(planned);
      t.planned++;
      t.plannedMinutes += m;
      if (r.status === 'not-taught') t.notTaught[r.reason ?? 'other']++;
      else if (delivered && by !== planned) t.coverReceived++;
    }
    if (by !== null) {
      const t = teacher(by);
      if (delivered) {
        t.deliveredMinutes += m;
        if (by === planned) t.delivered++;
        else t.coverGiven++;
      } else if (!r.confirmed) t.unconfirmed++;
    }
    if (delivered) totals.delivered++;
    if (r.status === 'not-taught') {
      totals.notTaught++;
      notTaught.push(entry());
    } else if (!r.confirmed) totals.unconfirmed++;
    if (by !== null && by !== planned) {
      totals.covers++;
      covers.push(entry());
    }
  }
  for (const id of leave.keys()) teacher(id);
  return {
    school: { id: school.id, code: school.code, nameKm: school.nameKm, nameEn: school.nameEn },
    month: input.month,
    from,
    to,
    schoolDays: days.length,
    teachers: [...teachers.values()].sort((a, b) => a.staffCode.localeCompare(b.staffCode)),
    subjects: [...subjects.values()].sort((a, b) => b.planned - a.planned),
    classes: [...classes.values()].sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true })),
    notTaught,
    covers,
    totals,
  };
}

/** A teacher's own month, for /hours by a teacher and the monthly note. */
export function ownHours(report: HoursReport, staffId: number): TeacherHours | undefined {
  return report.teachers.find((t) => t.staffId === staffId);
}

export interface SchoolShare {
  schoolId: number;
  code: string;
  nameKm: string;
  nameEn: string;
  planned: number;
  delivered: number;
  unconfirmed: number;
  notTaught: number;
  /** delivered / planned; null without a timetable */
  share: number | null;
  call: 'no-timetable' | 'low-share' | 'unconfirmed' | null;
}

/** Below this share of planned lessons delivered a school is to be called. */
export const CALL_BELOW = 0.8;

/** The province's (or the nation's) month: share delivered per school, and the schools to call. */
export async function hoursRollup(db: Db, input: { provinceId: number | null; month: string; today: string }): Promise<SchoolShare[]> {
  const from = `${input.month}-01`;
  const end = monthEnd(input.month);
  const to = end < input.today ? end : input.today;
  const rows = rowsOf<{ id: number; code: string; name_km: string; name_en: string; planned: number; delivered: number; unconfirmed: number; not_taught: number }>(
    await db.execute(sql`
      with agg as (
        select x.school_id, count(*)::int as planned,
               count(*) filter (where x.status = 'taught' and x.confirmed_at is not null and x.staff_id is not null)::int as delivered,
               count(*) filter (where x.confirmed_at is null)::int as unconfirmed,
               count(*) filter (where x.status = 'not-taught')::int as not_taught
          from lessons x join schools s2 on s2.id = x.school_id
         where x.day between ${from}::date and ${to}::date and (${input.provinceId}::int is null or s2.province_id = ${input.provinceId}::int)
         group by x.school_id)
      select s.id, s.code, s.name_km, s.name_en, coalesce(a.planned, 0) as planned, coalesce(a.delivered, 0) as delivered,
             coalesce(a.unconfirmed, 0) as unconfirmed, coalesce(a.not_taught, 0) as not_taught
        from schools s left join agg a on a.school_id = s.id
       where (${input.provinceId}::int is null or s.province_id = ${input.provinceId}::int)
       order by s.code`),
  );
  return rows.map((r) => {
    const planned = Number(r.planned);
    const delivered = Number(r.delivered);
    const unconfirmed = Number(r.unconfirmed);
    const share = planned > 0 ? delivered / planned : null;
    const call = share === null ? 'no-timetable' : share < CALL_BELOW ? (unconfirmed / planned >= 0.1 ? 'unconfirmed' : 'low-share') : null;
    return { schoolId: Number(r.id), code: r.code, nameKm: r.name_km, nameEn: r.name_en, planned, delivered, unconfirmed, notTaught: Number(r.not_taught), share, call };
  });
}
