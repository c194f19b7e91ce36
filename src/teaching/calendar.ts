/**
 * School days over a range, in one statement: the school's week (attendance_settings.week_days,
 * Monday–Saturday by default) with its holidays and extra days (school_calendar). The same rule
 * as attendance's isSchoolDay (used for single days); this reads those tables for many days at once.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db/client.js';

export async function schoolDaysBetween(ex: Executor, schoolId: number, fromDay: string, toDay: string): Promise<string[]> {
  if (toDay < fromDay) return [];
  const rows = rowsOf<{ day: string }>(
    await ex.execute(sql`
      select d::date::text as day
        from generate_series(${fromDay}::date, ${toDay}::date, interval '1 day') d
        left join school_calendar k on k.school_id = ${schoolId} and k.day = d::date
       where coalesce(k.kind = 'school-day',
               coalesce((select w.week_days from attendance_settings w where w.school_id = ${schoolId}), '{1,2,3,4,5,6}'::smallint[])
                 @> array[extract(isodow from d)::smallint])
       order by 1`),
  );
  return rows.map((r) => r.day);
}

/** The last day of a YYYY-MM month. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
