/**
 * Export files made by the worker for an official's /export: kept on disk (EXPORTS_DIR) until
 * they expire; sent as a document when Telegram takes the size, else reached through a signed,
 * expiring link on the bot's HTTP server.
 */
import { bigint, index, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const exportFiles = pgTable(
  'export_files',
  {
    id: serial('id').primaryKey(),
    /** the Telegram user who asked */
    requestedBy: bigint('requested_by', { mode: 'number' }).notNull(),
    /** oneroster | attendance-jsonl | attendance-csv */
    kind: text('kind').notNull(),
    /** nation | province-03 | school-DEMO-001 (exports/scope.ts scopeLabel) */
    scope: text('scope').notNull(),
    fileName: text('file_name').notNull(),
    path: text('path').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [index('export_files_expires_idx').on(t.expiresAt)],
);
