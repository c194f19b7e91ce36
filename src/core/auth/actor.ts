/**
 * Who is talking to the bot: the Telegram account and every role it holds. Loaded once per
 * update with two indexed queries; every capability decides from this what the user may do and
 * then checks the exact record it touches.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Locale, StaffRole } from '../db/schema.js';

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
  /** hash of the command list this chat was last given (see core/telegram/commands.ts) */
  commandsHash: string | null;
  staff: StaffMembership[];
  /** guardian rows (one per school) linked to this account */
  guardianIds: number[];
  /** student ids this account is a guardian of */
  childIds: number[];
  /** provincial offices (province id) or the national one (null) this account speaks for */
  officeProvinces: Array<number | null>;
}

export type AppRole = StaffRole | 'parent' | 'director';

export function rolesOf(actor: Actor): AppRole[] {
  const roles = new Set<AppRole>();
  for (const m of actor.staff) for (const r of m.roles) roles.add(r);
  if (actor.childIds.length > 0) roles.add('parent');
  if (actor.officeProvinces.length > 0) roles.add('director');
  // Stable order: the widest view first.
  return (['director', 'principal', 'operator', 'teacher', 'gatekeeper', 'parent'] as const).filter((r) => roles.has(r));
}

export function hasRole(actor: Actor, role: AppRole, schoolId?: number): boolean {
  if (role === 'parent') return actor.childIds.length > 0;
  if (role === 'director') return actor.officeProvinces.length > 0;
  return actor.staff.some((m) => m.roles.includes(role) && (schoolId === undefined || m.schoolId === schoolId));
}

/**
 * One round trip: the account's language, its staff memberships (roles, homeroom classes) and
 * the children it is a guardian of. Runs for every update, so it is a single statement.
 */
export async function loadActor(
  db: Db,
  telegramUserId: number,
  opts: { touch?: boolean; storageKey?: string; onStored?: (value: unknown) => void } = {},
): Promise<Actor> {
  // With `touch` (every update): the account row is created if new, and marked reachable (they
  // just wrote to us), in the same statement.
  const touch = opts.touch
    ? sql`with touched as (
        insert into telegram_accounts (telegram_user_id) values (${telegramUserId})
        on conflict (telegram_user_id) do update set unreachable_at = null
        where telegram_accounts.unreachable_at is not null
        returning 1)`
    : sql``;
  const result = await db.execute(sql`
    ${touch}
    select
      (select locale from telegram_accounts where telegram_user_id = ${telegramUserId}) as locale,
      (select phone is not null from telegram_accounts where telegram_user_id = ${telegramUserId}) as has_phone,
      (select commands_hash from telegram_accounts where telegram_user_id = ${telegramUserId}) as commands_hash,
      ${opts.storageKey ? sql`(select value from bot_storage where key = ${opts.storageKey})` : sql`null`} as stored,
      (select coalesce(json_agg(json_build_object(
                'staffId', st.id, 'schoolId', st.school_id, 'schoolCode', sc.code,
                'roles', coalesce((select json_agg(r.role order by r.role) from staff_roles r where r.staff_id = st.id), '[]'::json),
                'homeroomClassIds', coalesce((select json_agg(c.id order by c.id) from classes c where c.homeroom_staff_id = st.id), '[]'::json)
              ) order by st.id), '[]'::json)
         from staff st join schools sc on sc.id = st.school_id
        where st.telegram_user_id = ${telegramUserId} and st.active) as staff,
      (select coalesce(json_agg(json_build_object('guardianId', g.id,
                'childIds', coalesce((select json_agg(sg.student_id) from student_guardians sg where sg.guardian_id = g.id), '[]'::json))), '[]'::json)
         from guardians g where g.telegram_user_id = ${telegramUserId}) as guardians,
      (select coalesce(json_agg(o.province_id), '[]'::json) from officials o where o.telegram_user_id = ${telegramUserId}) as offices`);
  const row = (Array.isArray(result) ? result[0] : (result as { rows: unknown[] }).rows[0]) as {
    locale: Locale | null;
    has_phone: boolean | null;
    commands_hash: string | null;
    stored: unknown;
    staff: StaffMembership[] | string;
    guardians: Array<{ guardianId: number; childIds: Array<number | string> }> | string;
    offices: Array<number | null> | string;
  };
  // PGlite returns json as text in some versions; postgres.js parses it.
  // A chat's conversation state, read in the same round trip (see core/telegram/bot.ts).
  opts.onStored?.(typeof row.stored === 'string' ? JSON.parse(row.stored) : (row.stored ?? undefined));
  const staffList = (typeof row.staff === 'string' ? JSON.parse(row.staff) : row.staff) as StaffMembership[];
  const guardianList = (typeof row.guardians === 'string' ? JSON.parse(row.guardians) : row.guardians) as Array<{ guardianId: number; childIds: Array<number | string> }>;
  return {
    telegramUserId,
    locale: row.locale ?? null,
    hasPhone: Boolean(row.has_phone),
    commandsHash: row.commands_hash ?? null,
    staff: staffList.map((m) => ({ ...m, staffId: Number(m.staffId), schoolId: Number(m.schoolId), homeroomClassIds: m.homeroomClassIds.map(Number) })),
    guardianIds: guardianList.map((g) => Number(g.guardianId)),
    childIds: [...new Set(guardianList.flatMap((g) => g.childIds.map(Number)))],
    officeProvinces: (typeof row.offices === 'string' ? (JSON.parse(row.offices) as Array<number | null>) : row.offices).map((p) => (p === null ? null : Number(p))),
  };
}
