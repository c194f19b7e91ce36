/**
 * Cover for a teacher on approved leave: which of their lessons need it (school days of the leave
 * from today on, from the timetable holding each day), who is free then (a teacher with no lesson,
 * cover or leave overlapping it — fewest covers this month first, then the lightest week), and
 * giving a lesson to one of them (office only; a busy teacher is refused and audited). The chosen
 * teacher is told; the lesson then counts for them; when the absent teacher is the class's
 * homeroom teacher the cover also takes the class's attendance that day (attendance's
 * assignSubstitute, after the cover is stored).
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { staff, telegramAccounts } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays, isoWeekday } from '../core/clock.js';
import { displayName, formatDay, formatTime, type Notifier } from '../core/i18n/index.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { assignSubstitute } from '../attendance/service.js';
import { leaveById, type LeaveRecord } from '../staffing/leave.js';
import { schoolDaysBetween } from './calendar.js';
import { closedWeeks } from './lessons.js';
import { lessonCovers, lessons } from './schema.js';
import { subjectKey } from './subjects.js';
import { timetableOn } from './timetable.js';

export interface Slot {
  day: string;
  classId: number;
  period: number;
}

export interface CoverNeed extends Slot {
  className: string;
  starts: string;
  ends: string;
  subject: string;
  coveredBy: { staffId: number; nameKm: string; nameEn: string | null } | null;
}

/** A leave's lessons from `fromDay` on (at most `limitDays` school days), with their cover if any. */
export async function coverNeeds(ex: Executor, leave: Pick<LeaveRecord, 'schoolId' | 'staffId' | 'fromDay' | 'toDay'>, fromDay: string, limitDays = 14): Promise<CoverNeed[]> {
  const start = leave.fromDay > fromDay ? leave.fromDay : fromDay;
  const days = (await schoolDaysBetween(ex, leave.schoolId, start, leave.toDay)).slice(0, limitDays);
  const out: CoverNeed[] = [];
  for (const day of days) {
    const timetableId = await timetableOn(ex, leave.schoolId, day);
    if (timetableId === undefined) continue;
    const rows = rowsOf<{ class_id: number; class_name: string; period: number; starts: string; ends: string; subject: string; cover_id: number | null; cover_km: string | null; cover_en: string | null }>(
      await ex.execute(sql`
        select l.class_id, c.name as class_name, l.period, l.starts, l.ends, l.subject, cv.staff_id as cover_id, s.name_km as cover_km, s.name_en as cover_en
          from timetable_lessons l join classes c on c.id = l.class_id
          left join lesson_covers cv on cv.class_id = l.class_id and cv.day = ${day}::date and cv.period = l.period
          left join staff s on s.id = cv.staff_id
         where l.timetable_id = ${timetableId} and l.staff_id = ${leave.staffId} and l.weekday = ${isoWeekday(day)}
         order by l.starts`),
    );
    for (const r of rows) {
      out.push({
        day,
        classId: Number(r.class_id),
        className: r.class_name,
        period: Number(r.period),
        starts: r.starts,
        ends: r.ends,
        subject: r.subject,
        coveredBy: r.cover_id === null ? null : { staffId: Number(r.cover_id), nameKm: r.cover_km!, nameEn: r.cover_en },
      });
    }
  }
  return out;
}

export interface Candidate {
  staffId: number;
  staffCode: string;
  nameKm: string;
  nameEn: string | null;
  /** covers given this month */
  covers: number;
  /** lessons a week in the timetable */
  weekly: number;
}

/**
 * Teachers of the school free during [starts, ends) on `day`: no lesson in the timetable, no
 * cover, no approved leave overlapping it; fewest covers this month first, then lightest week.
 */
export async function freeTeachers(
  ex: Executor,
  input: { schoolId: number; day: string; starts: string; ends: string; exclude: number[]; only?: number; limit?: number },
): Promise<Candidate[]> {
  const timetableId = (await timetableOn(ex, input.schoolId, input.day)) ?? 0;
  const month = input.day.slice(0, 7);
  const wd = isoWeekday(input.day);
  const rows = rowsOf<{ id: number; staff_code: string; name_km: string; name_en: string | null; covers: number; weekly: number }>(
    await ex.execute(sql`
      select st.id, st.staff_code, st.name_km, st.name_en,
             (select count(*)::int from lesson_covers c where c.staff_id = st.id and to_char(c.day, 'YYYY-MM') = ${month}) as covers,
             (select count(*)::int from timetable_lessons l where l.timetable_id = ${timetableId} and l.staff_id = st.id) as weekly
        from staff st
        join staff_roles r on r.staff_id = st.id and r.role = 'teacher'
        left join staff_details d on d.staff_id = st.id
       where st.school_id = ${input.schoolId} and st.active and coalesce(d.status, 'active') = 'active'
         and not (st.id = any(${`{${input.exclude.join(',')}}`}::int[]))
         and (${input.only ?? null}::int is null or st.id = ${input.only ?? null}::int)
         and not exists (select 1 from timetable_lessons l where l.timetable_id = ${timetableId} and l.staff_id = st.id and l.weekday = ${wd}
                           and l.starts < ${input.ends} and ${input.starts} < l.ends)
         and not exists (select 1 from leave_requests lr where lr.staff_id = st.id and lr.status = 'approved' and ${input.day}::date between lr.from_day and lr.to_day)
         and not exists (select 1 from lesson_covers c join timetable_lessons l2 on l2.timetable_id = ${timetableId} and l2.class_id = c.class_id
                           and l2.period = c.period and l2.weekday = ${wd}
                          where c.staff_id = st.id and c.day = ${input.day}::date and l2.starts < ${input.ends} and ${input.starts} < l2.ends)
       order by covers, weekly, st.name_km
       limit ${input.limit ?? 8}`),
  );
  return rows.map((r) => ({ staffId: Number(r.id), staffCode: r.staff_code, nameKm: r.name_km, nameEn: r.name_en, covers: Number(r.covers), weekly: Number(r.weekly) }));
}

/** The lesson of a slot in the timetable holding that day, and whose it is. */
export async function slotLesson(ex: Executor, schoolId: number, slot: Slot) {
  const timetableId = await timetableOn(ex, schoolId, slot.day);
  if (timetableId === undefined) return undefined;
  const [row] = rowsOf<{ staff_id: number; starts: string; ends: string; subject: string; class_name: string; homeroom: number | null }>(
    await ex.execute(sql`
      select l.staff_id, l.starts, l.ends, l.subject, c.name as class_name, c.homeroom_staff_id as homeroom
        from timetable_lessons l join classes c on c.id = l.class_id
       where l.timetable_id = ${timetableId} and l.class_id = ${slot.classId} and l.period = ${slot.period} and l.weekday = ${isoWeekday(slot.day)}`),
  );
  return row ? { staffId: Number(row.staff_id), starts: row.starts, ends: row.ends, subject: row.subject, className: row.class_name, homeroom: row.homeroom === null ? null : Number(row.homeroom) } : undefined;
}

export type CoverResult =
  | { ok: true; cover: Candidate; className: string; attendance: 'substitute' | 'not-homeroom' | 'refused'; replaced: boolean }
  | { ok: false; reason: 'forbidden' | 'not-found' | 'no-need' | 'busy' | 'closed' };

/** The office gives one lesson of a teacher on leave to a free teacher. */
export async function assignCover(db: Db, actor: Actor, input: { leaveId: number } & Slot & { staffId: number }, notifier: Notifier): Promise<CoverResult> {
  const who = actorOf(actor.telegramUserId);
  const leave = await leaveById(db, input.leaveId);
  const deny = async (reason: Exclude<CoverResult, { ok: true }>['reason']): Promise<CoverResult> => {
    await audit(db, { actor: who, schoolId: leave?.schoolId ?? null, action: 'cover.assign', entity: 'leave', entityId: input.leaveId, outcome: 'denied', details: { reason, day: input.day, classId: input.classId, period: input.period, staffId: input.staffId } });
    return { ok: false, reason };
  };
  if (!leave) return deny('not-found');
  if (!officeMembership(actor, leave.schoolId)) return deny('forbidden');
  const lesson = await slotLesson(db, leave.schoolId, input);
  if (leave.status !== 'approved' || input.day < leave.fromDay || input.day > leave.toDay || !lesson || lesson.staffId !== leave.staffId) return deny('no-need');
  if ((await closedWeeks(db, leave.schoolId, input.day, input.day, [input.classId])).length > 0) return deny('closed');
  const [cover] = await freeTeachers(db, { schoolId: leave.schoolId, day: input.day, starts: lesson.starts, ends: lesson.ends, exclude: [leave.staffId], only: input.staffId, limit: 1 });
  const [current] = await db.select({ staffId: lessonCovers.staffId }).from(lessonCovers).where(and(eq(lessonCovers.classId, input.classId), eq(lessonCovers.day, input.day), eq(lessonCovers.period, input.period)));
  if (!cover && current?.staffId !== input.staffId) return deny('busy');
  const person = cover ?? (await staffCandidate(db, leave.schoolId, input.staffId));
  const [account] = await db
    .select({ chatId: staff.telegramUserId, locale: telegramAccounts.locale })
    .from(staff)
    .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, staff.telegramUserId))
    .where(eq(staff.id, input.staffId));
  await db.transaction(async (tx) => {
    await tx
      .insert(lessonCovers)
      .values({ schoolId: leave.schoolId, leaveId: leave.id, day: input.day, classId: input.classId, period: input.period, staffId: input.staffId, assignedBy: who })
      .onConflictDoUpdate({ target: [lessonCovers.classId, lessonCovers.day, lessonCovers.period], set: { staffId: input.staffId, assignedBy: who, leaveId: leave.id } });
    // A lesson already written (the day has begun) now counts for the cover.
    await tx
      .update(lessons)
      .set({ staffId: input.staffId, covered: true, status: 'taught', reason: null, confirmedAt: null, confirmedBy: null })
      .where(and(eq(lessons.classId, input.classId), eq(lessons.day, input.day), eq(lessons.period, input.period), sql`(${lessons.confirmedBy} = 'system' or ${lessons.confirmedAt} is null or ${lessons.covered})`));
    await audit(tx, { actor: who, schoolId: leave.schoolId, action: 'cover.assign', entity: 'leave', entityId: leave.id, details: { day: input.day, classId: input.classId, period: input.period, staffId: input.staffId, replaced: current?.staffId ?? null } });
    if (account?.chatId) {
      const locale = account.locale ?? notifier.defaultLocale;
      await addToOutbox(tx, {
        dedupeKey: `cover:${input.classId}:${input.day}:${input.period}:${input.staffId}`,
        schoolId: leave.schoolId,
        capability: 'teaching',
        entity: 'leave',
        entityId: leave.id,
        chatId: Number(account.chatId),
        payload: {
          text: notifier.t(locale, 'teaching-cover-told', {
            date: formatDay(locale, input.day),
            weekday: notifier.t(locale, `teaching-day-${isoWeekday(input.day)}`),
            starts: formatTime(locale, lesson.starts),
            ends: formatTime(locale, lesson.ends),
            class: lesson.className,
            subject: notifier.t(locale, subjectKey(lesson.subject)),
            name: displayName(locale, leave),
          }),
        },
      });
    }
  });
  // The class's attendance follows when its homeroom teacher is the one away.
  let attendance: 'substitute' | 'not-homeroom' | 'refused' = 'not-homeroom';
  if (lesson.homeroom === leave.staffId) {
    const r = await assignSubstitute(db, actor, { className: lesson.className, staffCode: person.staffCode, day: input.day });
    attendance = r.ok ? 'substitute' : 'refused';
  }
  return { ok: true, cover: person, className: lesson.className, attendance, replaced: current !== undefined && current.staffId !== input.staffId };
}

async function staffCandidate(ex: Executor, schoolId: number, staffId: number): Promise<Candidate> {
  const [row] = await ex.select({ staffCode: staff.staffCode, nameKm: staff.nameKm, nameEn: staff.nameEn }).from(staff).where(and(eq(staff.id, staffId), eq(staff.schoolId, schoolId)));
  return { staffId, staffCode: row?.staffCode ?? '', nameKm: row?.nameKm ?? '', nameEn: row?.nameEn ?? null, covers: 0, weekly: 0 };
}

/** Approved leave of a school from today on whose lessons are not all covered (for /cover). */
export async function openCovers(ex: Executor, schoolId: number, today: string): Promise<Array<{ leave: LeaveRecord; needs: CoverNeed[] }>> {
  const ids = rowsOf<{ id: number }>(
    await ex.execute(sql`select id from leave_requests where school_id = ${schoolId} and status = 'approved' and to_day >= ${today}::date and from_day <= ${addDays(today, 30)}::date order by from_day limit 10`),
  );
  const out: Array<{ leave: LeaveRecord; needs: CoverNeed[] }> = [];
  for (const { id } of ids) {
    const leave = (await leaveById(ex, Number(id)))!;
    const needs = await coverNeeds(ex, leave, today);
    if (needs.some((n) => !n.coveredBy)) out.push({ leave, needs });
  }
  return out;
}
