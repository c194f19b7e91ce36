/**
 * Cleanliness inspections. A checklist is a list of items (area, code, texts, points); the default
 * ships in checklist.ts, and a province or a school may keep its own (`inspection_checklists`, one
 * row per scope: a school's list wins over its province's, which wins over the default).
 *
 * An inspection is of the whole school or of one class room: the result of each item (`results`:
 * item code → passed), the score and the most it could be, who inspected and as what. Each failing
 * item becomes a task for the office with the photo taken, a due date, reminders until it is
 * closed with a photo of the fix.
 */
import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { classes, provinces, schoolRef, schools } from '../core/db/schema.js';

export interface ChecklistItem {
  area: string;
  code: string;
  labelKm: string;
  labelEn: string;
  points: number;
}

export const inspectionChecklists = pgTable(
  'inspection_checklists',
  {
    id: serial('id').primaryKey(),
    schoolId: integer('school_id').references(() => schools.id),
    provinceId: integer('province_id').references(() => provinces.id),
    items: jsonb('items').$type<ChecklistItem[]>().notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('inspection_checklists_school_uq').on(t.schoolId).where(sql`${t.schoolId} is not null`),
    uniqueIndex('inspection_checklists_province_uq').on(t.provinceId).where(sql`${t.provinceId} is not null`),
    check('inspection_checklists_scope_ck', sql`(${t.schoolId} is null) <> (${t.provinceId} is null)`),
  ],
);

export const inspections = pgTable(
  'inspections',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    /** the class room inspected; null: the whole school */
    classId: integer('class_id').references(() => classes.id),
    day: date('day').notNull(),
    inspector: text('inspector').notNull(),
    /** principal, teacher, province */
    inspectorKind: text('inspector_kind').notNull(),
    results: jsonb('results').$type<Record<string, boolean>>().notNull(),
    score: integer('score').notNull(),
    maxScore: integer('max_score').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('inspections_school_idx').on(t.schoolId, t.day)],
);

export const inspectionTasks = pgTable(
  'inspection_tasks',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    inspectionId: integer('inspection_id')
      .notNull()
      .references(() => inspections.id),
    itemCode: text('item_code').notNull(),
    labelKm: text('label_km').notNull(),
    labelEn: text('label_en').notNull(),
    photoFileId: text('photo_file_id').notNull(),
    dueOn: date('due_on').notNull(),
    /** open, closed */
    status: text('status').notNull().default('open'),
    closedPhotoFileId: text('closed_photo_file_id'),
    closedBy: text('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('inspection_tasks_open_idx').on(t.schoolId, t.status, t.dueOn)],
);
