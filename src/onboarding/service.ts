/**
 * Onboarding: who a Telegram account is in the schools' records. No grammY here: plain inputs in,
 * plain results out, every change audited in the same transaction.
 */
import { schoolBotUsername } from '../core/telegram/fleet.js';
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../core/db/client.js';
import { currentYearJoin } from '../core/db/years.js';
import {
  guardians,
  invites,
  officials,
  staff,
  staffRoles,
  studentGuardians,
  students,
  telegramAccounts,
  type StaffRole,
} from '../core/db/schema.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { normalizePhone } from '../roster/phone.js';
import { createInvite, hashCode, looksLikeInviteCode, type InviteKind } from './invites.js';
import type { Actor } from '../core/auth/actor.js';
import { mayInvite, ROLES } from '../core/auth/roles.js';

// ---------------------------------------------------------------------------------------------
// Linking by phone

export type LinkByPhoneResult =
  | { ok: true; guardiansLinked: number; staffLinked: number }
  | { ok: false; reason: 'not-own-contact' | 'bad-phone' | 'not-cambodian' | 'not-found' };

/**
 * Links the account to every guardian and staff record whose roster phone equals the shared
 * phone, in every school. Only the sender's own contact is accepted: Telegram sets
 * contact.user_id to the sender when it comes from a request_contact button.
 */
export async function linkByPhone(
  db: Db,
  input: { telegramUserId: number; contactUserId: number | undefined; phone: string },
): Promise<LinkByPhoneResult> {
  const actor = actorOf(input.telegramUserId);
  if (input.contactUserId !== input.telegramUserId) {
    await audit(db, { actor, action: 'link.phone', outcome: 'denied', details: { reason: 'not-own-contact' } });
    return { ok: false, reason: 'not-own-contact' };
  }
  const normalized = normalizePhone(input.phone);
  if (!normalized.ok) {
    return { ok: false, reason: normalized.reason === 'not-cambodian' ? 'not-cambodian' : 'bad-phone' };
  }
  const phone = normalized.e164;
  return db.transaction(async (tx) => {
    // A number moved to a new account (a new SIM owner, a new phone) is taken off the old one, so
    // the old account cannot take the records back (by an invite or the next roster import).
    const previous = await tx
      .update(telegramAccounts)
      .set({ phone: null, updatedAt: sql`now()` })
      .where(and(eq(telegramAccounts.phone, phone), ne(telegramAccounts.telegramUserId, input.telegramUserId)))
      .returning({ telegramUserId: telegramAccounts.telegramUserId });
    await audit(tx, previous.map((p) => ({ actor, action: 'phone.moved', entity: 'account', entityId: p.telegramUserId, details: { to: input.telegramUserId } })));
    await tx
      .insert(telegramAccounts)
      .values({ telegramUserId: input.telegramUserId, phone })
      .onConflictDoUpdate({ target: telegramAccounts.telegramUserId, set: { phone, updatedAt: sql`now()` } });
    const linked = await linkRecordsByPhone(tx, input.telegramUserId, phone, actor);
    if (linked.guardiansLinked + linked.staffLinked === 0) {
      // Already linked before (pressed the button twice) counts as success.
      const already = await countLinks(tx, input.telegramUserId);
      if (already === 0) {
        await audit(tx, { actor, action: 'link.phone', outcome: 'failed', details: { reason: 'not-found' } });
        return { ok: false, reason: 'not-found' } as const;
      }
    }
    return { ok: true, ...linked } as const;
  });
}

async function countLinks(tx: Tx, telegramUserId: number): Promise<number> {
  const [g] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(guardians)
    .where(eq(guardians.telegramUserId, telegramUserId));
  const [s] = await tx.select({ n: sql<number>`count(*)::int` }).from(staff).where(eq(staff.telegramUserId, telegramUserId));
  const [o] = await tx.select({ n: sql<number>`count(*)::int` }).from(officials).where(eq(officials.telegramUserId, telegramUserId));
  return (g?.n ?? 0) + (s?.n ?? 0) + (o?.n ?? 0);
}

/**
 * Links guardian and staff rows carrying this phone to the account. Also used after a roster
 * import, for people who shared their phone before the school imported it.
 */
export async function linkRecordsByPhone(
  tx: Tx,
  telegramUserId: number,
  phone: string,
  actor: string,
): Promise<{ guardiansLinked: number; staffLinked: number }> {
  // Sharing the phone is what lifts an earlier self-unlink (unlinked_at).
  const g = await tx
    .update(guardians)
    .set({ telegramUserId, unlinkedAt: null })
    .where(and(eq(guardians.phone, phone), sql`(${guardians.telegramUserId} is distinct from ${telegramUserId} or ${guardians.unlinkedAt} is not null)`))
    .returning({ id: guardians.id, schoolId: guardians.schoolId });
  const s = await tx
    .update(staff)
    .set({ telegramUserId, unlinkedAt: null, updatedAt: sql`now()` })
    .where(and(eq(staff.phone, phone), eq(staff.active, true), sql`(${staff.telegramUserId} is distinct from ${telegramUserId} or ${staff.unlinkedAt} is not null)`))
    .returning({ id: staff.id, schoolId: staff.schoolId });
  const o = await tx
    .update(officials)
    .set({ telegramUserId })
    .where(and(eq(officials.phone, phone), sql`${officials.telegramUserId} is distinct from ${telegramUserId}`))
    .returning({ id: officials.id });
  await audit(tx, [
    ...g.map((r) => ({ actor, schoolId: r.schoolId, action: 'link.guardian', entity: 'guardian', entityId: r.id, details: { telegramUserId, via: 'phone' } })),
    ...s.map((r) => ({ actor, schoolId: r.schoolId, action: 'link.staff', entity: 'staff', entityId: r.id, details: { telegramUserId, via: 'phone' } })),
    ...o.map((r) => ({ actor, action: 'link.official', entity: 'official', entityId: r.id, details: { telegramUserId, via: 'phone' } })),
  ]);
  return { guardiansLinked: g.length, staffLinked: s.length + o.length };
}

// ---------------------------------------------------------------------------------------------
// Invite codes

export type RedeemResult =
  | { ok: true; kind: InviteKind; schoolId: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' | 'revoked' };

export async function redeemInvite(
  db: Db,
  input: { telegramUserId: number; code: string; profileName: string },
): Promise<RedeemResult> {
  const actor = actorOf(input.telegramUserId);
  const code = input.code.trim();
  if (!looksLikeInviteCode(code)) {
    await audit(db, { actor, action: 'invite.redeem', outcome: 'denied', details: { reason: 'malformed' } });
    return { ok: false, reason: 'invalid' };
  }
  return db.transaction(async (tx) => {
    const [invite] = await tx.select().from(invites).where(eq(invites.codeHash, hashCode(code))).for('update');
    const deny = async (reason: 'invalid' | 'expired' | 'used' | 'revoked') => {
      await audit(tx, {
        actor,
        schoolId: invite?.schoolId ?? null,
        action: 'invite.redeem',
        entity: 'invite',
        entityId: invite?.id,
        outcome: 'denied',
        details: { reason },
      });
      return { ok: false, reason } as const;
    };
    if (!invite) return deny('invalid');
    if (invite.revokedAt) return deny('revoked');
    if (invite.usedAt) {
      // The same person opening their own link twice is not an error.
      if (invite.usedBy === input.telegramUserId) return { ok: true, kind: invite.kind, schoolId: invite.schoolId } as const;
      return deny('used');
    }
    if (invite.expiresAt.getTime() <= Date.now()) return deny('expired');

    await tx.insert(telegramAccounts).values({ telegramUserId: input.telegramUserId }).onConflictDoNothing();
    if (invite.kind === 'parent') {
      if (!invite.studentId) return deny('invalid');
      const guardianId = await guardianRowFor(tx, invite.schoolId, input.telegramUserId);
      await tx
        .insert(studentGuardians)
        .values({ studentId: invite.studentId, guardianId, schoolId: invite.schoolId, source: 'invite' })
        .onConflictDoNothing();
      await audit(tx, {
        actor,
        schoolId: invite.schoolId,
        action: 'link.guardian',
        entity: 'student',
        entityId: invite.studentId,
        details: { via: 'invite', inviteId: invite.id, guardianId },
      });
    } else {
      const staffId = await staffRowFor(tx, invite.schoolId, input.telegramUserId, invite.staffId, input.profileName);
      await tx.insert(staffRoles).values({ staffId, schoolId: invite.schoolId, role: invite.kind }).onConflictDoNothing();
      await audit(tx, {
        actor,
        schoolId: invite.schoolId,
        action: 'link.staff',
        entity: 'staff',
        entityId: staffId,
        details: { via: 'invite', inviteId: invite.id, role: invite.kind },
      });
    }
    await tx
      .update(invites)
      .set({ usedAt: sql`now()`, usedBy: input.telegramUserId })
      .where(and(eq(invites.id, invite.id), isNull(invites.usedAt)));
    return { ok: true, kind: invite.kind, schoolId: invite.schoolId } as const;
  });
}

async function guardianRowFor(tx: Tx, schoolId: number, telegramUserId: number): Promise<number> {
  const [mine] = await tx
    .select({ id: guardians.id })
    .from(guardians)
    .where(and(eq(guardians.schoolId, schoolId), eq(guardians.telegramUserId, telegramUserId)));
  if (mine) return mine.id;
  const [account] = await tx
    .select({ phone: telegramAccounts.phone })
    .from(telegramAccounts)
    .where(eq(telegramAccounts.telegramUserId, telegramUserId));
  if (account?.phone) {
    const [byPhone] = await tx
      .update(guardians)
      .set({ telegramUserId })
      // not a row its person unlinked: an invite links the one child it names, not all of them
      .where(and(eq(guardians.schoolId, schoolId), eq(guardians.phone, account.phone), isNull(guardians.unlinkedAt)))
      .returning({ id: guardians.id });
    if (byPhone) return byPhone.id;
    const [held] = await tx
      .select({ id: guardians.id })
      .from(guardians)
      .where(and(eq(guardians.schoolId, schoolId), eq(guardians.phone, account.phone)));
    if (held) {
      const [created] = await tx.insert(guardians).values({ schoolId, phone: null, telegramUserId }).returning({ id: guardians.id });
      return created!.id;
    }
  }
  const [created] = await tx
    .insert(guardians)
    .values({ schoolId, phone: account?.phone ?? null, telegramUserId })
    .returning({ id: guardians.id });
  return created!.id;
}

async function staffRowFor(
  tx: Tx,
  schoolId: number,
  telegramUserId: number,
  staffId: number | null,
  profileName: string,
): Promise<number> {
  if (staffId) {
    await tx.update(staff).set({ telegramUserId, active: true, updatedAt: sql`now()` }).where(eq(staff.id, staffId));
    return staffId;
  }
  const [mine] = await tx
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.schoolId, schoolId), eq(staff.telegramUserId, telegramUserId)));
  if (mine) return mine.id;
  const [created] = await tx
    .insert(staff)
    .values({ schoolId, staffCode: `TG${telegramUserId}`, nameKm: profileName || `TG${telegramUserId}`, telegramUserId })
    .onConflictDoUpdate({ target: [staff.schoolId, staff.staffCode], set: { telegramUserId, active: true } })
    .returning({ id: staff.id });
  return created!.id;
}

// ---------------------------------------------------------------------------------------------
// Who am I

export interface WhoAmI {
  offices: Array<{ provinceNameKm: string | null; provinceNameEn: string | null }>;
  staff: Array<{
    staffId: number;
    schoolCode: string;
    schoolNameKm: string;
    schoolNameEn: string;
    roles: StaffRole[];
    homeroomClasses: string[];
  }>;
  guardianOf: Array<{
    guardianId: number;
    schoolCode: string;
    schoolNameKm: string;
    schoolNameEn: string;
    children: Array<{ studentId: number; nameKm: string; nameEn: string | null; className: string | null }>;
  }>;
}

/**
 * Everything this account is linked to, in ONE statement (staff posts with roles and this year's
 * homerooms, children per guardian record, offices): /whoami is common enough that three reads
 * per call showed in the mixed-updates benchmark. Read fresh every time (no cache), so a link or
 * role that ends is gone from the answer at once.
 */
export async function whoAmI(db: Db, telegramUserId: number): Promise<WhoAmI> {
  const uid = telegramUserId;
  const [row] = rowsOf<{ staff: unknown; children: unknown; offices: unknown }>(
    await db.execute(sql`
      select
        (select coalesce(json_agg(x order by x."staffId"), '[]'::json) from (
           select s.id as "staffId", sc.code as "schoolCode", sc.name_km as "schoolNameKm", sc.name_en as "schoolNameEn",
                  coalesce((select json_agg(r.role) from staff_roles r where r.staff_id = s.id), '[]'::json) as roles,
                  coalesce((select json_agg(c.name order by c.grade, c.section) from classes c ${currentYearJoin('c')}
                             where c.homeroom_staff_id = s.id), '[]'::json) as "homeroomClasses"
             from staff s join schools sc on sc.id = s.school_id
            where s.telegram_user_id = ${uid} and s.active) x) as staff,
        (select coalesce(json_agg(json_build_object('guardianId', g.id, 'schoolCode', sc.code, 'schoolNameKm', sc.name_km,
                  'schoolNameEn', sc.name_en, 'studentId', st.id, 'nameKm', st.name_km, 'nameEn', st.name_en, 'className', c.name)
                  order by g.id, c.grade, st.name_km), '[]'::json)
           from guardians g join schools sc on sc.id = g.school_id
           join student_guardians sg on sg.guardian_id = g.id
           join students st on st.id = sg.student_id and st.active
           left join classes c on c.id = st.class_id
          where g.telegram_user_id = ${uid}) as children,
        (select coalesce(json_agg(json_build_object('provinceNameKm', p.name_km, 'provinceNameEn', p.name_en)), '[]'::json)
           from officials o left join provinces p on p.id = o.province_id
          where o.telegram_user_id = ${uid}) as offices`),
  );
  const json = <T,>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const staffOut = json<WhoAmI['staff']>(row!.staff);
  const childRows = json<Array<WhoAmI['guardianOf'][number]['children'][number] & Omit<WhoAmI['guardianOf'][number], 'children'>>>(row!.children);
  const byGuardian = new Map<number, WhoAmI['guardianOf'][number]>();
  for (const r of childRows) {
    let g = byGuardian.get(r.guardianId);
    if (!g) {
      g = { guardianId: r.guardianId, schoolCode: r.schoolCode, schoolNameKm: r.schoolNameKm, schoolNameEn: r.schoolNameEn, children: [] };
      byGuardian.set(r.guardianId, g);
    }
    g.children.push({ studentId: r.studentId, nameKm: r.nameKm, nameEn: r.nameEn, className: r.className });
  }
  return { offices: json<WhoAmI['offices']>(row!.offices), staff: staffOut, guardianOf: [...byGuardian.values()] };
}

// ---------------------------------------------------------------------------------------------
// Unlinking

export type UnlinkTarget = { kind: 'guardian'; id: number } | { kind: 'staff'; id: number } | { kind: 'all' };

/**
 * Removes the link between this account and a record. Checks ownership in the WHERE clause, so a
 * forged or stale button for someone else's record changes nothing. Returns how many links went.
 */
export async function unlink(db: Db, telegramUserId: number, target: UnlinkTarget): Promise<number> {
  const actor = actorOf(telegramUserId);
  return db.transaction(async (tx) => {
    let g: Array<{ id: number; schoolId: number }> = [];
    let s: Array<{ id: number; schoolId: number }> = [];
    if (target.kind !== 'staff') {
      g = await tx
        .update(guardians)
        .set({ telegramUserId: null, unlinkedAt: sql`now()` })
        .where(
          and(eq(guardians.telegramUserId, telegramUserId), target.kind === 'guardian' ? eq(guardians.id, target.id) : undefined),
        )
        .returning({ id: guardians.id, schoolId: guardians.schoolId });
    }
    if (target.kind !== 'guardian') {
      s = await tx
        .update(staff)
        .set({ telegramUserId: null, unlinkedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(staff.telegramUserId, telegramUserId), target.kind === 'staff' ? eq(staff.id, target.id) : undefined))
        .returning({ id: staff.id, schoolId: staff.schoolId });
    }
    if (target.kind === 'all') {
      const o = await tx
        .update(officials)
        .set({ telegramUserId: null })
        .where(eq(officials.telegramUserId, telegramUserId))
        .returning({ id: officials.id });
      await audit(tx, o.map((r) => ({ actor, action: 'unlink.official', entity: 'official', entityId: r.id })));
      // Forget the phone too: linking again needs a fresh contact share.
      await tx
        .update(telegramAccounts)
        .set({ phone: null, updatedAt: sql`now()` })
        .where(eq(telegramAccounts.telegramUserId, telegramUserId));
    }
    const entries = [
      ...g.map((r) => ({ actor, schoolId: r.schoolId, action: 'unlink.guardian', entity: 'guardian', entityId: r.id })),
      ...s.map((r) => ({ actor, schoolId: r.schoolId, action: 'unlink.staff', entity: 'staff', entityId: r.id })),
    ];
    if (entries.length === 0 && target.kind !== 'all') {
      // Not theirs, or already gone: a stale or forged button.
      await audit(tx, { actor, action: 'unlink', entity: target.kind, entityId: target.id, outcome: 'denied' });
    }
    await audit(tx, entries);
    return g.length + s.length;
  });
}

// ---------------------------------------------------------------------------------------------
// Invites issued from the bot by staff

export type StaffInviteResult =
  | { ok: true; code: string; expiresAt: Date; schoolId: number; botUsername?: string; staff?: { nameKm: string; nameEn: string | null; staffCode: string } }
  | { ok: false; reason: 'forbidden' | 'unknown-student' | 'unknown-staff' };


export async function inviteAsStaff(
  db: Db,
  actor: Actor,
  input: { kind: InviteKind; studentCode?: string; staffCode?: string },
): Promise<StaffInviteResult> {
  const who = actorOf(actor.telegramUserId);
  // Who may invite whom is the role table's (core/auth/roles.ts).
  const memberships = actor.staff.filter((m) => mayInvite(m.roles, input.kind));
  const deny = async (reason: 'forbidden' | 'unknown-student' | 'unknown-staff', schoolId?: number) => {
    await audit(db, { actor: who, schoolId: schoolId ?? null, action: 'invite.create', outcome: 'denied', details: { kind: input.kind, reason } });
    return { ok: false, reason } as const;
  };
  if (memberships.length === 0) return deny('forbidden');
  let studentId: number | undefined;
  let schoolId = memberships[0]!.schoolId;
  if (input.kind === 'parent') {
    const code = (input.studentCode ?? '').trim();
    const found = await db
      .select({ id: students.id, schoolId: students.schoolId, classId: students.classId })
      .from(students)
      .where(and(eq(students.studentCode, code), inArray(students.schoolId, memberships.map((m) => m.schoolId))));
    const student = found.find((s) => {
      const m = memberships.find((mm) => mm.schoolId === s.schoolId)!;
      // The school's office invites for any student; a teacher only for their own homeroom classes.
      return m.roles.some((r) => ROLES[r].schoolOffice) || (s.classId !== null && m.homeroomClassIds.includes(s.classId));
    });
    if (!student) return deny(found.length > 0 ? 'forbidden' : 'unknown-student', found[0]?.schoolId);
    studentId = student.id;
    schoolId = student.schoolId;
  }
  // A staff code names the roster's row: the invited person becomes that teacher (their classes,
  // their timetable), not a new nameless one.
  let staffRow: { id: number; schoolId: number; nameKm: string; nameEn: string | null; staffCode: string } | undefined;
  if (input.kind !== 'parent' && input.staffCode) {
    const code = input.staffCode.trim().toUpperCase();
    const found = await db
      .select({ id: staff.id, schoolId: staff.schoolId, nameKm: staff.nameKm, nameEn: staff.nameEn, staffCode: staff.staffCode })
      .from(staff)
      .where(and(sql`upper(${staff.staffCode}) = ${code}`, inArray(staff.schoolId, memberships.map((m) => m.schoolId))));
    staffRow = found[0];
    if (!staffRow) return deny('unknown-staff');
    schoolId = staffRow.schoolId;
  }
  const invite = await createInvite(db, { schoolId, kind: input.kind, studentId, staffId: staffRow?.id, createdBy: who });
  return {
    ok: true,
    code: invite.code,
    expiresAt: invite.expiresAt,
    schoolId,
    /** the bot of the school's fleet, when it is not the default bot: the link names it */
    botUsername: await schoolBotUsername(db, schoolId),
    ...(staffRow ? { staff: { nameKm: staffRow.nameKm, nameEn: staffRow.nameEn, staffCode: staffRow.staffCode } } : {}),
  };
}
