/**
 * Who is talking to the bot: the Telegram account and every role it holds. Loaded once per
 * update with two indexed queries; every capability decides from this what the user may do and
 * then checks the exact record it touches.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { classes, guardians, schools, staff, staffRoles, studentGuardians, telegramAccounts, type Locale, type StaffRole } from '../db/schema.js';

export interface StaffMembership {
  staffId: number;
  schoolId: number;
  schoolCode: string;
  roles: StaffRole[];
  /** class ids where this person is the homeroom teacher */
  homeroomClassIds: number[];
}

export interface Actor {
  telegramUserId: number;
  locale: Locale | null;
  hasPhone: boolean;
  staff: StaffMembership[];
  /** guardian rows (one per school) linked to this account */
  guardianIds: number[];
  /** student ids this account is a guardian of */
  childIds: number[];
}

export type AppRole = StaffRole | 'parent';

export function rolesOf(actor: Actor): AppRole[] {
  const roles = new Set<AppRole>();
  for (const m of actor.staff) for (const r of m.roles) roles.add(r);
  if (actor.childIds.length > 0) roles.add('parent');
  // Stable order: the most powerful first.
  return (['principal', 'operator', 'teacher', 'parent'] as const).filter((r) => roles.has(r));
}

export function hasRole(actor: Actor, role: AppRole, schoolId?: number): boolean {
  if (role === 'parent') return actor.childIds.length > 0;
  return actor.staff.some((m) => m.roles.includes(role) && (schoolId === undefined || m.schoolId === schoolId));
}

export async function loadActor(db: Db, telegramUserId: number): Promise<Actor> {
  const [account] = await db
    .select({ locale: telegramAccounts.locale, phone: telegramAccounts.phone })
    .from(telegramAccounts)
    .where(eq(telegramAccounts.telegramUserId, telegramUserId));

  const staffRows = await db
    .select({ staffId: staff.id, schoolId: staff.schoolId, schoolCode: schools.code, role: staffRoles.role })
    .from(staff)
    .innerJoin(schools, eq(schools.id, staff.schoolId))
    .leftJoin(staffRoles, eq(staffRoles.staffId, staff.id))
    .where(and(eq(staff.telegramUserId, telegramUserId), eq(staff.active, true)));

  const memberships = new Map<number, StaffMembership>();
  for (const r of staffRows) {
    let m = memberships.get(r.staffId);
    if (!m) {
      m = { staffId: r.staffId, schoolId: r.schoolId, schoolCode: r.schoolCode, roles: [], homeroomClassIds: [] };
      memberships.set(r.staffId, m);
    }
    if (r.role && !m.roles.includes(r.role)) m.roles.push(r.role);
  }
  if (memberships.size > 0) {
    const homerooms = await db
      .select({ id: classes.id, staffId: classes.homeroomStaffId })
      .from(classes)
      .where(inArray(classes.homeroomStaffId, [...memberships.keys()]));
    for (const h of homerooms) if (h.staffId !== null) memberships.get(h.staffId)?.homeroomClassIds.push(h.id);
  }

  const links = await db
    .select({ guardianId: guardians.id, studentId: studentGuardians.studentId })
    .from(guardians)
    .leftJoin(studentGuardians, eq(studentGuardians.guardianId, guardians.id))
    .where(eq(guardians.telegramUserId, telegramUserId));

  return {
    telegramUserId,
    locale: account?.locale ?? null,
    hasPhone: Boolean(account?.phone),
    staff: [...memberships.values()],
    guardianIds: [...new Set(links.map((l) => l.guardianId))],
    childIds: [...new Set(links.flatMap((l) => (l.studentId === null ? [] : [l.studentId])))],
  };
}
