/**
 * Who is talking to the bot: the Telegram account and every role it holds. Loaded once per
 * update with one statement (shared by the updates that arrive together); every capability
 * decides from this what the user may do and then checks the exact record it touches.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.js';
import { createMicroBatcher, pgArrayLiteral, type MicroBatcher } from '../db/batch.js';
import type { Locale } from '../db/schema.js';
import { ROLE_ORDER, ROLES, type AppRole, type StaffRole } from './roles.js';

export type { AppRole, StaffRole };

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

export function rolesOf(actor: Actor): AppRole[] {
  const roles = new Set<AppRole>();
  for (const m of actor.staff) for (const r of m.roles) roles.add(r);
  if (actor.childIds.length > 0) roles.add('parent');
  if (actor.officeProvinces.length > 0) roles.add('director');
  return ROLE_ORDER.filter((r) => roles.has(r));
}

export function hasRole(actor: Actor, role: AppRole, schoolId?: number): boolean {
  if (role === 'parent') return actor.childIds.length > 0;
  if (role === 'director') return actor.officeProvinces.length > 0;
  return actor.staff.some((m) => m.roles.includes(role) && (schoolId === undefined || m.schoolId === schoolId));
}

/**
 * One round trip: the account's language, its staff memberships (roles, homeroom classes) and
 * the children it is a guardian of. Runs for every update, so it is a single statement, and the
 * loads of updates that arrive together share one (core/db/batch.ts).
 */
export async function loadActor(
  db: Db,
  telegramUserId: number,
  opts: { touch?: boolean; storageKey?: string; onStored?: (value: unknown) => void } = {},
): Promise<Actor> {
  const row = await loaderFor(db).add({ telegramUserId, touch: Boolean(opts.touch), storageKey: opts.storageKey ?? null });
  // A chat's conversation state, read in the same round trip (see core/telegram/bot.ts).
  // PGlite returns json as text in some versions; postgres.js parses it.
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

interface ActorRequest {
  telegramUserId: number;
  /** create the account row if new and mark it reachable (they just wrote to us) */
  touch: boolean;
  storageKey: string | null;
}

interface ActorRow {
  idx: number;
  locale: Locale | null;
  has_phone: boolean | null;
  commands_hash: string | null;
  stored: unknown;
  staff: StaffMembership[] | string;
  guardians: Array<{ guardianId: number; childIds: Array<number | string> }> | string;
  offices: Array<number | null> | string;
}

const loaders = new WeakMap<Db, MicroBatcher<ActorRequest, ActorRow>>();

function loaderFor(db: Db): MicroBatcher<ActorRequest, ActorRow> {
  let loader = loaders.get(db);
  if (!loader) {
    loader = createMicroBatcher<ActorRequest, ActorRow>({
      // The same account twice in one statement would make its upsert meet one row twice.
      keyOf: (r) => r.telegramUserId,
      run: async (requests) => {
        const rows = await loadActorRows(db, requests);
        const byIdx = new Map(rows.map((r) => [Number(r.idx), r]));
        return requests.map((_, i) => byIdx.get(i)!);
      },
    });
    loaders.set(db, loader);
  }
  return loader;
}

async function loadActorRows(db: Db, requests: ActorRequest[]): Promise<ActorRow[]> {
  const result = await db.execute(sql`
    with ids as (
      select * from unnest(${pgArrayLiteral(requests.map((_, i) => i))}::int[], ${pgArrayLiteral(requests.map((r) => r.telegramUserId))}::bigint[],
                           ${pgArrayLiteral(requests.map((r) => r.touch))}::boolean[], ${pgArrayLiteral(requests.map((r) => r.storageKey))}::text[])
        as i(idx, uid, touch, skey)),
    touched as (
      insert into telegram_accounts (telegram_user_id) select uid from ids where touch
      on conflict (telegram_user_id) do update set unreachable_at = null
      where telegram_accounts.unreachable_at is not null
      returning 1)
    select ids.idx,
      ta.locale, ta.phone is not null as has_phone, ta.commands_hash,
      (select value from bot_storage where key = ids.skey) as stored,
      (select coalesce(json_agg(json_build_object(
                'staffId', st.id, 'schoolId', st.school_id, 'schoolCode', sc.code,
                'roles', coalesce((select json_agg(r.role order by r.role) from staff_roles r where r.staff_id = st.id), '[]'::json),
                'homeroomClassIds', coalesce((select json_agg(c.id order by c.id) from classes c where c.homeroom_staff_id = st.id), '[]'::json)
              ) order by st.id), '[]'::json)
         from staff st join schools sc on sc.id = st.school_id
        where st.telegram_user_id = ids.uid and st.active) as staff,
      (select coalesce(json_agg(json_build_object('guardianId', g.id,
                'childIds', coalesce((select json_agg(sg.student_id) from student_guardians sg where sg.guardian_id = g.id), '[]'::json))), '[]'::json)
         from guardians g where g.telegram_user_id = ids.uid) as guardians,
      (select coalesce(json_agg(o.province_id), '[]'::json) from officials o where o.telegram_user_id = ids.uid) as offices
    from ids left join telegram_accounts ta on ta.telegram_user_id = ids.uid`);
  return rowsOf<ActorRow>(result);
}

/**
 * The actor's membership in a school's office (principal or operator), at `schoolId` or at the
 * first school where they hold one; undefined when they hold none.
 */
export function officeMembership(actor: Actor, schoolId?: number): StaffMembership | undefined {
  return actor.staff.find((m) => (schoolId === undefined || m.schoolId === schoolId) && m.roles.some((r) => ROLES[r].schoolOffice));
}
