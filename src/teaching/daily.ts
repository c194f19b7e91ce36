/**
 * The lesson book's day, run by the worker in each school's time zone:
 * - at the end of each shift: the shift's lessons are written and each teacher gets ONE message
 *   with theirs, all marked taught, to confirm in one tap;
 * - in the evening: whoever still has lessons of the day to confirm gets the book again with
 *   the deadline (what is not confirmed by then does not count as delivered); on the last school
 *   day of the week, homeroom teachers and the principal get the week to close.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Locale, Shift } from '../core/db/schema.js';
import { addDays, schoolClock } from '../core/clock.js';
import { formatNumber, formatTime, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { isSchoolDay } from '../attendance/service.js';
import { schoolDaysBetween } from './calendar.js';
import { schoolRecipients } from './leave-flow.js';
import { bookOf, booksOfShift, weekStartOf, writeLessons } from './lessons.js';
import { renderBook } from './lessons-view.js';
import { getTeachingSettings } from './settings.js';
import { schoolOf } from './timetable.js';
import { renderWeek, weekSummary } from './weeks.js';

interface Person {
  staff_id: number;
  chat_id: string | null;
  locale: Locale | null;
  name_km: string;
  name_en: string | null;
}

async function people(db: Db, staffIds: number[]): Promise<Map<number, Person>> {
  if (staffIds.length === 0) return new Map();
  const rows = rowsOf<Person>(
    await db.execute(sql`select st.id as staff_id, st.telegram_user_id as chat_id, ta.locale, st.name_km, st.name_en
                           from staff st left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
                          where st.id = any(${`{${staffIds.join(',')}}`}::int[])`),
  );
  return new Map(rows.map((r) => [Number(r.staff_id), r]));
}

export type DayResult = { skipped: 'no-school' | 'holiday' } | { day: string; lessons: number; messages: number };

/** End of a shift: write its lessons and queue one book per teacher who has some to confirm. */
export async function shiftEnd(db: Db, input: { schoolId: number; shift: Shift; now: Date; notifier: Notifier }): Promise<DayResult> {
  const school = await schoolOf(db, input.schoolId);
  if (!school) return { skipped: 'no-school' };
  const day = schoolClock(school.timezone, input.now).day;
  if (!(await isSchoolDay(db, input.schoolId, day))) return { skipped: 'holiday' };
  const written = await writeLessons(db, { schoolId: input.schoolId, day, shift: input.shift, timezone: school.timezone });
  const books = await booksOfShift(db, input.schoolId, day, input.shift, input.now);
  const who = await people(db, [...books.keys()]);
  const messages: OutgoingMessage[] = [];
  for (const [staffId, list] of books) {
    const person = who.get(staffId);
    if (!person?.chat_id || !list.some((l) => !l.confirmed)) continue;
    const locale = person.locale ?? input.notifier.defaultLocale;
    const view = renderBook(list, { owner: staffId, ownerName: { nameKm: person.name_km, nameEn: person.name_en }, day, shift: input.shift, locale, t: input.notifier.t, timezone: school.timezone, viewer: 'teacher' });
    messages.push({ dedupeKey: `lb:${day}:${input.shift}:${staffId}`, schoolId: input.schoolId, capability: 'teaching', entity: 'lesson-book', entityId: staffId, chatId: Number(person.chat_id), payload: { ...view } });
  }
  const inserted = await addToOutbox(db, messages);
  return { day, lessons: written, messages: inserted.length };
}

/** The evening: the day's unconfirmed books once more, and on the week's last school day, the week to close. */
export async function evening(db: Db, input: { schoolId: number; now: Date; notifier: Notifier }): Promise<DayResult & { weekPrompts?: number }> {
  const school = await schoolOf(db, input.schoolId);
  if (!school) return { skipped: 'no-school' };
  const day = schoolClock(school.timezone, input.now).day;
  if (!(await isSchoolDay(db, input.schoolId, day))) return { skipped: 'holiday' };
  // Both shifts are over: write whatever a missed shift-end left out.
  await writeLessons(db, { schoolId: input.schoolId, day, timezone: school.timezone });
  const settings = await getTeachingSettings(db, input.schoolId);
  const deadline = addMinutes(settings.eveningAt, settings.graceMinutes);
  const open = rowsOf<{ owner: number; n: number }>(
    await db.execute(sql`select coalesce(staff_id, planned_staff_id) as owner, count(*)::int as n from lessons
                          where school_id = ${input.schoolId} and day = ${day}::date and confirmed_at is null and staff_id is not null
                          group by 1`),
  );
  const who = await people(db, open.map((o) => Number(o.owner)));
  const messages: OutgoingMessage[] = [];
  for (const o of open) {
    const owner = Number(o.owner);
    const person = who.get(owner);
    if (!person?.chat_id) continue;
    const locale = person.locale ?? input.notifier.defaultLocale;
    const intro = input.notifier.t(locale, 'teaching-evening-intro', { count: formatNumber(locale, Number(o.n)), time: formatTime(locale, deadline) });
    const view = renderBook(await bookOf(db, owner, day, 'all', input.now), { owner, ownerName: { nameKm: person.name_km, nameEn: person.name_en }, day, shift: 'all', locale, t: input.notifier.t, timezone: school.timezone, viewer: 'teacher', intro });
    messages.push({ dedupeKey: `lb-eve:${day}:${owner}`, schoolId: input.schoolId, capability: 'teaching', entity: 'lesson-book', entityId: owner, chatId: Number(person.chat_id), payload: { ...view } });
  }
  let weekPrompts = 0;
  const weekStart = weekStartOf(day);
  const laterThisWeek = await schoolDaysBetween(db, input.schoolId, addDays(day, 1), addDays(weekStart, 6));
  if (laterThisWeek.length === 0) {
    const homerooms = rowsOf<{ class_id: number; staff_id: number }>(
      await db.execute(sql`select distinct c.id as class_id, c.homeroom_staff_id as staff_id from lessons x join classes c on c.id = x.class_id
                            where x.school_id = ${input.schoolId} and x.day between ${weekStart}::date and ${day}::date and c.homeroom_staff_id is not null`),
    );
    const teachers = await people(db, homerooms.map((h) => Number(h.staff_id)));
    for (const h of homerooms) {
      const person = teachers.get(Number(h.staff_id));
      if (!person?.chat_id) continue;
      const summary = await weekSummary(db, input.schoolId, weekStart, Number(h.class_id));
      if (summary.closed) continue;
      const locale = person.locale ?? input.notifier.defaultLocale;
      messages.push({ dedupeKey: `wk:${weekStart}:class:${h.class_id}`, schoolId: input.schoolId, capability: 'teaching', entity: 'week', entityId: Number(h.class_id), chatId: Number(person.chat_id), payload: { ...renderWeek(summary, locale, input.notifier.t) } });
      weekPrompts++;
    }
    const summary = await weekSummary(db, input.schoolId, weekStart, null);
    if (!summary.closed && summary.planned > 0) {
      for (const p of await schoolRecipients(db, input.schoolId, ['principal'])) {
        const locale = p.locale ?? input.notifier.defaultLocale;
        messages.push({ dedupeKey: `wk:${weekStart}:school:${p.staffId}`, schoolId: input.schoolId, capability: 'teaching', entity: 'week', entityId: input.schoolId, chatId: p.chatId, payload: { ...renderWeek(summary, locale, input.notifier.t) } });
        weekPrompts++;
      }
    }
  }
  const inserted = await addToOutbox(db, messages);
  return { day, lessons: open.reduce((s, o) => s + Number(o.n), 0), messages: inserted.length, weekPrompts };
}

export function addMinutes(hhmm: string, minutes: number): string {
  const total = (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)) + minutes) % (24 * 60);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
