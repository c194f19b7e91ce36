/**
 * Who may announce, to which classes, and the school's hours: a principal or operator speaks for
 * their school, a teacher for their own homeroom classes; ordinary announcements outside school
 * hours go silently.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Executor } from '../core/db/client.js';
import { classes, schools, staff } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { schoolClock } from '../core/clock.js';
import { isSchoolDay } from '../attendance/service.js';
import { schoolDayBounds } from './rules.js';
import { classGroups, type Audience } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Who may announce, to which classes

export interface ScopeClass {
  id: number;
  name: string;
  grade: number;
  hasGroup: boolean;
}

export interface AnnounceScope {
  ok: true;
  schoolId: number;
  schoolNameKm: string;
  schoolNameEn: string;
  timezone: string;
  role: 'office' | 'teacher';
  staffId: number;
  authorNameKm: string;
  authorNameEn: string | null;
  /** office: every class of the school this year; teacher: their homeroom classes */
  classes: ScopeClass[];
}

export type ScopeDenied = { ok: false; reason: 'forbidden' | 'no-classes' };

/**
 * What this person may announce to. A principal or operator: their school (the first such
 * membership); a teacher: their own homeroom classes. Refusals are audited.
 */
export async function announceScope(db: Db, actor: Actor): Promise<AnnounceScope | ScopeDenied> {
  const office = officeMembership(actor);
  const teacher = actor.staff.find((m) => m.roles.includes('teacher') && m.homeroomClassIds.length > 0);
  const membership = office ?? teacher;
  if (!membership) {
    const reason = actor.staff.some((m) => m.roles.includes('teacher')) ? 'no-classes' : 'forbidden';
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: actor.staff[0]?.schoolId ?? null, action: 'announce.start', outcome: 'denied', details: { reason } });
    return { ok: false, reason };
  }
  const [row] = await db
    .select({ nameKm: schools.nameKm, nameEn: schools.nameEn, timezone: schools.timezone, authorKm: staff.nameKm, authorEn: staff.nameEn })
    .from(schools)
    .innerJoin(staff, eq(staff.id, membership.staffId))
    .where(eq(schools.id, membership.schoolId));
  const list = await db
    .select({ id: classes.id, name: classes.name, grade: classes.grade, group: classGroups.chatId })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .leftJoin(classGroups, eq(classGroups.classId, classes.id))
    .where(
      and(
        eq(classes.schoolId, membership.schoolId),
        office ? undefined : inArray(classes.id, membership.homeroomClassIds),
      ),
    )
    .orderBy(classes.grade, classes.section, classes.id);
  return {
    ok: true,
    schoolId: membership.schoolId,
    schoolNameKm: row!.nameKm,
    schoolNameEn: row!.nameEn,
    timezone: row!.timezone,
    role: office ? 'office' : 'teacher',
    staffId: membership.staffId,
    authorNameKm: row!.authorKm,
    authorNameEn: row!.authorEn,
    classes: list.map((c) => ({ id: c.id, name: c.name, grade: c.grade, hasGroup: c.group !== null })),
  };
}

/** Whether the audience is one this scope allows: teachers their own classes only. */
export function audienceAllowed(scope: AnnounceScope, audience: Audience): boolean {
  const own = new Set(scope.classes.map((c) => c.id));
  if (audience.kind === 'classes') return audience.classIds.length > 0 && audience.classIds.every((id) => own.has(id));
  if (scope.role !== 'office') return false;
  if (audience.kind === 'grades') return audience.grades.length > 0 && audience.grades.every((g) => Number.isInteger(g) && g >= 1 && g <= 12);
  return audience.kind === 'school' || audience.kind === 'staff' || audience.kind === 'parents';
}

/** The classes an audience reaches (none for staff only). */
export function audienceClasses(scope: AnnounceScope, audience: Audience): ScopeClass[] {
  switch (audience.kind) {
    case 'staff':
      return [];
    case 'school':
    case 'parents':
      return scope.classes;
    case 'grades':
      return scope.classes.filter((c) => audience.grades.includes(c.grade));
    case 'classes':
      return scope.classes.filter((c) => audience.classIds.includes(c.id));
  }
}

// ---------------------------------------------------------------------------------------------
// School hours

/**
 * School hours: a school day (the school's week, its holidays) from the first shift's start to
 * the last shift's end, in the school's time zone. Outside them ordinary announcements go silently.
 */
export async function outsideSchoolHours(ex: Executor, schoolId: number, at: Date): Promise<boolean> {
  const [school] = await ex.select({ timezone: schools.timezone, shifts: schools.shifts }).from(schools).where(eq(schools.id, schoolId));
  if (!school) return true;
  const local = schoolClock(school.timezone, at);
  if (!(await isSchoolDay(ex, schoolId, local.day))) return true;
  const { start, end } = schoolDayBounds(school.shifts);
  return local.time < start || local.time >= end;
}
