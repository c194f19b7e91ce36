/**
 * Scores: teachers enter test scores, the system computes results, the principal publishes report
 * cards to families. (Signing and locking records build on these tables: keep their names.)
 *
 * - score_rule_sets: named rule sets as data (`rules` jsonb, see rules.ts): how a term average is
 *   made from the assessments, how the year is made from the terms, the scale of the overall
 *   average per grade, pass mark, letter bands and the absence limits for promotion. Shipped rows:
 *   `kh-practice` (Cambodian practice) and `vn-c22` (Vietnam Circular 22/2021). Global rows have
 *   school_id null; a school may add its own.
 * - score_subjects: the subjects a school grades per grade, with km/en names, maximum score and
 *   order on the card. Filled from the Cambodian default (defaults.ts) when the office accepts the
 *   default plan; editable per school.
 * - assessment_plans: one per school year: which rule set it follows, when semester 2 starts.
 * - assessments: the plan's tests: term 1|2, kind (monthly, exam, regular, midterm, final), the
 *   month of a monthly test, a code people type (`nov`, `s1`), and the day scores are due (the
 *   automatic reminder goes before it).
 * - scores: one per student × subject × assessment: a value (0..max of the subject) or `absent`
 *   (the student missed that test). No row = not entered yet.
 * - score_comments: the homeroom teacher's comment per student per period (`m:<assessmentId>`,
 *   `t1`, `t2`, `y`).
 * - score_publications: a class's results for a period made public by the principal (one row per
 *   class and period; `version` grows when a correction follows).
 * - score_published_results: the numbers each family got (a snapshot per student and publication),
 *   so a later change is a correction against what was sent, and records can be signed from it.
 * - score_changes: every change to a score after its period was published, with the reason.
 * - score_drafts: the Mini App sheet's draft while a teacher types (per teacher, class, subject,
 *   assessment).
 * - score_card_files: the drawn report cards (PNG per student and publication version, a class's
 *   PDF), sent through the outbox by reference; Telegram's file id is kept after the first upload.
 * - score_settings: per school: days before a due date when missing teachers are reminded.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { academicYears, bytea, classes, schoolRef, schools, staff, students } from '../core/db/schema.js';

export const scoreRuleSets = pgTable(
  'score_rule_sets',
  {
    id: serial('id').primaryKey(),
    /** null: shipped with the app, usable by every school */
    schoolId: integer('school_id').references(() => schools.id),
    code: text('code').notNull(),
    nameKm: text('name_km').notNull(),
    nameEn: text('name_en').notNull(),
    /** the rules (rules.ts `RuleSet`); the results query reads them, so no code decides a formula */
    rules: jsonb('rules').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [uniqueIndex('score_rule_sets_code_uq').on(sql`coalesce(${t.schoolId}, 0)`, t.code)],
);

export const scoreSubjects = pgTable(
  'score_subjects',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    grade: smallint('grade').notNull(),
    /** subject code (teaching/subjects.ts) */
    code: text('code').notNull(),
    nameKm: text('name_km').notNull(),
    nameEn: text('name_en').notNull(),
    maxScore: numeric('max_score', { precision: 6, scale: 2, mode: 'number' }).notNull(),
    position: smallint('position').notNull().default(0),
    active: boolean('active').notNull().default(true),
  },
  (t) => [uniqueIndex('score_subjects_grade_code_uq').on(t.schoolId, t.grade, t.code), check('score_subjects_max_ck', sql`${t.maxScore} > 0`)],
);

export const assessmentPlans = pgTable(
  'assessment_plans',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    ruleSetId: integer('rule_set_id')
      .notNull()
      .references(() => scoreRuleSets.id),
    /** the first day of semester 2 (semester 1 runs from the year's start to the day before) */
    term2StartsOn: date('term2_starts_on').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('assessment_plans_year_uq').on(t.academicYearId)],
);

export const assessmentKindEnum = pgEnum('assessment_kind', ['monthly', 'exam', 'regular', 'midterm', 'final']);
export type AssessmentKind = (typeof assessmentKindEnum.enumValues)[number];

export const assessments = pgTable(
  'assessments',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => assessmentPlans.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    term: smallint('term').notNull(),
    kind: assessmentKindEnum('kind').notNull(),
    /** 1..12, the month of a monthly test */
    month: smallint('month'),
    /** what people type: nov, s1, r1 … (unique per plan) */
    code: text('code').notNull(),
    position: smallint('position').notNull(),
    /** scores are due by this day (school time); the reminder goes before it */
    dueOn: date('due_on'),
  },
  (t) => [
    uniqueIndex('assessments_plan_code_uq').on(t.planId, t.code),
    index('assessments_plan_idx').on(t.planId, t.term, t.position),
    check('assessments_term_ck', sql`${t.term} in (1, 2)`),
  ],
);

export const scores = pgTable(
  'scores',
  {
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => assessments.id, { onDelete: 'cascade' }),
    subjectId: integer('subject_id')
      .notNull()
      .references(() => scoreSubjects.id, { onDelete: 'cascade' }),
    studentId: bigint('student_id', { mode: 'number' })
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    /** the class the student was in when the score was entered */
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id),
    value: numeric('value', { precision: 6, scale: 2, mode: 'number' }),
    /** absent from the test (typed `ab`) */
    absent: boolean('absent').notNull().default(false),
    enteredBy: text('entered_by').notNull(),
    enteredByStaffId: integer('entered_by_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** typed | miniapp | excel | office */
    via: text('via').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.assessmentId, t.subjectId, t.studentId] }),
    index('scores_class_idx').on(t.classId, t.assessmentId, t.subjectId),
    index('scores_student_idx').on(t.studentId),
    check('scores_value_ck', sql`(${t.absent} and ${t.value} is null) or (not ${t.absent} and ${t.value} is not null and ${t.value} >= 0)`),
  ],
);

export const scoreComments = pgTable(
  'score_comments',
  {
    studentId: bigint('student_id', { mode: 'number' })
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    planId: integer('plan_id')
      .notNull()
      .references(() => assessmentPlans.id, { onDelete: 'cascade' }),
    /** m:<assessment id> | t1 | t2 | y */
    period: text('period').notNull(),
    schoolId: schoolRef(),
    comment: text('comment').notNull(),
    writtenBy: text('written_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.planId, t.period] })],
);

export const scorePublications = pgTable(
  'score_publications',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    planId: integer('plan_id')
      .notNull()
      .references(() => assessmentPlans.id, { onDelete: 'cascade' }),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    /** 1 at publishing; +1 per correction sent */
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('score_publications_class_period_uq').on(t.classId, t.period), index('score_publications_school_idx').on(t.schoolId, t.planId)],
);

export const scorePublishedResults = pgTable(
  'score_published_results',
  {
    publicationId: integer('publication_id')
      .notNull()
      .references(() => scorePublications.id, { onDelete: 'cascade' }),
    studentId: bigint('student_id', { mode: 'number' })
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    /** results.ts `StudentResult` as sent */
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.publicationId, t.studentId] })],
);

export const scoreChanges = pgTable(
  'score_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    publicationId: integer('publication_id').references(() => scorePublications.id, { onDelete: 'set null' }),
    assessmentId: integer('assessment_id').notNull(),
    subjectId: integer('subject_id').notNull(),
    studentId: bigint('student_id', { mode: 'number' }).notNull(),
    oldValue: numeric('old_value', { precision: 6, scale: 2, mode: 'number' }),
    oldAbsent: boolean('old_absent').notNull(),
    newValue: numeric('new_value', { precision: 6, scale: 2, mode: 'number' }),
    newAbsent: boolean('new_absent').notNull(),
    reason: text('reason').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('score_changes_student_idx').on(t.studentId, t.changedAt)],
);

export const scoreDrafts = pgTable(
  'score_drafts',
  {
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    subjectId: integer('subject_id')
      .notNull()
      .references(() => scoreSubjects.id, { onDelete: 'cascade' }),
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => assessments.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    /** student id → what was typed in the cell */
    cells: jsonb('cells').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.classId, t.subjectId, t.assessmentId] })],
);

export const scoreSettings = pgTable('score_settings', {
  schoolId: integer('school_id')
    .primaryKey()
    .references(() => schools.id),
  /** days before an assessment's due date when teachers with missing scores are reminded */
  remindDaysBefore: smallint('remind_days_before').notNull().default(2),
});

export const scoreCardFiles = pgTable(
  'score_card_files',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    publicationId: integer('publication_id')
      .notNull()
      .references(() => scorePublications.id, { onDelete: 'cascade' }),
    /** null: the class's PDF */
    studentId: bigint('student_id', { mode: 'number' }),
    version: integer('version').notNull(),
    /** png | pdf */
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    bytes: bytea('bytes').notNull(),
    fileId: text('file_id'),
    renderMs: integer('render_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('score_card_files_uq').on(t.publicationId, sql`coalesce(${t.studentId}, 0)`, t.version, t.kind)],
);
