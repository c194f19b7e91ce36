/**
 * Student cards: the version in a card's token must match the student's current version, so
 * re-issuing a lost card (version + 1) makes the old one stop working at once.
 */
import { bigint, integer, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
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
