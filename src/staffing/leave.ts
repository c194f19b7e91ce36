/**
 * Leave records: storing a request, the principal's decision (only a pending request can be
 * decided, so two taps or two principals decide it once), and who is on leave when. The rules
 * around them that need the timetable (closed weeks, cover) are the teaching capability's; it
 * calls these inside its own transactions.
 */
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';
import { staff } from '../core/db/schema.js';
import { leaveRequests, type LeaveReason, type LeaveStatus } from './schema.js';

export interface LeaveRecord {
  id: number;
  schoolId: number;
  staffId: number;
  fromDay: string;
  toDay: string;
  reason: LeaveReason;
  documentFileId: string | null;
  status: LeaveStatus;
  nameKm: string;
  nameEn: string | null;
  telegramUserId: number | null;
}

const leaveColumns = {
  id: leaveRequests.id,
  schoolId: leaveRequests.schoolId,
  staffId: leaveRequests.staffId,
  fromDay: leaveRequests.fromDay,
  toDay: leaveRequests.toDay,
  reason: leaveRequests.reason,
  documentFileId: leaveRequests.documentFileId,
  status: leaveRequests.status,
  nameKm: staff.nameKm,
  nameEn: staff.nameEn,
  telegramUserId: staff.telegramUserId,
};

export async function leaveById(ex: Executor, id: number): Promise<LeaveRecord | undefined> {
  const [row] = await ex.select(leaveColumns).from(leaveRequests).innerJoin(staff, eq(staff.id, leaveRequests.staffId)).where(eq(leaveRequests.id, id));
  return row;
}

/** Pending or approved leave of this person that overlaps the days. */
export async function overlappingLeave(ex: Executor, staffId: number, fromDay: string, toDay: string): Promise<LeaveRecord[]> {
  return ex
    .select(leaveColumns)
    .from(leaveRequests)
    .innerJoin(staff, eq(staff.id, leaveRequests.staffId))
    .where(and(eq(leaveRequests.staffId, staffId), inArray(leaveRequests.status, ['pending', 'approved']), lte(leaveRequests.fromDay, toDay), gte(leaveRequests.toDay, fromDay)));
}

export async function insertLeave(
  ex: Executor,
  input: { schoolId: number; staffId: number; fromDay: string; toDay: string; reason: LeaveReason; documentFileId: string | null; requestedBy: string },
): Promise<number> {
  const [row] = await ex.insert(leaveRequests).values(input).returning({ id: leaveRequests.id });
  return row!.id;
}

/** Decides a pending request; undefined when it was no longer pending. */
export async function decideLeave(ex: Executor, id: number, status: 'approved' | 'declined', decidedBy: string): Promise<LeaveRecord | undefined> {
  const [row] = await ex
    .update(leaveRequests)
    .set({ status, decidedBy, decidedAt: sql`now()` })
    .where(and(eq(leaveRequests.id, id), eq(leaveRequests.status, 'pending')))
    .returning({ id: leaveRequests.id });
  return row ? leaveById(ex, row.id) : undefined;
}

/** Approved leave covering a day at a school. */
export async function onLeaveOn(ex: Executor, schoolId: number, day: string): Promise<LeaveRecord[]> {
  return ex
    .select(leaveColumns)
    .from(leaveRequests)
    .innerJoin(staff, eq(staff.id, leaveRequests.staffId))
    .where(and(eq(leaveRequests.schoolId, schoolId), eq(leaveRequests.status, 'approved'), lte(leaveRequests.fromDay, day), gte(leaveRequests.toDay, day)))
    .orderBy(staff.nameKm);
}

/** Approved leave of a school overlapping [from, to]. */
export async function approvedLeaveBetween(ex: Executor, schoolId: number, fromDay: string, toDay: string): Promise<LeaveRecord[]> {
  return ex
    .select(leaveColumns)
    .from(leaveRequests)
    .innerJoin(staff, eq(staff.id, leaveRequests.staffId))
    .where(and(eq(leaveRequests.schoolId, schoolId), eq(leaveRequests.status, 'approved'), lte(leaveRequests.fromDay, toDay), gte(leaveRequests.toDay, fromDay)))
    .orderBy(leaveRequests.fromDay);
}
