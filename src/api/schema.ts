/**
 * API tokens for the ministry's systems: stored as a SHA-256 hash (the token itself is shown once,
 * by the CLI), with a scope (one school, one province or the nation) and a level: `aggregate`
 * (counts only, small cells suppressed) or `student` (per-student events too).
 */
import { index, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    /** hex SHA-256 of the token */
    hash: text('hash').notNull().unique(),
    /** school | province | nation */
    scopeKind: text('scope_kind').$type<'school' | 'province' | 'nation'>().notNull(),
    /** the school's or province's code; null for the nation */
    scopeCode: text('scope_code'),
    level: text('level').$type<'aggregate' | 'student'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_scope_idx').on(t.scopeKind, t.scopeCode)],
);
