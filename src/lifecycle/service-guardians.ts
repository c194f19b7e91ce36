/**
 * The office's view of a child's guardians, and removing a link (made by the roster or by an
 * invite) with a reason code. Reads and removals are audited with ids only; a student outside the
 * actor's school gets the same "not found" as one that does not exist.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.js';
import { guardians, outbox, studentGuardians, students } from '../core/db/schema.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';

export const REMOVAL_REASONS = ['not-guardian', 'family-request', 'court-order'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

export interface GuardianLink {
  guardianId: number;
  name: string | null;
  relation: string;
  source: string;
  linked: boolean;
}

export type GuardiansResult =
  | { ok: true; student: { id: number; nameKm: string; nameEn: string | null }; links: GuardianLink[] }
  | { ok: false; reason: 'not-office' | 'not-found' };

/** Student codes are short; anything longer is not one (and is not echoed anywhere). */
const MAX_CODE = 40;

export async function guardiansOf(db: Db, actor: Actor, studentCode: string): Promise<GuardiansResult> {
  const who = actorOf(actor.telegramUserId);
  const office = officeMembership(actor);
  if (!office) {
    await audit(db, { actor: who, action: 'guardians.read', outcome: 'denied', details: { reason: 'not-office' } });
    return { ok: false, reason: 'not-office' };
  }
  const code = studentCode.trim();
  const [student] =
    code.length > 0 && code.length <= MAX_CODE
      ? await db
          .select({ id: students.id, nameKm: students.nameKm, nameEn: students.nameEn })
          .from(students)
          .where(and(eq(students.schoolId, office.schoolId), eq(students.studentCode, code)))
      : [];
  if (!student) {
    await audit(db, { actor: who, schoolId: office.schoolId, action: 'guardians.read', outcome: 'denied', details: { reason: 'not-found' } });
    return { ok: false, reason: 'not-found' };
  }
  const links = await db
    .select({
      guardianId: guardians.id,
      name: guardians.name,
      relation: studentGuardians.relation,
      source: studentGuardians.source,
      linked: sql<boolean>`${guardians.telegramUserId} is not null`,
    })
    .from(studentGuardians)
    .innerJoin(guardians, eq(guardians.id, studentGuardians.guardianId))
    .where(eq(studentGuardians.studentId, student.id))
    .orderBy(studentGuardians.priority, guardians.id);
  await audit(db, { actor: who, schoolId: office.schoolId, action: 'guardians.read', entity: 'student', entityId: student.id });
  return { ok: true, student, links };
}

export type RemoveResult = { ok: true } | { ok: false; reason: 'not-office' | 'not-found' };

/** Ends one child↔guardian link; messages still waiting for that guardian about the child are cancelled. */
export async function removeGuardianLink(
  db: Db,
  actor: Actor,
  input: { studentId: number; guardianId: number; reason: RemovalReason },
): Promise<RemoveResult> {
  const who = actorOf(actor.telegramUserId);
  const office = officeMembership(actor);
  return db.transaction(async (tx) => {
    const removed = office
      ? await tx
          .delete(studentGuardians)
          .where(
            and(
              eq(studentGuardians.studentId, input.studentId),
              eq(studentGuardians.guardianId, input.guardianId),
              eq(studentGuardians.schoolId, office.schoolId),
            ),
          )
          .returning({ source: studentGuardians.source })
      : [];
    if (!office || removed.length === 0) {
      await audit(tx, {
        actor: who,
        schoolId: office?.schoolId ?? null,
        action: 'guardian.remove',
        entity: 'student',
        entityId: input.studentId,
        outcome: 'denied',
        details: { guardianId: input.guardianId, reason: office ? 'not-found' : 'not-office' },
      });
      return { ok: false, reason: office ? 'not-found' : 'not-office' } as const;
    }
    const [g] = await tx.select({ telegramUserId: guardians.telegramUserId }).from(guardians).where(eq(guardians.id, input.guardianId));
    let cancelled = 0;
    if (g?.telegramUserId) {
      const rows = await tx
        .update(outbox)
        .set({ status: 'cancelled', lastError: 'guardian link removed' })
        .where(and(eq(outbox.status, 'pending'), eq(outbox.chatId, g.telegramUserId), inArray(outbox.studentId, [input.studentId])))
        .returning({ id: outbox.id });
      cancelled = rows.length;
    }
    await audit(tx, {
      actor: who,
      schoolId: office.schoolId,
      action: 'guardian.remove',
      entity: 'student',
      entityId: input.studentId,
      details: { guardianId: input.guardianId, reason: input.reason, source: removed[0]!.source, messagesCancelled: cancelled },
    });
    return { ok: true } as const;
  });
}
