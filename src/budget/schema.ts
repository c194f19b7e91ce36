/**
 * A school's budget and its expenses.
 *
 * Lines: the school's chart of budget lines (a default chart is copied in on first use, see
 * lines.ts; the office can add, rename or retire lines with the CLI). Plans: one amount per fiscal
 * year (Cambodia's is the calendar year), line and source, in riel. Expenses: each amount exactly
 * as paid — integer riel, or integer US cents with the riel-per-dollar rate used — plus its riel
 * equivalent for comparing with the plan. A receipt photo is kept by its Telegram file id.
 *
 * An approved expense is never changed or deleted (a trigger in the migration refuses it); a
 * mistake is corrected by a reversing entry (`reverses_id`, the negated amount), and both stay.
 */
import { bigint, boolean, date, index, integer, pgEnum, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { schoolRef } from '../core/db/schema.js';

export const budgetSourceEnum = pgEnum('budget_source', ['state', 'community', 'partner']);
export const budgetCurrencyEnum = pgEnum('budget_currency', ['KHR', 'USD']);
export const expenseStatusEnum = pgEnum('expense_status', ['pending', 'approved', 'declined']);
export type BudgetSource = (typeof budgetSourceEnum.enumValues)[number];
export type BudgetCurrency = (typeof budgetCurrencyEnum.enumValues)[number];
export type ExpenseStatus = (typeof expenseStatusEnum.enumValues)[number];
export const BUDGET_SOURCES: readonly BudgetSource[] = budgetSourceEnum.enumValues;

export const budgetLines = pgTable(
  'budget_lines',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    code: text('code').notNull(),
    nameKm: text('name_km').notNull(),
    nameEn: text('name_en').notNull(),
    active: boolean('active').notNull().default(true),
    position: integer('position').notNull().default(0),
  },
  (t) => [uniqueIndex('budget_lines_school_code_uq').on(t.schoolId, t.code)],
);

export const budgetPlans = pgTable(
  'budget_plans',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    fiscalYear: integer('fiscal_year').notNull(),
    lineId: integer('line_id')
      .notNull()
      .references(() => budgetLines.id),
    source: budgetSourceEnum('source').notNull(),
    amountRiel: bigint('amount_riel', { mode: 'number' }).notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('budget_plans_uq').on(t.schoolId, t.fiscalYear, t.lineId, t.source)],
);

export const budgetExpenses = pgTable(
  'budget_expenses',
  {
    id: serial('id').primaryKey(),
    schoolId: schoolRef(),
    fiscalYear: integer('fiscal_year').notNull(),
    lineId: integer('line_id')
      .notNull()
      .references(() => budgetLines.id),
    source: budgetSourceEnum('source').notNull(),
    currency: budgetCurrencyEnum('currency').notNull(),
    /** in the currency's smallest unit: riel, or US cents (negative only for a reversing entry) */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** riel per US dollar used, for a dollar expense */
    rateRiel: integer('rate_riel'),
    /** the riel equivalent (= amount for riel; cents × rate / 100, rounded, for dollars) */
    amountRiel: bigint('amount_riel', { mode: 'number' }).notNull(),
    spentOn: date('spent_on').notNull(),
    supplier: text('supplier').notNull(),
    purpose: text('purpose').notNull(),
    receiptFileId: text('receipt_file_id'),
    status: expenseStatusEnum('status').notNull().default('pending'),
    reversesId: integer('reverses_id'),
    recordedBy: text('recorded_by').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('budget_expenses_school_idx').on(t.schoolId, t.fiscalYear, t.status),
    // An expense is reversed at most once.
    uniqueIndex('budget_expenses_reverses_uq').on(t.reversesId).where(sql`${t.reversesId} is not null`),
  ],
);
