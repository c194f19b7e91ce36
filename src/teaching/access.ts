/**
 * What the chat asks of teaching, with the check of who may see what: the timetable pictures
 * (a teacher's own week; a class's week for its school's office, its homeroom teacher, the
 * teachers who teach it and the guardians of its children), lesson books (the owner and the
 * principal), and the lists behind the cover buttons (the office). Refusals are audited.
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import { staff, students, type Locale } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { displayName, type Notifier } from '../core/i18n/index.js';
import { schoolClock } from '../core/clock.js';
import { leaveById } from '../staffing/leave.js';
import { coverNeeds, freeTeachers, type Candidate, type CoverNeed } from './cover.js';
import { renderCandidates, renderCoverList } from './cover-view.js';
import { bookOf, bookWithOwner, lessonById, type BookLesson } from './lessons.js';
import type { View } from './lessons-view.js';
import type { BookShift } from './buttons.js';
import { timetablePictures } from './schema.js';
import { renderWeekPicture } from './timetable-render.js';
import { schoolClasses, schoolOf, timetableOn, weekOf } from './timetable.js';

type T = Notifier['t'];

/** The school day in the actor's first school's time zone (Phnom Penh without one). */
export async function todayFor(db: Db, actor: Actor, now: Date): Promise<string> {
  const schoolId = actor.staff[0]?.schoolId;
  const school = schoolId === undefined ? undefined : await schoolOf(db, schoolId);
  return schoolClock(school?.timezone ?? 'Asia/Phnom_Penh', now).day;
}

export type Scope = { kind: 'class'; classId: number } | { kind: 'staff'; staffId: number } | { kind: 'child'; studentId: number };

export type PictureResult =
  | { ok: true; fileId: string; caption: string }
  | { ok: true; png: Buffer; caption: string; remember: { timetableId: number; scope: string; locale: Locale } }
  | { ok: false; reason: 'forbidden' | 'not-found' | 'no-timetable' };

/** A week of the timetable as a picture (drawn once per timetable, scope and language). */
export async function timetablePicture(db: Db, actor: Actor, scope: Scope, today: string, locale: Locale, t: T): Promise<PictureResult> {
  const who = actorOf(actor.telegramUserId);
  let schoolId: number;
  let target: { kind: 'class'; classId: number } | { kind: 'staff'; staffId: number };
  if (scope.kind === 'child') {
    const [child] = await db.select({ classId: students.classId, schoolId: students.schoolId }).from(students).where(eq(students.id, scope.studentId));
    if (!child?.classId || !actor.childIds.includes(scope.studentId)) {
      await audit(db, { actor: who, action: 'timetable.view', entity: 'student', entityId: scope.studentId, outcome: 'denied', details: { reason: 'forbidden' } });
      return { ok: false, reason: 'forbidden' };
    }
    schoolId = child.schoolId;
    target = { kind: 'class', classId: child.classId };
  } else if (scope.kind === 'staff') {
    const mine = actor.staff.find((m) => m.staffId === scope.staffId);
    if (!mine) return { ok: false, reason: 'forbidden' };
    schoolId = mine.schoolId;
    target = scope;
  } else {
    const [cls] = rowsOf<{ school_id: number }>(await db.execute(sql`select school_id from classes where id = ${scope.classId}`));
    if (!cls) return { ok: false, reason: 'not-found' };
    schoolId = Number(cls.school_id);
    const timetableId = await timetableOn(db, schoolId, today);
    const teaches = timetableId !== undefined && actor.staff.length > 0
      ? rowsOf(await db.execute(sql`select 1 from timetable_lessons where timetable_id = ${timetableId} and class_id = ${scope.classId} and staff_id = any(${`{${actor.staff.map((m) => m.staffId).join(',')}}`}::int[]) limit 1`)).length > 0
      : false;
    const guardian = actor.childIds.length > 0 && rowsOf(await db.execute(sql`select 1 from students where class_id = ${scope.classId} and id = any(${`{${actor.childIds.join(',')}}`}::bigint[]) limit 1`)).length > 0;
    if (!officeMembership(actor, schoolId) && !actor.staff.some((m) => m.homeroomClassIds.includes(scope.classId)) && !teaches && !guardian) {
      await audit(db, { actor: who, schoolId, action: 'timetable.view', entity: 'class', entityId: scope.classId, outcome: 'denied', details: { reason: 'forbidden' } });
      return { ok: false, reason: 'forbidden' };
    }
    target = scope;
  }
  const week = await weekOf(db, schoolId, today, target.kind === 'class' ? { classId: target.classId } : { staffId: target.staffId });
  if (!week) return { ok: false, reason: 'no-timetable' };
  const key = target.kind === 'class' ? `class:${target.classId}` : `staff:${target.staffId}`;
  const caption = await captionOf(db, schoolId, target, locale, t);
  const [cached] = await db.select({ fileId: timetablePictures.fileId }).from(timetablePictures).where(and(eq(timetablePictures.timetableId, week.timetableId), eq(timetablePictures.scope, key), eq(timetablePictures.locale, locale)));
  if (cached) return { ok: true, fileId: cached.fileId, caption: caption.title };
  const png = await renderWeekPicture({ title: caption.title, subtitle: caption.subtitle, lessons: week.lessons, mode: target.kind === 'class' ? 'class' : 'teacher', locale, t });
  return { ok: true, png, caption: caption.title, remember: { timetableId: week.timetableId, scope: key, locale } };
}

async function captionOf(db: Db, schoolId: number, target: { kind: 'class'; classId: number } | { kind: 'staff'; staffId: number }, locale: Locale, t: T) {
  const school = (await schoolOf(db, schoolId))!;
  const schoolName = locale === 'km' ? school.nameKm : school.nameEn;
  if (target.kind === 'class') {
    const cls = (await schoolClasses(db, schoolId)).find((c) => c.id === target.classId);
    return { title: t(locale, 'teaching-picture-class', { class: cls?.name ?? '', shift: t(locale, `core-shift-${cls?.shift ?? 'morning'}`) }), subtitle: schoolName };
  }
  const [person] = await db.select({ nameKm: staff.nameKm, nameEn: staff.nameEn }).from(staff).where(eq(staff.id, target.staffId));
  return { title: t(locale, 'teaching-picture-teacher', { name: person ? displayName(locale, person) : '' }), subtitle: schoolName };
}

export async function rememberPicture(db: Db, key: { timetableId: number; scope: string; locale: Locale }, fileId: string): Promise<void> {
  await db.insert(timetablePictures).values({ ...key, fileId }).onConflictDoNothing();
}

/** The office's /timetable: the school, its classes, and since when the timetable holds. */
export async function timetableOverview(db: Db, schoolId: number, today: string) {
  const [school, classes, timetableId] = await Promise.all([schoolOf(db, schoolId), schoolClasses(db, schoolId), timetableOn(db, schoolId, today)]);
  const [tt] = timetableId === undefined ? [] : rowsOf<{ valid_from: string; lessons: number }>(await db.execute(sql`select t.valid_from::text as valid_from, (select count(*)::int from timetable_lessons l where l.timetable_id = t.id) as lessons from timetables t where t.id = ${timetableId}`));
  return { school: school!, classes, holds: tt ? { from: tt.valid_from, lessons: Number(tt.lessons) } : null };
}

/** Children of a guardian with a class (for a parent's /timetable). */
export async function childrenOf(db: Db, actor: Actor) {
  if (actor.childIds.length === 0) return [];
  return rowsOf<{ id: number; name_km: string; name_en: string | null; class_name: string | null }>(
    await db.execute(sql`select s.id, s.name_km, s.name_en, c.name as class_name from students s left join classes c on c.id = s.class_id
                          where s.id = any(${`{${actor.childIds.join(',')}}`}::bigint[]) and s.active order by s.name_km`),
  ).map((r) => ({ studentId: Number(r.id), nameKm: r.name_km, nameEn: r.name_en, className: r.class_name }));
}

export interface BookAccess {
  owner: number;
  ownerName: { nameKm: string; nameEn: string | null };
  schoolId: number;
  timezone: string;
  viewer: 'teacher' | 'principal';
}

/** Whose book the actor may open: their own, or (the principal) any teacher's of the school. */
export async function bookAccess(db: Db, actor: Actor, owner: number | { code: string }): Promise<BookAccess | undefined> {
  const rows = rowsOf<{ id: number; school_id: number; name_km: string; name_en: string | null; timezone: string }>(
    typeof owner === 'number'
      ? await db.execute(sql`select st.id, st.school_id, st.name_km, st.name_en, s.timezone from staff st join schools s on s.id = st.school_id where st.id = ${owner}`)
      : await db.execute(sql`select st.id, st.school_id, st.name_km, st.name_en, s.timezone from staff st join schools s on s.id = st.school_id
                              where st.school_id = any(${`{${actor.staff.map((m) => m.schoolId).join(',')}}`}::int[])
                                and (lower(st.staff_code) = lower(${owner.code}) or lower(st.staff_code) like '%-' || lower(${owner.code})) limit 1`),
  );
  const p = rows[0];
  if (!p) return undefined;
  const id = Number(p.id);
  const schoolId = Number(p.school_id);
  const own = actor.staff.some((m) => m.staffId === id);
  const principal = actor.staff.some((m) => m.schoolId === schoolId && m.roles.includes('principal'));
  if (!own && !principal) {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId, action: 'lesson.book.view', entity: 'staff', entityId: id, outcome: 'denied' });
    return undefined;
  }
  return { owner: id, ownerName: { nameKm: p.name_km, nameEn: p.name_en }, schoolId, timezone: p.timezone, viewer: principal ? 'principal' : 'teacher' };
}

export async function bookLessons(db: Db, access: BookAccess, day: string, shift: BookShift, now: Date): Promise<BookLesson[]> {
  return bookOf(db, access.owner, day, shift, now);
}

/** A book the actor may open (theirs, or any at the principal's school), read in one statement. */
export async function openBook(db: Db, actor: Actor, owner: number, day: string, shift: BookShift, now: Date): Promise<{ access: BookAccess; lessons: BookLesson[] } | undefined> {
  const found = await bookWithOwner(db, owner, day, shift, now);
  if (!found) return undefined;
  const { schoolId } = found.owner;
  const own = actor.staff.some((m) => m.staffId === owner);
  const principal = actor.staff.some((m) => m.schoolId === schoolId && m.roles.includes('principal'));
  if (!own && !principal) {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId, action: 'lesson.book.view', entity: 'staff', entityId: owner, outcome: 'denied' });
    return undefined;
  }
  return {
    access: { owner, ownerName: { nameKm: found.owner.nameKm, nameEn: found.owner.nameEn }, schoolId, timezone: found.owner.timezone, viewer: principal ? 'principal' : 'teacher' },
    lessons: found.lessons,
  };
}

/** Teachers free when a lesson is (for "taught by someone else"). */
export async function othersFor(db: Db, lessonId: number, now: Date): Promise<{ lesson: BookLesson; people: Candidate[] } | undefined> {
  const lesson = await lessonById(db, lessonId, now);
  if (!lesson) return undefined;
  const exclude = [lesson.staffId, lesson.plannedStaffId].filter((x): x is number => x !== null);
  const people = await freeTeachers(db, { schoolId: lesson.schoolId, day: lesson.day, starts: lesson.starts, ends: lesson.ends, exclude, limit: 8 });
  return { lesson, people };
}

export { lessonById };

/** The office's view of a leave's cover, or of one lesson's free teachers. */
export async function coverView(db: Db, actor: Actor, input: { leaveId: number; need?: { day: string; classId: number; period: number } }, today: string, locale: Locale, t: T): Promise<{ ok: true; view: View } | { ok: false; reason: 'forbidden' | 'not-found' | 'no-need' }> {
  const leave = await leaveById(db, input.leaveId);
  if (!leave) return { ok: false, reason: 'not-found' };
  if (!officeMembership(actor, leave.schoolId)) {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: leave.schoolId, action: 'cover.view', entity: 'leave', entityId: leave.id, outcome: 'denied' });
    return { ok: false, reason: 'forbidden' };
  }
  const needs = leave.status === 'approved' ? await coverNeeds(db, leave, today) : [];
  if (!input.need) return { ok: true, view: renderCoverList(leave, needs, locale, t) };
  const need: CoverNeed | undefined = needs.find((n) => n.day === input.need!.day && n.classId === input.need!.classId && n.period === input.need!.period);
  if (!need) return { ok: false, reason: 'no-need' };
  const candidates = await freeTeachers(db, { schoolId: leave.schoolId, day: need.day, starts: need.starts, ends: need.ends, exclude: [leave.staffId], limit: 6 });
  return { ok: true, view: renderCandidates(leave, need, candidates, locale, t) };
}
