/**
 * The ministry's registry facts about a school that the core `schools` row does not hold: where it
 * is (district, commune as the ministry's file writes them; coordinates) and its level. One row
 * per school imported from the registry; a school added by hand has none until it is imported.
 */
import { doublePrecision, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { schools } from '../core/db/schema.js';

export const SCHOOL_LEVELS = ['preschool', 'primary', 'lower-secondary', 'upper-secondary', 'secondary'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];

export const schoolRegistry = pgTable('school_registry', {
  schoolId: integer('school_id')
    .primaryKey()
    .references(() => schools.id, { onDelete: 'cascade' }),
  district: text('district'),
  commune: text('commune'),
  level: text('level').$type<SchoolLevel>().notNull(),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
