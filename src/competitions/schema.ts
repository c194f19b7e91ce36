/**
 * Competitions: events (name, subject or sport, level, day) a school's students took part in, and
 * their results (a student, possibly in a team; rank, medal, score). Entered by the office or the
 * teacher who led the team; the families of students who placed are told.
 */
import { date, index, integer, pgEnum, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { schoolRef, students } from '../core/db/schema.js';

export const competitionLevelEnum = pgEnum('competition_level', ['school', 'district', 'province', 'national', 'international']);
export const medalEnum = pgEnum('competition_medal', ['gold', 'silver', 'bronze', 'none']);
export type CompetitionLevel = (typeof competitionLevelEnum.enumValues)[number];
export type Medal = (typeof medalEnum.enumValues)[number];
export const LEVELS: readonly CompetitionLevel[] = competitionLevelEnum.enumValues;

export const competitionEvents = pgTable(
  'competition_events',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    name: text('name').notNull(),
    subject: text('subject').notNull(),
    level: competitionLevelEnum('level').notNull(),
    day: date('day').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('competition_events_school_idx').on(t.schoolId, t.day)],
);

export const competitionResults = pgTable(
  'competition_results',
  {
    id: serial('id').primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => competitionEvents.id),
    schoolId: schoolRef(),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    team: text('team'),
    rank: integer('rank'),
    medal: medalEnum('medal').notNull().default('none'),
    score: integer('score'),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('competition_results_uq').on(t.eventId, t.studentId), index('competition_results_student_idx').on(t.studentId)],
);
