/**
 * Parents' questions to teachers. A thread is one guardian's conversation with one member of staff
 * about one child; its messages are kept, so both sides (and the principal) see the history.
 *
 * Times that decide escalation (`awaitingSince`, `dueAt`) are written by the service from its
 * clock, not by the database, so a pinned clock in tests and the escalation job agree.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, pgEnum, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { classes, guardians, schools, staff, students, schoolRef } from '../core/db/schema.js';

/**
 * Who teaches which class besides the homeroom teacher (the homeroom teacher stays on
 * `classes.homeroom_staff_id`). Filled by the office with /teaches or the CLI (`teach`); a parent
 * may write to the homeroom teacher and to these teachers of their child's class.
 */
export const classTeachers = pgTable(
  'class_teachers',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    /** as the school writes it: Mathematics, English, គណិតវិទ្យា */
    subject: text('subject').notNull().default(''),
    addedBy: text('added_by').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.classId, t.staffId] }), index('class_teachers_staff_idx').on(t.staffId)],
);

export const questionStatusEnum = pgEnum('question_status', ['open', 'answered']);
export type QuestionStatus = (typeof questionStatusEnum.enumValues)[number];

export const questionThreads = pgTable(
  'question_threads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    studentId: bigint('student_id', { mode: 'number' })
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    /** the child's class when the thread began (shown to the teacher) */
    classId: integer('class_id').references(() => classes.id, { onDelete: 'set null' }),
    guardianId: bigint('guardian_id', { mode: 'number' })
      .notNull()
      .references(() => guardians.id, { onDelete: 'cascade' }),
    /** the Telegram account that asked: answers go to this chat only */
    parentUserId: bigint('parent_user_id', { mode: 'number' }).notNull(),
    /** the member of staff the thread is addressed to: only they answer */
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    /** open = waiting for the teacher; answered = the teacher has answered the latest question */
    status: questionStatusEnum('status').notNull().default('open'),
    /** the parent marked the latest question urgent (it skips quiet hours) */
    urgent: boolean('urgent').notNull().default(false),
    /** 1 for the first question; +1 each time the parent writes again after an answer */
    round: smallint('round').notNull().default(1),
    /** when the open question reached (or will reach) the teacher: quiet hours do not count */
    awaitingSince: timestamp('awaiting_since', { withTimezone: true }),
    /** past this the principal is told (once per round) */
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** the round the principal was last told about */
    escalatedRound: smallint('escalated_round').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('question_threads_staff_idx').on(t.staffId, t.status),
    index('question_threads_parent_idx').on(t.parentUserId, t.lastMessageAt),
    index('question_threads_school_idx').on(t.schoolId, t.status),
    index('question_threads_due_idx').on(t.dueAt).where(sql`${t.status} = 'open'`),
  ],
);

export const questionAuthorEnum = pgEnum('question_author', ['parent', 'staff']);
export const questionKindEnum = pgEnum('question_kind', ['text', 'voice', 'photo']);
export type QuestionAuthor = (typeof questionAuthorEnum.enumValues)[number];
export type QuestionKind = (typeof questionKindEnum.enumValues)[number];

export const questionMessages = pgTable(
  'question_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    threadId: bigint('thread_id', { mode: 'number' })
      .notNull()
      .references(() => questionThreads.id, { onDelete: 'cascade' }),
    schoolId: integer('school_id').notNull(),
    author: questionAuthorEnum('author').notNull(),
    /** Telegram id of the writer (rate limits count by it) */
    authorUserId: bigint('author_user_id', { mode: 'number' }).notNull(),
    kind: questionKindEnum('kind').notNull(),
    /** the text, or the media's caption */
    body: text('body'),
    /** Telegram file id of a voice message or photo: passed on by id, never downloaded */
    fileId: text('file_id'),
    urgent: boolean('urgent').notNull().default(false),
    /** for a teacher's first answer to an open question: seconds since it reached them */
    responseSeconds: integer('response_seconds'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('question_messages_thread_idx').on(t.threadId, t.id),
    index('question_messages_author_idx').on(t.authorUserId, t.createdAt),
    check('question_messages_content_ck', sql`${t.body} is not null or ${t.fileId} is not null`),
  ],
);

/** A teacher's quiet hours (school time): non-urgent questions wait until they end. */
export const staffQuietHours = pgTable('staff_quiet_hours', {
  staffId: integer('staff_id')
    .primaryKey()
    .references(() => staff.id, { onDelete: 'cascade' }),
  /** HH:MM */
  startsAt: text('starts_at').notNull(),
  endsAt: text('ends_at').notNull(),
});

/** Per-school rules for questions (a row is optional: defaults apply). */
export const questionSettings = pgTable('question_settings', {
  schoolId: integer('school_id')
    .primaryKey()
    .references(() => schools.id),
  /** an open question not answered this many hours after it reached the teacher goes to the principal */
  answerWithinHours: smallint('answer_within_hours').notNull().default(24),
  /** questions (new or follow-up) one parent account may send per hour and per day */
  maxPerHour: smallint('max_per_hour').notNull().default(5),
  maxPerDay: smallint('max_per_day').notNull().default(20),
});
