/**
 * Attendance's calendar and settings: which days are school days (the school week, holidays and
 * extra school days), and when teachers are reminded of lists not yet submitted.
 */
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../core/db/client.js';
import type { Shift } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { addDays, isoWeekday } from '../core/clock.js';
import { attendanceSettings, schoolCalendar, type PastDayNotice } from './schema.js';

export async function isSchoolDay(ex: Db | Tx, schoolId: number, day: string): Promise<boolean> {
  const [special] = await ex
    .select({ kind: schoolCalendar.kind })
    .from(schoolCalendar)
    .where(and(eq(schoolCalendar.schoolId, schoolId), eq(schoolCalendar.day, day)));
  if (special) return special.kind === 'school-day';
  const [settings] = await ex.select({ weekDays: attendanceSettings.weekDays }).from(attendanceSettings).where(eq(attendanceSettings.schoolId, schoolId));
  return (settings?.weekDays ?? [1, 2, 3, 4, 5, 6]).includes(isoWeekday(day));
}

export async function setCalendarDay(
  db: Db,
  input: { schoolId: number; day: string; kind: 'holiday' | 'school-day' | 'normal'; note?: string; actor: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    if (input.kind === 'normal') {
      await tx.delete(schoolCalendar).where(and(eq(schoolCalendar.schoolId, input.schoolId), eq(schoolCalendar.day, input.day)));
    } else {
      await tx
        .insert(schoolCalendar)
        .values({ schoolId: input.schoolId, day: input.day, kind: input.kind, note: input.note ?? null })
        .onConflictDoUpdate({ target: [schoolCalendar.schoolId, schoolCalendar.day], set: { kind: input.kind, note: input.note ?? null } });
    }
    await audit(tx, { actor: input.actor, schoolId: input.schoolId, action: 'calendar.set', entity: 'day', entityId: input.day, details: { kind: input.kind } });
  });
}

/**
 * What already happened on a school's day: lists submitted and families alerted. Making such a day
 * a holiday takes it out of the reports, so the office is warned first.
 */
export async function dayActivity(db: Db, schoolId: number, day: string): Promise<{ lists: number; alerts: number }> {
  const [row] = rowsOf<{ lists: number; alerts: number }>(
    await db.execute(sql`
      select (select count(*)::int from class_submissions where school_id = ${schoolId} and day = ${day}) as lists,
             (select count(*)::int from absence_alerts where school_id = ${schoolId} and day = ${day}) as alerts`),
  );
  return { lists: Number(row?.lists ?? 0), alerts: Number(row?.alerts ?? 0) };
}

export async function upcomingHolidays(db: Db, schoolId: number, from: string, days = 60) {
  return db
    .select({ day: schoolCalendar.day, note: schoolCalendar.note })
    .from(schoolCalendar)
    .where(and(eq(schoolCalendar.schoolId, schoolId), eq(schoolCalendar.kind, 'holiday'), gte(schoolCalendar.day, from), lte(schoolCalendar.day, addDays(from, days))))
    .orderBy(asc(schoolCalendar.day));
}

export async function getSettings(ex: Db | Tx, schoolId: number) {
  const [row] = await ex.select().from(attendanceSettings).where(eq(attendanceSettings.schoolId, schoolId));
  return {
    weekDays: row?.weekDays ?? [1, 2, 3, 4, 5, 6],
    remindAt: { morning: '07:30', afternoon: '13:30', ...(row?.remindAt ?? {}) } as Record<Shift, string>,
    pastDayNotice: row?.pastDayNotice ?? ('plain' as PastDayNotice),
  };
}

export async function setSettings(
  db: Db,
  input: { schoolId: number; weekDays?: number[]; remindAt?: Partial<Record<Shift, string>>; pastDayNotice?: PastDayNotice; actor: string },
): Promise<void> {
  const current = await getSettings(db, input.schoolId);
  const next = { weekDays: input.weekDays ?? current.weekDays, remindAt: { ...current.remindAt, ...(input.remindAt ?? {}) }, pastDayNotice: input.pastDayNotice ?? current.pastDayNotice };
  await db
    .insert(attendanceSettings)
    .values({ schoolId: input.schoolId, ...next })
    .onConflictDoUpdate({ target: attendanceSettings.schoolId, set: next });
  await audit(db, { actor: input.actor, schoolId: input.schoolId, action: 'attendance.settings', details: next });
}
