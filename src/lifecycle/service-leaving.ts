/**
 * Leaving takes effect at once. A student who left (or moved to another school) keeps the record
 * and its history, but loses the links to guardians and every message still waiting about them;
 * a member of staff who left loses roles, homerooms, future substitutions and covers, the account
 * link and the messages still waiting for them as staff.
 * Called inside the transaction of the change that caused it (a roster import, an office action).
 */
import { and, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../core/db/client.js';
import { classes, outbox, staff, staffRoles, studentGuardians, students } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { classSubstitutes } from '../attendance/schema.js';
import { lessonCovers, lessons } from '../teaching/schema.js';

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

/**
 * Returns the staff ids that were active and are not any more: left the roster, or their record's
 * status became transferred or retired (staffing). Roles, homerooms, attendance substitutions and
 * lesson covers of days to come end, the account link ends, and messages still waiting for them as
 * staff of this school are cancelled (those about their own children, as a parent, stay).
 */
export async function staffLeave(tx: Tx, input: { schoolId: number; staffIds: number[]; reason: string; actor: string }): Promise<number[]> {
  if (input.staffIds.length === 0) return [];
  const before = await tx
    .select({ id: staff.id, telegramUserId: staff.telegramUserId })
    .from(staff)
    .where(and(eq(staff.schoolId, input.schoolId), inArray(staff.id, input.staffIds), eq(staff.active, true)));
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
  // Substitutions and covers of days to come end; the ones already taught are history.
  const subs = await tx
    .delete(classSubstitutes)
    .where(and(inArray(classSubstitutes.staffId, ids), gte(classSubstitutes.day, sql`current_date`)))
    .returning({ staffId: classSubstitutes.staffId });
  const covers = await tx
    .delete(lessonCovers)
    .where(and(inArray(lessonCovers.staffId, ids), gte(lessonCovers.day, sql`current_date`)))
    .returning({ staffId: lessonCovers.staffId });
  // A covered lesson already written for today or later, not yet confirmed, counts for nobody
  // until the office gives it to someone else (it shows again among the lessons to cover).
  await tx
    .update(lessons)
    .set({ staffId: null, covered: false })
    .where(and(inArray(lessons.staffId, ids), eq(lessons.covered, true), gte(lessons.day, sql`current_date`), isNull(lessons.confirmedAt)));
  const chats = before.map((b) => b.telegramUserId).filter((c): c is number => c !== null);
  const cancelled = chats.length === 0 ? [] : await cancelStaffMessages(tx, input.schoolId, chats);
  await audit(
    tx,
    ids.map((id) => ({
      actor: input.actor,
      schoolId: input.schoolId,
      action: 'staff.leave',
      entity: 'staff',
      entityId: id,
      details: {
        reason: input.reason,
        roles: roles.filter((r) => r.staffId === id).map((r) => r.role),
        substitutionsEnded: subs.filter((s) => s.staffId === id).length,
        coversEnded: covers.filter((c) => c.staffId === id).length,
        messagesCancelled: cancelled.filter((c) => c === before.find((b) => b.id === id)?.telegramUserId).length,
      },
    })),
  );
  return ids;
}

/**
 * Capabilities whose messages only ever go to staff (lesson books, covers, leave, hours): a
 * person who is also a parent at the school gets none of them once they are not staff.
 */
const STAFF_ONLY_CAPABILITIES = ['teaching', 'staffing'] as const;

/**
 * Pending messages of this school to these chats that they are no longer entitled to (the
 * send-time check's rule, core/queue/entitlement.ts, applied at once): not staff of the school any
 * more, and not a linked guardian of the child (or, for a row about no child, of any child there),
 * or a message of a staff-only capability.
 */
async function cancelStaffMessages(tx: Tx, schoolId: number, chats: number[]): Promise<number[]> {
  const rows = await tx
    .update(outbox)
    .set({ status: 'cancelled', lockedUntil: null, lastError: 'staff left' })
    .where(
      and(
        eq(outbox.status, 'pending'),
        eq(outbox.schoolId, schoolId),
        inArray(outbox.chatId, chats),
        // outbox.* written out: drizzle leaves the updated table's columns unqualified, and inside
        // the subqueries `student_id` would be student_guardians'
        sql`not exists (select 1 from staff st where st.telegram_user_id = outbox.chat_id and st.active and st.school_id = ${schoolId})`,
        sql`(outbox.capability in (${sql.join(STAFF_ONLY_CAPABILITIES.map((c) => sql`${c}`), sql`, `)})
             or not exists (select 1 from guardians g join student_guardians sg on sg.guardian_id = g.id
                             where g.telegram_user_id = outbox.chat_id
                               and (sg.student_id = outbox.student_id or (outbox.student_id is null and g.school_id = ${schoolId}))))`,
      ),
    )
    .returning({ chatId: outbox.chatId });
  return rows.map((r) => r.chatId);
}
