/**
 * Staff records beyond what the roster holds (core `staff`: code, names, sex, phone, subjects):
 * position, date of birth, qualification and teacher-training level, employment type, start date
 * and status, one row per member of staff (a missing row means "nothing recorded yet").
 *
 * Leave requests: dates, reason, the document photo's Telegram file id, and the principal's
 * decision. The teaching capability runs the dialogue around them (request, decision, cover);
 * the records and "who is on leave today" live here with the person.
 *
 * Codes (position, qualification, …) are text checked by the service against staffing/codes.ts,
 * so a ministry list can grow without a migration.
 */
import { date, index, integer, pgEnum, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { schoolRef, staff } from '../core/db/schema.js';

export const staffDetails = pgTable(
  'staff_details',
  {
    staffId: integer('staff_id')
      .primaryKey()
      .references(() => staff.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    position: text('position').notNull().default('teacher'),
    dateOfBirth: date('date_of_birth'),
    qualification: text('qualification'),
    trainingLevel: text('training_level'),
    employment: text('employment'),
    startDate: date('start_date'),
    status: text('status').notNull().default('active'),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('staff_details_school_idx').on(t.schoolId, t.position)],
);

export const leaveReasonEnum = pgEnum('leave_reason', ['sick', 'personal', 'training', 'maternity']);
export const leaveStatusEnum = pgEnum('leave_status', ['pending', 'approved', 'declined', 'cancelled']);
export type LeaveReason = (typeof leaveReasonEnum.enumValues)[number];
export type LeaveStatus = (typeof leaveStatusEnum.enumValues)[number];
export const LEAVE_REASONS: readonly LeaveReason[] = leaveReasonEnum.enumValues;

export const leaveRequests = pgTable(
  'leave_requests',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    fromDay: date('from_day').notNull(),
    toDay: date('to_day').notNull(),
    reason: leaveReasonEnum('reason').notNull(),
    /** Telegram file id of the document photo (a doctor's note, a letter), when one was sent */
    documentFileId: text('document_file_id'),
    status: leaveStatusEnum('status').notNull().default('pending'),
    requestedBy: text('requested_by').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('leave_requests_school_idx').on(t.schoolId, t.fromDay), index('leave_requests_staff_idx').on(t.staffId, t.fromDay)],
);
