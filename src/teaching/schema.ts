/**
 * Teaching: the timetable, the lesson book, cover for teachers on leave, closed weeks and the
 * monthly teaching-hours reports.
 *
 * - timetables / timetable_lessons: one timetable per school holds from `valid_from` to
 *   `valid_to` (open-ended when null); an import replaces the school's timetable from its first
 *   day on. A lesson is a cell of the grid: class, weekday, period (row), times, subject, teacher.
 * - lessons: the lesson book, one row per lesson that was due on a school day (the unique key
 *   class/day/period makes writing them idempotent). Written at the end of each shift from the
 *   timetable, covers and approved leave; `staff_id` is who the lesson counts for (the cover
 *   teacher, or nobody while its teacher is on leave and uncovered). A lesson counts as delivered
 *   only when it is `taught` and confirmed (`confirmed_at`), which a teacher can do until
 *   `confirm_by` (the evening reminder's deadline); later only the principal changes it.
 * - lesson_covers: who covers a lesson of a teacher on leave (one per class/day/period).
 * - week_closures: the homeroom teacher closes a class's week, the principal the school's
 *   (class_id null); a lesson of a closed week changes only through the principal.
 * - teaching_settings: the school's weekly cap and evening reminder; defaults when absent.
 * - timetable_pictures: Telegram file ids of rendered timetables, so a picture is drawn once.
 * - hours_reports: made monthly hours reports (chart and workbook), like reports' table.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, index, integer, pgEnum, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, classes, schoolRef, schools, shiftEnum, staff } from '../core/db/schema.js';
import { leaveRequests } from '../staffing/schema.js';

export const teachingSettings = pgTable('teaching_settings', {
  schoolId: integer('school_id')
    .primaryKey()
    .references(() => schools.id),
  /** lessons a teacher may have in a week's timetable */
  weeklyCap: smallint('weekly_cap').notNull().default(36),
  /** HH:MM: the evening reminder to confirm the day's lessons */
  eveningAt: text('evening_at').notNull().default('19:00'),
  /** minutes after the reminder until which lessons can still be confirmed */
  graceMinutes: smallint('grace_minutes').notNull().default(60),
});

export const timetables = pgTable(
  'timetables',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    fileName: text('file_name').notNull(),
    importedBy: text('imported_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('timetables_school_idx').on(t.schoolId, t.validFrom)],
);

export const timetableLessons = pgTable(
  'timetable_lessons',
  {
    id: serial('id').primaryKey(),
    timetableId: integer('timetable_id')
      .notNull()
      .references(() => timetables.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    shift: shiftEnum('shift').notNull(),
    /** 1 = Monday … 7 = Sunday */
    weekday: smallint('weekday').notNull(),
    /** the row of the class's grid, from 1 */
    period: smallint('period').notNull(),
    /** HH:MM in the school's time zone */
    starts: text('starts').notNull(),
    ends: text('ends').notNull(),
    /** subject code (teaching/subjects.ts) */
    subject: text('subject').notNull(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('timetable_lessons_slot_uq').on(t.timetableId, t.classId, t.weekday, t.period),
    index('timetable_lessons_staff_idx').on(t.timetableId, t.staffId, t.weekday),
    index('timetable_lessons_day_idx').on(t.timetableId, t.weekday, t.shift),
  ],
);

export const lessonStatusEnum = pgEnum('lesson_status', ['taught', 'not-taught']);
export const lessonReasonEnum = pgEnum('lesson_reason', ['teacher-absent', 'school-event', 'no-students', 'other']);
export type LessonStatus = (typeof lessonStatusEnum.enumValues)[number];
export type LessonReason = (typeof lessonReasonEnum.enumValues)[number];
export const LESSON_REASONS: readonly LessonReason[] = lessonReasonEnum.enumValues;

export const lessons = pgTable(
  'lessons',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    period: smallint('period').notNull(),
    starts: text('starts').notNull(),
    ends: text('ends').notNull(),
    subject: text('subject').notNull(),
    /** the teacher of the timetable */
    plannedStaffId: integer('planned_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** who it counts for: the timetable's teacher, a cover, someone else who taught it, or nobody */
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** a lesson is written as taught; the teacher confirms it or says otherwise */
    status: lessonStatusEnum('status').notNull().default('taught'),
    reason: lessonReasonEnum('reason'),
    topic: text('topic'),
    /** taught by a cover teacher for a colleague on leave */
    covered: boolean('covered').notNull().default(false),
    confirmBy: timestamp('confirm_by', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    /** 'tg:<id>' of who confirmed, or 'system' (leave without cover) */
    confirmedBy: text('confirmed_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('lessons_slot_uq').on(t.classId, t.day, t.period),
    index('lessons_school_day_idx').on(t.schoolId, t.day, t.shift),
    index('lessons_staff_day_idx').on(t.staffId, t.day),
    index('lessons_planned_day_idx').on(t.plannedStaffId, t.day),
  ],
);

export const lessonCovers = pgTable(
  'lesson_covers',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    leaveId: integer('leave_id').references(() => leaveRequests.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    period: smallint('period').notNull(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    assignedBy: text('assigned_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('lesson_covers_slot_uq').on(t.classId, t.day, t.period), index('lesson_covers_staff_idx').on(t.staffId, t.day)],
);

export const weekClosures = pgTable(
  'week_closures',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    /** the Monday of the week */
    weekStart: date('week_start').notNull(),
    /** null: the whole school (the principal's close) */
    classId: integer('class_id').references(() => classes.id, { onDelete: 'cascade' }),
    closedBy: text('closed_by').notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('week_closures_class_uq').on(t.classId, t.weekStart).where(sql`${t.classId} is not null`),
    uniqueIndex('week_closures_school_uq').on(t.schoolId, t.weekStart).where(sql`${t.classId} is null`),
    index('week_closures_school_idx').on(t.schoolId, t.weekStart),
  ],
);

export const timetablePictures = pgTable(
  'timetable_pictures',
  {
    timetableId: integer('timetable_id')
      .notNull()
      .references(() => timetables.id, { onDelete: 'cascade' }),
    /** 'class:<id>' or 'staff:<id>' */
    scope: text('scope').notNull(),
    locale: text('locale').notNull(),
    fileId: text('file_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.timetableId, t.scope, t.locale] })],
);

export const hoursReports = pgTable(
  'hours_reports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** null for a roll-up across schools */
    schoolId: integer('school_id').references(() => schools.id),
    /** YYYY-MM */
    month: text('month').notNull(),
    /** 'school' or 'province:<id>' / 'nation' */
    scope: text('scope').notNull(),
    locale: text('locale').notNull(),
    summary: text('summary').notNull(),
    png: bytea('png'),
    xlsx: bytea('xlsx').notNull(),
    pngFileId: text('png_file_id'),
    xlsxFileId: text('xlsx_file_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('hours_reports_school_idx').on(t.schoolId, t.month)],
);
