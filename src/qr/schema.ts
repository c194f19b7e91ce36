/**
 * Student cards: the version in a card's token must match the student's current version, so
 * re-issuing a lost card (version + 1) makes the old one stop working at once.
 *
 * Card files: the PNG of one card or the PDF sheet of a class, made by the worker and kept so the
 * sender uploads the bytes from here (the outbox row holds only a reference) and the same file is
 * sent again by Telegram file id while nothing on it changed (`content_key` is a hash of every
 * printed value and token).
 */
import { bigint, bigserial, customType, index, integer, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { schools, students } from '../core/db/schema.js';

export const studentCards = pgTable('student_cards', {
  studentId: bigint('student_id', { mode: 'number' })
    .primaryKey()
    .references(() => students.id, { onDelete: 'cascade' }),
  schoolId: integer('school_id')
    .notNull()
    .references(() => schools.id),
  version: smallint('version').notNull().default(1),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  issuedBy: text('issued_by').notNull(),
});

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

export const cardFiles = pgTable(
  'card_files',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: integer('school_id')
      .notNull()
      .references(() => schools.id),
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
