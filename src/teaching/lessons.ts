/**
 * The lesson book: writing the day's lessons from the timetable (with covers and approved
 * leave), a teacher's book of a day, confirming it in one tap, and changing one lesson (not
 * taught and why, taught by someone else, its topic). Who may change what:
 * - a teacher: the lessons that count for them, or that were theirs in the timetable (unless a
 *   cover took them), until the lesson's confirm-by time and while its week is open;
 * - the principal: any lesson of the school at any time (a correction, audited as such).
 * Everything else is refused and audited.
 */
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import type { Locale, Shift } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays, isoWeekday } from '../core/clock.js';
import { lessons, weekClosures, type LessonReason } from './schema.js';
import type { BookShift } from './buttons.js';
import { getTeachingSettings } from './settings.js';
import { formatDay, formatNumber, formatTime, type Notifier } from '../core/i18n/index.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { freeTeachers } from './cover.js';
import { timetableOn } from './timetable.js';

export const MAX_TOPIC_CHARS = 200;

export function weekStartOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/**
 * Writes the lessons due on `day` (one shift or both) from the timetable holding that day:
 * covered lessons count for their cover, lessons of a teacher on approved leave without cover
 * are "not taught: teacher absent" at once. Lessons already written are left as they are.
 * Returns how many were written. The caller decides that `day` is a school day.
 */
export async function writeLessons(ex: Executor, input: { schoolId: number; day: string; shift?: Shift; timezone: string }): Promise<number> {
  const timetableId = await timetableOn(ex, input.schoolId, input.day);
  if (timetableId === undefined) return 0;
  const settings = await getTeachingSettings(ex, input.schoolId);
  const rows = rowsOf<{ n: number }>(
    await ex.execute(sql`
      with written as (
        insert into lessons (school_id, day, shift, class_id, period, starts, ends, subject, planned_staff_id, staff_id,
                             status, reason, covered, confirm_by, confirmed_at, confirmed_by)
        select l.school_id, ${input.day}::date, l.shift, l.class_id, l.period, l.starts, l.ends, l.subject, l.staff_id,
               coalesce(cv.staff_id, case when lv.away then null else l.staff_id end),
               (case when cv.staff_id is null and lv.away then 'not-taught' else 'taught' end)::lesson_status,
               (case when cv.staff_id is null and lv.away then 'teacher-absent' end)::lesson_reason,
               cv.staff_id is not null,
               (${input.day}::date + ${settings.eveningAt}::time + make_interval(mins => ${settings.graceMinutes}::int)) at time zone ${input.timezone},
               case when cv.staff_id is null and lv.away then now() end,
               case when cv.staff_id is null and lv.away then 'system' end
          from timetable_lessons l
          left join lesson_covers cv on cv.class_id = l.class_id and cv.day = ${input.day}::date and cv.period = l.period
          cross join lateral (select exists (select 1 from leave_requests r where r.staff_id = l.staff_id and r.status = 'approved'
                                               and ${input.day}::date between r.from_day and r.to_day) as away) lv
         where l.timetable_id = ${timetableId} and l.weekday = ${isoWeekday(input.day)}
           and (${input.shift ?? null}::shift is null or l.shift = ${input.shift ?? null}::shift)
        on conflict (class_id, day, period) do nothing
        returning 1)
      select count(*)::int as n from written`),
  );
  return Number(rows[0]?.n ?? 0);
}

export interface BookLesson {
  id: number;
  day: string;
  shift: Shift;
  classId: number;
  className: string;
  period: number;
  starts: string;
  ends: string;
  subject: string;
  status: 'taught' | 'not-taught';
  reason: LessonReason | null;
  topic: string | null;
  covered: boolean;
  plannedStaffId: number | null;
  staffId: number | null;
  /** names of the timetable's teacher and of who it counts for */
  plannedName: { nameKm: string; nameEn: string | null } | null;
  staffName: { nameKm: string; nameEn: string | null } | null;
  confirmed: boolean;
  confirmedBy: string | null;
  /** past its confirm-by time */
  late: boolean;
  confirmBy: Date;
  /** its week is closed */
  closed: boolean;
}

interface LessonRow {
  id: string | number;
  day: string;
  shift: Shift;
  class_id: number;
  class_name: string;
  period: number;
  starts: string;
  ends: string;
  subject: string;
  status: 'taught' | 'not-taught';
  reason: LessonReason | null;
  topic: string | null;
  covered: boolean;
  planned_staff_id: number | null;
  staff_id: number | null;
  planned_km: string | null;
  planned_en: string | null;
  staff_km: string | null;
  staff_en: string | null;
  confirmed_at: string | Date | null;
  confirmed_by: string | null;
  confirm_by: string | Date;
  closed: boolean;
  school_id: number;
}

/** `late` is decided against the app's clock (tests and benchmarks pin it), not the database's. */
const LESSON_SELECT = sql`
  select x.id, x.day::text as day, x.shift, x.class_id, c.name as class_name, x.period, x.starts, x.ends, x.subject, x.status, x.reason,
         x.topic, x.covered, x.planned_staff_id, x.staff_id, p.name_km as planned_km, p.name_en as planned_en,
         s.name_km as staff_km, s.name_en as staff_en, x.confirmed_at, x.confirmed_by, x.confirm_by,
         x.school_id,
         exists (select 1 from week_closures w where w.school_id = x.school_id and w.week_start = x.day - (extract(isodow from x.day)::int - 1)
                   and (w.class_id is null or w.class_id = x.class_id)) as closed
    from lessons x join classes c on c.id = x.class_id
    left join staff p on p.id = x.planned_staff_id
    left join staff s on s.id = x.staff_id`;

function toLesson(r: LessonRow, now: Date): BookLesson & { schoolId: number } {
  const confirmBy = new Date(r.confirm_by);
  return {
    id: Number(r.id),
    day: r.day,
    shift: r.shift,
    classId: Number(r.class_id),
    className: r.class_name,
    period: Number(r.period),
    starts: r.starts,
    ends: r.ends,
    subject: r.subject,
    status: r.status,
    reason: r.reason,
    topic: r.topic,
    covered: Boolean(r.covered),
    plannedStaffId: r.planned_staff_id === null ? null : Number(r.planned_staff_id),
    staffId: r.staff_id === null ? null : Number(r.staff_id),
    plannedName: r.planned_km === null ? null : { nameKm: r.planned_km, nameEn: r.planned_en },
    staffName: r.staff_km === null ? null : { nameKm: r.staff_km, nameEn: r.staff_en },
    confirmed: r.confirmed_at !== null,
    confirmedBy: r.confirmed_by,
    late: now.getTime() > confirmBy.getTime(),
    confirmBy,
    closed: Boolean(r.closed),
    schoolId: Number(r.school_id),
  };
}

/** A teacher's book: the lessons of a day (one shift or both) that count for them or were theirs. */
export async function bookOf(ex: Executor, owner: number, day: string, shift: BookShift, now: Date): Promise<BookLesson[]> {
  const rows = rowsOf<LessonRow>(
    await ex.execute(sql`${LESSON_SELECT}
      where x.day = ${day}::date and (x.staff_id = ${owner} or (x.planned_staff_id = ${owner} and x.staff_id is distinct from ${owner}))
        and (${shift === 'all' ? null : shift}::shift is null or x.shift = ${shift === 'all' ? null : shift}::shift)
      order by x.starts, c.name`),
  );
  return rows.map((r) => toLesson(r, now));
}

export interface BookOwner {
  staffId: number;
  schoolId: number;
  nameKm: string;
  nameEn: string | null;
  timezone: string;
}

/** A book and its owner (name, school, time zone) in one statement: the hot path of every tap. */
export async function bookWithOwner(ex: Executor, owner: number, day: string, shift: BookShift, now: Date): Promise<{ owner: BookOwner; lessons: BookLesson[] } | undefined> {
  const shiftValue = shift === 'all' ? null : shift;
  const [row] = rowsOf<{ id: number; school_id: number; name_km: string; name_en: string | null; timezone: string; lessons: LessonRow[] | string }>(
    await ex.execute(sql`
      select st.id, st.school_id, st.name_km, st.name_en, s.timezone,
             coalesce((select json_agg(b order by b.starts, b.class_name) from (${LESSON_SELECT}
                        where x.day = ${day}::date and (x.staff_id = ${owner} or (x.planned_staff_id = ${owner} and x.staff_id is distinct from ${owner}))
                          and (${shiftValue}::shift is null or x.shift = ${shiftValue}::shift)) b), '[]'::json) as lessons
        from staff st join schools s on s.id = st.school_id
       where st.id = ${owner}`),
  );
  if (!row) return undefined;
  const list = typeof row.lessons === 'string' ? (JSON.parse(row.lessons) as LessonRow[]) : row.lessons;
  return {
    owner: { staffId: Number(row.id), schoolId: Number(row.school_id), nameKm: row.name_km, nameEn: row.name_en, timezone: row.timezone },
    lessons: list.map((r) => toLesson(r, now)),
  };
}

/** Every lesson of a school's shift on a day that counts for someone, by who it counts for. */
export async function booksOfShift(ex: Executor, schoolId: number, day: string, shift: Shift, now: Date): Promise<Map<number, BookLesson[]>> {
  const rows = rowsOf<LessonRow>(
    await ex.execute(sql`${LESSON_SELECT}
      where x.school_id = ${schoolId} and x.day = ${day}::date and x.shift = ${shift} and x.staff_id is not null
      order by x.starts, c.name`),
  );
  const books = new Map<number, BookLesson[]>();
  for (const l of rows.map((r) => toLesson(r, now))) books.set(l.staffId!, [...(books.get(l.staffId!) ?? []), l]);
  return books;
}

export async function lessonById(ex: Executor, id: number, now: Date): Promise<(BookLesson & { schoolId: number }) | undefined> {
  const rows = rowsOf<LessonRow>(await ex.execute(sql`${LESSON_SELECT} where x.id = ${id}`));
  return rows[0] ? toLesson(rows[0], now) : undefined;
}

export type LessonDenied = { ok: false; reason: 'not-found' | 'forbidden' | 'late' | 'closed' };

/** May this actor change this lesson? The principal always may (a correction); teachers by the rules above. */
export function mayChange(actor: Actor, lesson: BookLesson & { schoolId: number }): { ok: true; as: 'teacher' | 'principal'; staffId: number } | LessonDenied {
  const principal = actor.staff.find((m) => m.schoolId === lesson.schoolId && m.roles.includes('principal'));
  const mine = actor.staff.find(
    (m) => m.schoolId === lesson.schoolId && (m.staffId === lesson.staffId || (m.staffId === lesson.plannedStaffId && !lesson.covered)),
  );
  if (mine && !lesson.closed && !lesson.late && lesson.confirmedBy !== 'system') return { ok: true, as: 'teacher', staffId: mine.staffId };
  if (principal) return { ok: true, as: 'principal', staffId: principal.staffId };
  if (!mine) return { ok: false, reason: 'forbidden' };
  if (lesson.closed) return { ok: false, reason: 'closed' };
  return { ok: false, reason: 'late' };
}

export type LessonChange =
  | { kind: 'taught' }
  | { kind: 'not-taught'; reason: LessonReason }
  | { kind: 'taught-by'; staffId: number }
  | { kind: 'topic'; topic: string };

/**
 * Changes one lesson (and confirms it: the teacher has looked at it). "Taught by someone else"
 * names a colleague of the school who was free then; that colleague is told the lesson now counts
 * for them (through the outbox), so a wrong name does not go unnoticed.
 */
export async function changeLesson(
  db: Db,
  actor: Actor,
  lessonId: number,
  change: LessonChange,
  now: Date,
  notifier?: Notifier,
): Promise<{ ok: true; lesson: BookLesson } | LessonDenied | { ok: false; reason: 'bad-teacher' | 'busy-teacher' | 'bad-topic' }> {
  const who = actorOf(actor.telegramUserId);
  const lesson = await lessonById(db, lessonId, now);
  const deny = async (reason: string) => {
    await audit(db, { actor: who, schoolId: lesson?.schoolId ?? null, action: 'lesson.change', entity: 'lesson', entityId: lessonId, outcome: 'denied', details: { reason, kind: change.kind } });
  };
  if (!lesson) {
    await deny('not-found');
    return { ok: false, reason: 'not-found' };
  }
  const may = mayChange(actor, lesson);
  if (!may.ok) {
    await deny(may.reason);
    return may;
  }
  if (change.kind === 'taught-by') {
    const [other] = rowsOf<{ ok: boolean }>(
      await db.execute(sql`select true as ok from staff where id = ${change.staffId} and school_id = ${lesson.schoolId} and active`),
    );
    if (!other) {
      await deny('bad-teacher');
      return { ok: false, reason: 'bad-teacher' };
    }
    const free = await freeTeachers(db, { schoolId: lesson.schoolId, day: lesson.day, starts: lesson.starts, ends: lesson.ends, exclude: [], only: change.staffId, limit: 1 });
    if (free.length === 0) {
      await deny('busy-teacher');
      return { ok: false, reason: 'busy-teacher' };
    }
  }
  const topic = change.kind === 'topic' ? change.topic.replace(/\s+/g, ' ').trim() : '';
  if (change.kind === 'topic' && (topic.length === 0 || topic.length > MAX_TOPIC_CHARS)) return { ok: false, reason: 'bad-topic' };
  const set =
    change.kind === 'taught'
      ? { status: 'taught' as const, reason: null, staffId: lesson.covered || may.as === 'principal' ? (lesson.staffId ?? lesson.plannedStaffId) : may.staffId }
      : change.kind === 'not-taught'
        ? { status: 'not-taught' as const, reason: change.reason }
        : change.kind === 'taught-by'
          ? { status: 'taught' as const, reason: null, staffId: change.staffId }
          : { topic };
  await db.transaction(async (tx) => {
    await tx
      .update(lessons)
      .set({ ...set, confirmedAt: now, confirmedBy: who })
      .where(eq(lessons.id, lessonId));
    await audit(tx, {
      actor: who,
      schoolId: lesson.schoolId,
      action: may.as === 'principal' ? 'lesson.correct' : 'lesson.change',
      entity: 'lesson',
      entityId: lessonId,
      details: { kind: change.kind, ...(change.kind === 'not-taught' ? { reason: change.reason } : {}), ...(change.kind === 'taught-by' ? { staffId: change.staffId } : {}), closed: lesson.closed },
    });
    if (change.kind === 'taught-by' && notifier && change.staffId !== lesson.staffId) await tellCountedFor(tx, lesson, change.staffId, notifier);
  });
  return { ok: true, lesson: (await lessonById(db, lessonId, now))! };
}

/** The colleague named as having taught a lesson hears it counts for them now. */
async function tellCountedFor(ex: Executor, lesson: BookLesson & { schoolId: number }, staffId: number, notifier: Notifier): Promise<void> {
  const [to] = rowsOf<{ chat_id: string | null; locale: Locale | null }>(
    await ex.execute(sql`select st.telegram_user_id as chat_id, ta.locale from staff st
                           left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id where st.id = ${staffId}`),
  );
  if (!to?.chat_id) return;
  const locale = to.locale ?? notifier.defaultLocale;
  const text = notifier.t(locale, 'teaching-lesson-counted-for-you', {
    className: lesson.className,
    subject: lesson.subject,
    date: formatDay(locale, lesson.day),
    starts: formatTime(locale, lesson.starts),
    period: formatNumber(locale, lesson.period),
  });
  await addToOutbox(ex, [
    { dedupeKey: `lesson:${lesson.id}:counted:${staffId}`, schoolId: lesson.schoolId, capability: 'teaching', entity: 'lesson', entityId: lesson.id, chatId: Number(to.chat_id), payload: { text } },
  ]);
}

/**
 * One tap: every open lesson of the owner's book (day, shift) is confirmed as it is marked. A
 * teacher confirms only their own book, before the confirm-by time, in an open week; lessons
 * already confirmed are left alone. Returns how many were confirmed now.
 */
export async function confirmBook(db: Db, actor: Actor, owner: number, day: string, shift: BookShift, now: Date): Promise<{ ok: true; confirmed: number } | { ok: false; reason: 'forbidden' | 'late' | 'closed' | 'empty' }> {
  const who = actorOf(actor.telegramUserId);
  const membership = actor.staff.find((m) => m.staffId === owner);
  if (!membership) {
    await audit(db, { actor: who, action: 'lesson.confirm', entity: 'staff', entityId: owner, outcome: 'denied', details: { reason: 'forbidden', day } });
    return { ok: false, reason: 'forbidden' };
  }
  const shiftValue = shift === 'all' ? null : shift;
  const at = now.toISOString();
  // One statement (atomic on its own): the confirmation and its audit row, one round trip.
  const [done] = rowsOf<{ confirmed: number }>(
    await db.execute(sql`
      with upd as (
        update lessons x set confirmed_at = ${at}::timestamptz, confirmed_by = ${who}
         where x.day = ${day}::date and x.confirmed_at is null and ${at}::timestamptz <= x.confirm_by
           and (x.staff_id = ${owner} or (x.planned_staff_id = ${owner} and not x.covered))
           and (${shiftValue}::shift is null or x.shift = ${shiftValue}::shift)
           and not exists (select 1 from week_closures w where w.school_id = x.school_id and w.week_start = x.day - (extract(isodow from x.day)::int - 1)
                             and (w.class_id is null or w.class_id = x.class_id))
        returning x.id),
      aud as (
        insert into audit_log (actor, school_id, action, entity, entity_id, outcome, details)
        select ${who}, ${membership.schoolId}::int, 'lesson.confirm', 'staff', ${String(owner)}, 'ok',
               jsonb_build_object('day', ${day}::text, 'shift', ${shift}::text, 'lessons', count(*))
          from upd having count(*) > 0
        returning 1)
      select (select count(*) from upd)::int as confirmed, (select count(*) from aud)::int as audited`),
  );
  const confirmed = Number(done?.confirmed ?? 0);
  if (confirmed > 0) return { ok: true, confirmed };
  const [open] = rowsOf<{ late: number; total: number }>(
    await db.execute(sql`
      select count(*) filter (where ${at}::timestamptz > x.confirm_by)::int as late, count(*)::int as total from lessons x
       where x.day = ${day}::date and x.confirmed_at is null and (x.staff_id = ${owner} or (x.planned_staff_id = ${owner} and not x.covered))`),
  );
  const reason = Number(open?.total ?? 0) === 0 ? 'empty' : Number(open?.late ?? 0) > 0 ? 'late' : 'closed';
  if (reason !== 'empty') await audit(db, { actor: who, schoolId: membership.schoolId, action: 'lesson.confirm', entity: 'staff', entityId: owner, outcome: 'denied', details: { reason, day } });
  return { ok: false, reason };
}

/** Whether a class's (or the school's) week is closed; `classIds` empty asks about the school only. */
export async function closedWeeks(ex: Executor, schoolId: number, fromDay: string, toDay: string, classIds: number[]): Promise<string[]> {
  const rows = await ex
    .selectDistinct({ week: weekClosures.weekStart })
    .from(weekClosures)
    .where(
      and(
        eq(weekClosures.schoolId, schoolId),
        sql`${weekClosures.weekStart} between ${weekStartOf(fromDay)}::date and ${toDay}::date`,
        classIds.length > 0 ? or(isNull(weekClosures.classId), inArray(weekClosures.classId, classIds)) : isNull(weekClosures.classId),
      ),
    );
  return rows.map((r) => r.week);
}
