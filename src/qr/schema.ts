/**
 * Student cards and what scanning them records.
 *
 * - student_cards: the version in a card's token must match the student's current version, so
 *   re-issuing a lost card (version + 1) makes the old one stop working at once.
 * - card_files: the PNG of one card or the PDF sheet of a class, made by the worker and kept so the
 *   sender uploads the bytes from here (the outbox row holds only a reference) and the same file is
 *   sent again by Telegram file id while nothing on it changed (`content_key` is a hash of every
 *   printed value and token).
 * - checkins: one row per student per school day per shift (the primary key), so a double scan,
 *   two gate phones or a retried update can never make two arrivals. National scale is about one
 *   row per student per day (≈ 3.3 M a day), so like `attendance` it is partitioned by month on
 *   `day` (hand-written in the migration; the worker creates partitions ahead) and has no
 *   foreign keys: the scan path writes only ids it has just verified.
 * - scan_settings: per school; a school that has not turned scanning on never gets a cutoff.
 * - cutoff_runs: one row per class, day and shift once the cutoff has proposed its absent list,
 *   which makes the cutoff job idempotent (the teacher's confirmation is the class submission).
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, classes, schools, shiftEnum, students, schoolRef } from '../core/db/schema.js';

export const studentCards = pgTable('student_cards', {
  studentId: bigint('student_id', { mode: 'number' })
    .primaryKey()
    .references(() => students.id, { onDelete: 'cascade' }),
  schoolId: schoolRef(),
  version: smallint('version').notNull().default(1),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  issuedBy: text('issued_by').notNull(),
});

export const checkins = pgTable(
  'checkins',
  {
    studentId: bigint('student_id', { mode: 'number' }).notNull(),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    schoolId: integer('school_id').notNull(),
    classId: integer('class_id').notNull(),
    arrivedAt: timestamp('arrived_at', { withTimezone: true }).notNull(),
    /** HH:MM in the school's time zone, as shown to the family and in the sheet */
    arrivedTime: text('arrived_time').notNull(),
    late: boolean('late').notNull(),
    /** staff id of whoever scanned */
    arrivedBy: integer('arrived_by').notNull(),
    /** camera (deep link) | photo | miniapp */
    arrivedVia: text('arrived_via').notNull(),
    departedAt: timestamp('departed_at', { withTimezone: true }),
    departedBy: integer('departed_by'),
    /** last accepted scan, for the cooldown that ignores repeats */
    lastScanAt: timestamp('last_scan_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.day, t.shift] }), index('checkins_class_day_idx').on(t.classId, t.day, t.shift)],
);

export type AlertMode = 'confirm' | 'immediate';

export const scanSettings = pgTable('scan_settings', {
  schoolId: integer('school_id')
    .primaryKey()
    .references(() => schools.id),
  enabled: boolean('enabled').notNull().default(true),
  /** HH:MM per shift after which an arrival is late (default: shift start + 10 min) */
  lateAfter: jsonb('late_after').$type<Partial<Record<'morning' | 'afternoon', string>>>().notNull().default(sql`'{}'::jsonb`),
  /** HH:MM per shift when the unscanned become the proposed absent list (default: shift start + 60 min) */
  cutoffAt: jsonb('cutoff_at').$type<Partial<Record<'morning' | 'afternoon', string>>>().notNull().default(sql`'{}'::jsonb`),
  /** confirm: the homeroom teacher confirms the list in one tap; immediate: families are alerted at cutoff */
  alertMode: text('alert_mode').$type<AlertMode>().notNull().default('confirm'),
  /** a second scan within this many seconds is a repeat, not a departure */
  cooldownSeconds: integer('cooldown_seconds').notNull().default(300),
});

export const cutoffRuns = pgTable(
  'cutoff_runs',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    schoolId: integer('school_id').notNull(),
    /** student ids proposed absent (no scan, no teacher mark) */
    proposed: bigint('proposed', { mode: 'number' }).array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.classId, t.day, t.shift] }), index('cutoff_runs_school_day_idx').on(t.schoolId, t.day)],
);

export const cardFiles = pgTable(
  'card_files',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    /** 'card' (one student's PNG) or 'sheet' (a class's PDF) */
    kind: text('kind').notNull(),
    /** 'student:<id>' or 'class:<id>' */
    scope: text('scope').notNull(),
    /** SHA-256 (hex) of everything printed: the same key means the same file */
    contentKey: text('content_key').notNull(),
    fileName: text('file_name').notNull(),
    bytes: bytea('bytes').notNull(),
    /** Telegram's file id once sent, so the next send does not upload again */
    fileId: text('file_id'),
    requestedBy: text('requested_by').notNull(),
    renderMs: integer('render_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('card_files_content_uq').on(t.schoolId, t.contentKey), index('card_files_school_scope_idx').on(t.schoolId, t.scope, t.createdAt)],
);

/**
 * The children named by one family's arrival digest (one outbox row per guardian, day, shift and
 * round, key `arrf:…`): written by the scan statement with the child's name and time already in
 * the reader's language, read by the sender's resolver when the row goes out (arrival-digest.ts).
 * The primary key makes a retried scan add nobody twice.
 */
export const arrivalDigestItems = pgTable(
  'arrival_digest_items',
  {
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    guardianTg: bigint('guardian_tg', { mode: 'number' }).notNull(),
    studentId: bigint('student_id', { mode: 'number' }).notNull(),
    digestKey: text('digest_key').notNull(),
    name: text('name').notNull(),
    time: text('time').notNull(),
    late: boolean('late').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'arrival_digest_items_pk', columns: [t.day, t.shift, t.studentId, t.guardianTg] }),
    index('arrival_digest_items_key_idx').on(t.digestKey),
    index('arrival_digest_items_family_idx').on(t.guardianTg, t.day, t.shift),
  ],
);

/**
 * Per family, day and shift: bumped by every scan statement that writes the family's digest, so a
 * statement that began before another's commit (and so cannot see that one's digest) notices, is
 * rolled back and runs again (scan.ts); two bot processes never write two digests for one family.
 */
export const arrivalDigestFamilies = pgTable(
  'arrival_digest_families',
  {
    guardianTg: bigint('guardian_tg', { mode: 'number' }).notNull(),
    day: date('day').notNull(),
    shift: shiftEnum('shift').notNull(),
    seq: integer('seq').notNull().default(1),
  },
  (t) => [primaryKey({ name: 'arrival_digest_families_pk', columns: [t.guardianTg, t.day, t.shift] })],
);
