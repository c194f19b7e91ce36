/**
 * Daily attendance. One row per student per school day per shift (the primary key), so a double
 * submit, a teacher/operator race or a retried update can never make two rows.
 *
 * National scale: ≈ 3.3 M rows a school day, ≈ 660 M a year. The table is partitioned by month
 * on `day` (see the migration; partitions are created ahead by the worker and a DEFAULT
 * partition catches anything else), so a month's report reads one partition and old years can
 * be detached. No foreign keys on the hot table: the service only writes ids it has just read.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { classes, guardians, schools, shiftEnum, staff, schoolRef } from '../core/db/schema.js';

export const attendanceStatusEnum = pgEnum('attendance_status', ['present', 'absent', 'late', 'excused']);
export const excuseReasonEnum = pgEnum('excuse_reason', ['sick', 'family', 'other']);
export type AttendanceStatus = (typeof attendanceStatusEnum.enumValues)[number];
export type ExcuseReason = (typeof excuseReasonEnum.enumValues)[number];

export const attendance = pgTable(
  'attendance',
  {
    studentId: bigint('student_id', { mode: 'number' }).notNull(),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    schoolId: integer('school_id').notNull(),
    classId: integer('class_id').notNull(),
    status: attendanceStatusEnum('status').notNull(),
    /** HH:MM, for late arrivals */
    arrivedAt: text('arrived_at'),
    excuseReason: excuseReasonEnum('excuse_reason'),
    excuseNote: text('excuse_note'),
    /** teacher | operator | guardian | scan */
    source: text('source').notNull(),
    /** 'tg:<id>' of whoever set the current status */
    markedBy: text('marked_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.day, t.shift] }),
    index('attendance_school_day_idx').on(t.schoolId, t.day, t.shift),
    index('attendance_class_day_idx').on(t.classId, t.day),
  ],
);

/** One row per class per day per shift once the list is submitted: who, when, counts. */
export const classSubmissions = pgTable(
  'class_submissions',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    /** teacher | operator */
    via: text('via').notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedByStaffId: integer('submitted_by_staff_id').references(() => staff.id),
    firstSubmittedAt: timestamp('first_submitted_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    /** how many times it was submitted (corrections included) */
    version: integer('version').notNull().default(1),
    counts: jsonb('counts').$type<Record<string, number>>().notNull(),
  },
  (t) => [
    uniqueIndex('class_submissions_class_day_uq').on(t.classId, t.day, t.shift),
    index('class_submissions_school_day_idx').on(t.schoolId, t.day),
  ],
);

/** The list being marked, shared by the teacher and the operator until it is submitted. */
export const attendanceDrafts = pgTable(
  'attendance_drafts',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    schoolId: integer('school_id').notNull(),
    /** studentId → mark; students not listed are present */
    marks: jsonb('marks').$type<Record<string, DraftMark>>().notNull().default(sql`'{}'::jsonb`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.classId, t.day, t.shift] })],
);

export interface DraftMark {
  status: AttendanceStatus;
  arrivedAt?: string;
  reason?: ExcuseReason;
  note?: string;
}

/**
 * One absence message to one guardian (it may name several children). Its id is in the answer
 * buttons; the answer is recorded here.
 */
export const absenceAlerts = pgTable(
  'absence_alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: integer('school_id').notNull(),
    guardianId: bigint('guardian_id', { mode: 'number' })
      .notNull()
      .references(() => guardians.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    studentIds: bigint('student_ids', { mode: 'number' }).array().notNull(),
    /** sick | late | unaware */
    response: text('response'),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('absence_alerts_school_day_idx').on(t.schoolId, t.day), index('absence_alerts_guardian_idx').on(t.guardianId, t.day)],
);

/**
 * The guarantee behind "each family is told once": a guardian is alerted about a child's absence
 * in a shift at most once, whatever races or retries happen (the insert that wins decides).
 */
export const alertedAbsences = pgTable(
  'alerted_absences',
  {
    guardianId: bigint('guardian_id', { mode: 'number' }).notNull(),
    studentId: bigint('student_id', { mode: 'number' }).notNull(),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    alertId: bigint('alert_id', { mode: 'number' }).notNull(),
    /** set when a correction (arrived after all) was sent */
    correctedTo: text('corrected_to'),
  },
  (t) => [primaryKey({ columns: [t.guardianId, t.studentId, t.day, t.shift] }), index('alerted_absences_student_idx').on(t.studentId, t.day)],
);

/** Holidays and extra school days; other days follow the school's week. */
export const schoolCalendar = pgTable(
  'school_calendar',
  {
    schoolId: schoolRef(),
    day: date('day').notNull(),
    /** holiday | school-day */
    kind: text('kind').notNull(),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.schoolId, t.day] })],
);

/** A class given to another teacher for one day by the operator. */
export const classSubstitutes = pgTable(
  'class_substitutes',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    schoolId: integer('school_id').notNull(),
    assignedBy: text('assigned_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.classId, t.day, t.staffId] }), index('class_substitutes_staff_idx').on(t.staffId, t.day)],
);

/** Per-school attendance settings (a row is optional: defaults apply). */
export const attendanceSettings = pgTable('attendance_settings', {
  schoolId: integer('school_id')
    .primaryKey()
    .references(() => schools.id),
  /** ISO weekdays with classes, 1 = Monday */
  weekDays: smallint('week_days').array().notNull().default(sql`'{1,2,3,4,5,6}'::smallint[]`),
  /** HH:MM per shift when teachers who have not submitted are reminded */
  remindAt: jsonb('remind_at').$type<Partial<Record<'morning' | 'afternoon', string>>>().notNull().default(sql`'{"morning":"07:30","afternoon":"13:30"}'::jsonb`),
  /** what families hear when the office marks a past day absent: a plain notice of that day, or nothing */
  pastDayNotice: text('past_day_notice').$type<PastDayNotice>().notNull().default('plain'),
});

export type PastDayNotice = 'plain' | 'none';
