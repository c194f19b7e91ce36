/**
 * The shared schema: the tables every capability stands on (places, people, accounts, invites,
 * audit, outbox, bot storage). Capability-specific tables live in their own folder's schema.ts
 * and are re-exported from ./all-schema.ts for drizzle-kit.
 *
 * Every row that belongs to a school carries `school_id`, so a national deployment can be
 * partitioned or sharded by school later and every authorization check is one indexed lookup.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  type AnyPgColumn,
  customType,
  bigserial,
  boolean,
  check,
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

import { STAFF_ROLES, type StaffRole } from '../auth/roles.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Files kept in Postgres (report charts and workbooks, card sheets): Buffer in, Buffer out. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const shiftEnum = pgEnum('shift', ['morning', 'afternoon']);
export const sexEnum = pgEnum('sex', ['M', 'F']);
export const staffRoleEnum = pgEnum('staff_role', STAFF_ROLES);
export const localeEnum = pgEnum('locale', ['km', 'en']);
export const studentStatusEnum = pgEnum('student_status', ['enrolled', 'left', 'transferred']);

export type Shift = (typeof shiftEnum.enumValues)[number];
export type { StaffRole };
export type Locale = (typeof localeEnum.enumValues)[number];

export interface ShiftTimes {
  /** HH:MM in the school's time zone */
  start: string;
  end: string;
}
export type SchoolShifts = Partial<Record<Shift, ShiftTimes>>;

export const provinces = pgTable('provinces', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  nameKm: text('name_km').notNull(),
  nameEn: text('name_en').notNull(),
});

export const schools = pgTable(
  'schools',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    nameKm: text('name_km').notNull(),
    nameEn: text('name_en').notNull(),
    provinceId: integer('province_id')
      .notNull()
      .references(() => provinces.id),
    timezone: text('timezone').notNull().default('Asia/Phnom_Penh'),
    shifts: jsonb('shifts')
      .$type<SchoolShifts>()
      .notNull()
      .default(sql`'{"morning":{"start":"07:00","end":"11:00"},"afternoon":{"start":"13:00","end":"17:00"}}'::jsonb`),
    /** the bot of the fleet that serves this school (bots.id); null: the deployment's default bot */
    botId: bigint('bot_id', { mode: 'number' }).references((): AnyPgColumn => bots.id),
    createdAt: createdAt(),
  },
  (t) => [index('schools_province_idx').on(t.provinceId)],
);

/**
 * The bots of a fleet (BOT_TOKENS): id (the digits before the token's colon) and username, so
 * the CLI and the worker name a school's bot in cards and invite links without calling getMe.
 * Tokens stay in the configuration, never in the database.
 */
export const bots = pgTable('bots', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  username: text('username').notNull().unique(),
  createdAt: createdAt(),
});

/** Paid broadcast (allow_paid_broadcast) messages per day, held against the Stars budget cap. */
export const paidBroadcastDays = pgTable('paid_broadcast_days', {
  day: date('day').primaryKey(),
  messages: integer('messages').notNull().default(0),
});

/** The school a row belongs to: every school-owned table carries it (see the header). */
export const schoolRef = () =>
  integer('school_id')
    .notNull()
    .references(() => schools.id);

export const academicYears = pgTable(
  'academic_years',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    /** e.g. 2026-2027 */
    name: text('name').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    isCurrent: boolean('is_current').notNull().default(false),
  },
  (t) => [
    uniqueIndex('academic_years_school_name_uq').on(t.schoolId, t.name),
    // At most one current year per school.
    uniqueIndex('academic_years_current_uq').on(t.schoolId).where(sql`${t.isCurrent}`),
  ],
);

export const staff = pgTable(
  'staff',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    staffCode: text('staff_code').notNull(),
    nameKm: text('name_km').notNull(),
    nameEn: text('name_en'),
    sex: sexEnum('sex'),
    /** E.164, verified only when the Telegram contact matched it */
    phone: text('phone'),
    subjects: text('subjects').array().notNull().default(sql`'{}'::text[]`),
    telegramUserId: bigint('telegram_user_id', { mode: 'number' }),
    active: boolean('active').notNull().default(true),
    /** Set when the person unlinked themselves: a roster import does not link them again until they share their phone */
    unlinkedAt: timestamp('unlinked_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('staff_school_code_uq').on(t.schoolId, t.staffCode),
    index('staff_phone_idx').on(t.phone),
    index('staff_telegram_idx').on(t.telegramUserId),
  ],
);

export const staffRoles = pgTable(
  'staff_roles',
  {
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    role: staffRoleEnum('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.role] }), index('staff_roles_school_idx').on(t.schoolId, t.role)],
);

export const classes = pgTable(
  'classes',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    /** Display name as the school writes it, normalised: 7A, 12B */
    name: text('name').notNull(),
    grade: smallint('grade').notNull(),
    section: text('section').notNull(),
    shift: shiftEnum('shift').notNull(),
    homeroomStaffId: integer('homeroom_staff_id').references(() => staff.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('classes_year_name_uq').on(t.academicYearId, t.name),
    index('classes_school_idx').on(t.schoolId),
    index('classes_homeroom_idx').on(t.homeroomStaffId),
    check('classes_grade_ck', sql`${t.grade} between 1 and 12`),
  ],
);

export const students = pgTable(
  'students',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    /** School-issued code, unique per school */
    studentCode: text('student_code').notNull(),
    nameKm: text('name_km').notNull(),
    nameEn: text('name_en'),
    sex: sexEnum('sex').notNull(),
    dateOfBirth: date('date_of_birth'),
    classId: integer('class_id').references(() => classes.id),
    /** Position in the class list as the roster orders it (teachers type these numbers) */
    rollNo: smallint('roll_no'),
    /** true exactly when status is 'enrolled' (most queries read this) */
    active: boolean('active').notNull().default(true),
    /** enrolled, left (not on the roster any more) or transferred; the record stays (history) */
    // column names say "enrolment": a bare `status` would be ambiguous next to attendance.status in SQL
    status: studentStatusEnum('enrolment_status').notNull().default('enrolled'),
    statusOn: date('enrolment_on'),
    /** a reason code ('not-in-roster', …), never typed text */
    statusReason: text('enrolment_reason'),
    /** status 'transferred': the school whose roster now lists the same student code */
    transferredToSchoolId: integer('transferred_to_school_id').references(() => schools.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('students_school_code_uq').on(t.schoolId, t.studentCode),
    index('students_class_idx').on(t.classId, t.rollNo),
    // the same student code enrolled in another school is a transfer (roster import)
    index('students_code_idx').on(t.studentCode).where(sql`${t.active}`),
  ],
);

export const guardians = pgTable(
  'guardians',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    /** E.164; one guardian row per phone per school, so siblings share it. Null for a guardian
     * who joined by invite code without sharing a phone. */
    phone: text('phone'),
    name: text('name'),
    telegramUserId: bigint('telegram_user_id', { mode: 'number' }),
    /** Set when the person unlinked themselves: a roster import does not link them again until they share their phone */
    unlinkedAt: timestamp('unlinked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('guardians_school_phone_uq').on(t.schoolId, t.phone),
    index('guardians_phone_idx').on(t.phone),
    index('guardians_telegram_idx').on(t.telegramUserId),
  ],
);

export const studentGuardians = pgTable(
  'student_guardians',
  {
    studentId: bigint('student_id', { mode: 'number' })
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    guardianId: bigint('guardian_id', { mode: 'number' })
      .notNull()
      .references(() => guardians.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    relation: text('relation').notNull().default('guardian'),
    /** 1 = first guardian on the roster */
    priority: smallint('priority').notNull().default(1),
    /** Roster-listed links are replaced on re-import; invite-made links are kept */
    source: text('source').notNull().default('roster'),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.guardianId] }), index('student_guardians_guardian_idx').on(t.guardianId)],
);

/** One row per Telegram user who ever talked to the bot. */
export const telegramAccounts = pgTable('telegram_accounts', {
  telegramUserId: bigint('telegram_user_id', { mode: 'number' }).primaryKey(),
  /** Chosen language; null until the user picked one (we then use the deployment default) */
  locale: localeEnum('locale'),
  /** E.164 phone from a verified own-contact share */
  phone: text('phone'),
  /** Set when Telegram answered 403: the user blocked the bot */
  unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
  /** Hash of the command list last set for this chat, so we call setMyCommands only on change */
  commandsHash: text('commands_hash'),
  /** Arrival notices from card scans; a parent may turn them off and still get absence alerts */
  arrivalNotices: boolean('arrival_notices').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const inviteKindEnum = pgEnum('invite_kind', ['principal', 'operator', 'teacher', 'gatekeeper', 'parent']);

/**
 * Printed or sent invite codes. Only the SHA-256 of the code is stored, so a leaked database
 * does not leak usable codes. Single use; expiring.
 */
export const invites = pgTable(
  'invites',
  {
    id: serial('id').primaryKey(),
    codeHash: text('code_hash').notNull().unique(),
    schoolId: schoolRef(),
    kind: inviteKindEnum('kind').notNull(),
    /** Parent invites name the child */
    studentId: bigint('student_id', { mode: 'number' }).references(() => students.id, { onDelete: 'cascade' }),
    /** Staff invites may name the staff record they link to */
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    usedBy: bigint('used_by', { mode: 'number' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('invites_school_idx').on(t.schoolId)],
);

/**
 * Who did or read what, when, and whether it was allowed. Never holds names or phones:
 * entity ids only, so the log itself is not a second copy of children's data.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** 'tg:<telegram id>', 'cli', or 'system' */
    actor: text('actor').notNull(),
    schoolId: integer('school_id'),
    action: text('action').notNull(),
    entity: text('entity'),
    entityId: text('entity_id'),
    outcome: text('outcome').notNull().default('ok'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_school_at_idx').on(t.schoolId, t.at),
    index('audit_entity_idx').on(t.entity, t.entityId),
    index('audit_actor_at_idx').on(t.actor, t.at),
  ],
);

export const outboxStatusEnum = pgEnum('outbox_status', ['pending', 'sent', 'failed', 'unreachable', 'cancelled']);

/**
 * Every message addressed to someone other than the user who pressed a button is written here in
 * the same transaction as the change that caused it. The relay moves pending rows onto BullMQ with
 * job id = row id; the sender marks the row sent with Telegram's message id. `dedupeKey` makes the
 * producer idempotent (one row per recipient and event).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    schoolId: integer('school_id'),
    /** the capability that wrote the row (its id in src/capabilities.ts) */
    capability: text('capability'),
    /** the record the message is about (e.g. entity 'checkin', entity_id 123), for that capability's reports */
    entity: text('entity'),
    entityId: bigint('entity_id', { mode: 'number' }),
    /** the child the message is about, if any: the sender re-checks the recipient is still entitled */
    studentId: integer('student_id'),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    /** Bot API method and its parameters (chat_id is filled in from chatId) */
    method: text('method').notNull().default('sendMessage'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** lower goes first */
    priority: smallint('priority').notNull().default(5),
    status: outboxStatusEnum('status').notNull().default('pending'),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull().defaultNow(),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    /** Lease taken by the sender for the duration of one Bot API call, so two workers never send one row */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    telegramMessageId: bigint('telegram_message_id', { mode: 'number' }),
    lastError: text('last_error'),
    /** the bot that sends it (bots.id); null: the school's bot, else the default bot */
    botId: bigint('bot_id', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('outbox_pending_idx').on(t.notBefore).where(sql`${t.status} = 'pending'`),
    index('outbox_chat_pending_idx').on(t.chatId, t.id).where(sql`${t.status} = 'pending'`),
    index('outbox_school_idx').on(t.schoolId, t.createdAt),
    index('outbox_entity_idx').on(t.entity, t.entityId).where(sql`${t.entity} is not null`),
  ],
);

/** Key/value storage for grammY sessions and conversations (survives restarts). */
/**
 * Work a user was promised (a report, a sheet of cards, an export), recorded in Postgres when the
 * job is added so it survives a Redis that lost its data: the worker marks it done, and undone
 * rows are added to their queue again (same job id, so never twice). Generic: any capability's
 * queue job added through core/queue/jobs.ts.
 */
export const promisedJobs = pgTable(
  'promised_jobs',
  {
    jobId: text('job_id').primaryKey(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    data: jsonb('data').notNull(),
    createdAt: createdAt(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [index('promised_jobs_undone_idx').on(t.createdAt).where(sql`done_at is null`)],
);

/**
 * Polling mode's inbox, the twin of the outbox: each fetched update is stored before Telegram is
 * told it was received (the next getUpdates offset), and marked handled when its handling ended,
 * so a process killed mid-update handles it at its next start instead of losing it.
 */
export const updateInbox = pgTable(
  'update_inbox',
  {
    botId: bigint('bot_id', { mode: 'number' }).notNull(),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    handledAt: timestamp('handled_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.botId, t.updateId] }), index('update_inbox_unhandled_idx').on(t.botId, t.updateId).where(sql`handled_at is null`)],
);

export const botStorage = pgTable('bot_storage', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});

/**
 * Provincial directors (a province) and national administrators (no province): they see
 * adoption and attendance across schools, never a child's record.
 */
export const officials = pgTable(
  'officials',
  {
    id: serial('id').primaryKey(),
    /** E.164; linked when the person shares this phone */
    phone: text('phone').notNull().unique(),
    name: text('name').notNull(),
    provinceId: integer('province_id').references(() => provinces.id),
    telegramUserId: bigint('telegram_user_id', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [index('officials_telegram_idx').on(t.telegramUserId)],
);
