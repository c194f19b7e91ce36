/**
 * Generated reports are kept: who asked, which period, when, the files, and Telegram's file ids
 * once sent, so the same report goes out again without recomputing or re-uploading.
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, schools } from '../core/db/schema.js';

export const reports = pgTable(
  'reports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** null for a roll-up across schools (scope province:<id> or national) */
    schoolId: integer('school_id').references(() => schools.id),
    /** daily | monthly | range */
    kind: text('kind').notNull(),
    /** 2026-11-23, 2026-10, 2026-11-16..2026-11-21 */
    period: text('period').notNull(),
    /** 'school' or 'class:<id>' */
    scope: text('scope').notNull(),
    locale: text('locale').notNull(),
    requestedBy: text('requested_by').notNull(),
    /** short text summary sent as the caption */
    summary: text('summary').notNull(),
    png: bytea('png').notNull(),
    xlsx: bytea('xlsx').notNull(),
    pngFileId: text('png_file_id'),
    xlsxFileId: text('xlsx_file_id'),
    /** how long the SQL and the rendering took (ms), for the record */
    queryMs: integer('query_ms'),
    renderMs: integer('render_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reports_period_uq').on(t.schoolId, t.kind, t.period, t.scope, t.locale),
    uniqueIndex('reports_rollup_uq').on(t.kind, t.period, t.scope, t.locale).where(sql`${t.schoolId} is null`),
    index('reports_school_created_idx').on(t.schoolId, t.createdAt),
  ],
);
