/**
 * A roster file sent to the bot waits here between its check (the summary the sender reads) and
 * the sender's Confirm: the file's bytes, whose it is, and a fingerprint of the changes it showed.
 * Confirm claims the row (pending → confirmed) in the same transaction as the import, so a replayed
 * or concurrent Confirm changes nothing; the bytes are dropped once it is decided.
 */
import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea, schoolRef } from '../core/db/schema.js';

export const rosterPendingImports = pgTable(
  'roster_pending_imports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    /** 'students' or 'staff' */
    kind: text('kind').notNull(),
    telegramUserId: bigint('telegram_user_id', { mode: 'number' }).notNull(),
    fileName: text('file_name').notNull(),
    /** null once confirmed, cancelled or found stale */
    fileBytes: bytea('file_bytes'),
    /** sha-256 of the changes the summary showed: Confirm imports only if they are still the same */
    fingerprint: text('fingerprint').notNull(),
    /** pending, confirmed, cancelled, stale (the summary no longer held), expired (never decided) */
    status: text('status').notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [index('roster_pending_school_idx').on(t.schoolId, t.createdAt)],
);
