/**
 * Leaving takes effect at once. A student who left (or moved to another school) keeps the record
 * and its history, but loses the links to guardians and every message still waiting about them;
 * a member of staff who left loses roles, homerooms, future substitutions and the account link.
 * Called inside the transaction of the change that caused it (a roster import, an office action).
 */
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../core/db/client.js';
import { classes, outbox, staff, staffRoles, studentGuardians, students } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { classSubstitutes } from '../attendance/schema.js';

const CHUNK = 1000;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

export interface StudentsLeave {
  schoolId: number;
  studentIds: number[];
  status: 'left' | 'transferred';
  /** a reason code, never typed text */
  reason: string;
  /** status 'transferred': the school that enrolled them */
  toSchoolId?: number;
  actor: string;
}

/** Returns the students that were enrolled and are not any more. */
export async function studentsLeave(tx: Tx, input: StudentsLeave): Promise<number[]> {
  const gone: number[] = [];
  for (const part of chunks(input.studentIds)) {
    const rows = await tx
      .update(students)
      .set({ active: false, status: input.status, statusOn: sql`current_date`, statusReason: input.reason, transferredToSchoolId: input.toSchoolId ?? null, updatedAt: sql`now()` })
      .where(and(eq(students.schoolId, input.schoolId), inArray(students.id, part), eq(students.active, true)))
      .returning({ id: students.id });
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) continue;
    gone.push(...ids);
    const links = await tx
      .delete(studentGuardians)
      .where(inArray(studentGuardians.studentId, ids))
      .returning({ studentId: studentGuardians.studentId, guardianId: studentGuardians.guardianId });
    const cancelled = await tx
      .update(outbox)
      .set({ status: 'cancelled', lastError: `student ${input.status}` })
      .where(and(eq(outbox.status, 'pending'), inArray(outbox.studentId, ids)))
      .returning({ studentId: outbox.studentId });
    await audit(
      tx,
      ids.map((id) => ({
        actor: input.actor,
        schoolId: input.schoolId,
        action: `student.${input.status}`,
        entity: 'student',
        entityId: id,
        details: {
          reason: input.reason,
          ...(input.toSchoolId ? { toSchoolId: input.toSchoolId } : {}),
          guardianIds: links.filter((l) => l.studentId === id).map((l) => l.guardianId),
          messagesCancelled: cancelled.filter((c) => c.studentId === id).length,
        },
      })),
    );
  }
  return gone;
}

/** Returns the staff ids that were active and are not any more. */
export async function staffLeave(tx: Tx, input: { schoolId: number; staffIds: number[]; reason: string; actor: string }): Promise<number[]> {
  if (input.staffIds.length === 0) return [];
  const rows = await tx
    .update(staff)
    .set({ active: false, telegramUserId: null, updatedAt: sql`now()` })
    .where(and(eq(staff.schoolId, input.schoolId), inArray(staff.id, input.staffIds), eq(staff.active, true)))
    .returning({ id: staff.id });
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const roles = await tx.delete(staffRoles).where(inArray(staffRoles.staffId, ids)).returning({ staffId: staffRoles.staffId, role: staffRoles.role });
  await tx
    .update(classes)
    .set({ homeroomStaffId: null })
    .where(inArray(classes.homeroomStaffId, ids));
  // Substitutions of days to come end; the ones already taught are history.
  const subs = await tx
    .delete(classSubstitutes)
    .where(and(inArray(classSubstitutes.staffId, ids), gte(classSubstitutes.day, sql`current_date`)))
    .returning({ staffId: classSubstitutes.staffId });
  await audit(
    tx,
    ids.map((id) => ({
      actor: input.actor,
      schoolId: input.schoolId,
      action: 'staff.leave',
      entity: 'staff',
      entityId: id,
      details: { reason: input.reason, roles: roles.filter((r) => r.staffId === id).map((r) => r.role), substitutionsEnded: subs.filter((s) => s.staffId === id).length },
    })),
  );
  // Messages still waiting for them are cancelled by the sender's check (core/queue/entitlement.ts):
  // they are no longer staff of this school when it runs.
  return ids;
}
