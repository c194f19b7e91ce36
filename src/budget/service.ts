/**
 * Expenses and their approval. The office (operator or principal) records an expense, which is
 * pending until the school's principal approves or declines it in one tap; an approval that would
 * take the line and source over its plan needs a second, explicit tap. An approved expense is
 * corrected only by a reversing entry. Each step writes the change, its audit row (ids only) and
 * its messages in one transaction; a refused step changes nothing and is audited.
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { displayName, formatDay, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { isRealDay } from '../core/clock.js';
import { schoolRecipients } from '../teaching/leave-flow.js';
import { expenseApprove, expenseDecline, expenseReceipt, expenseReverse } from './buttons.js';
import { linesOf } from './lines.js';
import { formatAmount, formatRiel, MAX_CENTS, MAX_RATE, MAX_RIEL, MIN_RATE, rielOf } from './money.js';
import { budgetExpenses, budgetLines, budgetPlans, BUDGET_SOURCES, type BudgetCurrency, type BudgetSource, type ExpenseStatus } from './schema.js';

export const MAX_TEXT = 200;

export interface ExpenseInput {
  currency: BudgetCurrency;
  amount: number;
  rateRiel: number | null;
  lineId: number;
  source: BudgetSource;
  spentOn: string;
  supplier: string;
  purpose: string;
  receiptFileId: string;
}

export interface ExpenseRecord {
  id: number;
  schoolId: number;
  fiscalYear: number;
  lineId: number;
  lineKm: string;
  lineEn: string;
  source: BudgetSource;
  currency: BudgetCurrency;
  amount: number;
  rateRiel: number | null;
  amountRiel: number;
  spentOn: string;
  supplier: string;
  purpose: string;
  receiptFileId: string | null;
  status: ExpenseStatus;
  reversesId: number | null;
  recordedBy: string;
}

export type RecordRefusal = 'forbidden' | 'bad-amount' | 'bad-rate' | 'no-line' | 'no-source' | 'bad-day' | 'bad-text' | 'no-receipt';

export async function expenseById(ex: Executor, id: number): Promise<ExpenseRecord | undefined> {
  const [r] = await ex
    .select({
      id: budgetExpenses.id,
      schoolId: budgetExpenses.schoolId,
      fiscalYear: budgetExpenses.fiscalYear,
      lineId: budgetExpenses.lineId,
      lineKm: budgetLines.nameKm,
      lineEn: budgetLines.nameEn,
      source: budgetExpenses.source,
      currency: budgetExpenses.currency,
      amount: budgetExpenses.amount,
      rateRiel: budgetExpenses.rateRiel,
      amountRiel: budgetExpenses.amountRiel,
      spentOn: budgetExpenses.spentOn,
      supplier: budgetExpenses.supplier,
      purpose: budgetExpenses.purpose,
      receiptFileId: budgetExpenses.receiptFileId,
      status: budgetExpenses.status,
      reversesId: budgetExpenses.reversesId,
      recordedBy: budgetExpenses.recordedBy,
    })
    .from(budgetExpenses)
    .innerJoin(budgetLines, eq(budgetLines.id, budgetExpenses.lineId))
    .where(eq(budgetExpenses.id, id));
  return r ? { ...r, amount: Number(r.amount), amountRiel: Number(r.amountRiel) } : undefined;
}

/** What an expense reads like in the chat (the principal's copy, the receipt's caption). */
export function expenseText(e: ExpenseRecord, locale: Locale, t: Notifier['t']): string {
  return t(locale, e.reversesId ? 'budget-expense-reversal' : 'budget-expense-card', {
    id: String(e.id),
    amount: formatAmount(locale, e.currency, e.amount),
    riel: e.currency === 'USD' ? ` (${formatRiel(locale, e.amountRiel)})` : '',
    line: displayName(locale, { nameKm: e.lineKm, nameEn: e.lineEn }),
    source: t(locale, `budget-source-${e.source}`),
    day: formatDay(locale, e.spentOn),
    supplier: e.supplier,
    purpose: e.purpose,
    reverses: String(e.reversesId ?? ''),
  });
}

function principalKeyboard(e: ExpenseRecord, locale: Locale, t: Notifier['t']) {
  return {
    inline_keyboard: [
      [
        { text: t(locale, 'budget-approve'), callback_data: expenseApprove.pack({ expense: e.id, over: false }) },
        { text: t(locale, 'budget-decline'), callback_data: expenseDecline.pack({ expense: e.id }) },
      ],
    ],
  };
}

export async function recordExpense(
  db: Db,
  actor: Actor,
  input: ExpenseInput,
  notifier: Notifier,
): Promise<{ ok: true; expenseId: number; principals: number } | { ok: false; reason: RecordRefusal }> {
  const who = actorOf(actor.telegramUserId);
  const office = officeMembership(actor);
  const refuse = async (reason: RecordRefusal) => {
    await audit(db, { actor: who, schoolId: office?.schoolId ?? null, action: 'budget.expense.record', entity: 'school', entityId: office?.schoolId, outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!office) return refuse('forbidden');
  const max = input.currency === 'USD' ? MAX_CENTS : MAX_RIEL;
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > max) return refuse('bad-amount');
  if (input.currency === 'USD' ? !(Number.isInteger(input.rateRiel) && input.rateRiel! >= MIN_RATE && input.rateRiel! <= MAX_RATE) : input.rateRiel !== null) return refuse('bad-rate');
  if (!BUDGET_SOURCES.includes(input.source)) return refuse('no-source');
  if (!isRealDay(input.spentOn)) return refuse('bad-day');
  const supplier = input.supplier.trim();
  const purpose = input.purpose.trim();
  if (!supplier || !purpose || supplier.length > MAX_TEXT || purpose.length > MAX_TEXT) return refuse('bad-text');
  if (!input.receiptFileId) return refuse('no-receipt');
  const line = (await linesOf(db, office.schoolId, { activeOnly: true })).find((l) => l.id === input.lineId);
  if (!line) return refuse('no-line');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(budgetExpenses)
      .values({
        schoolId: office.schoolId,
        fiscalYear: Number(input.spentOn.slice(0, 4)),
        lineId: line.id,
        source: input.source,
        currency: input.currency,
        amount: input.amount,
        rateRiel: input.rateRiel,
        amountRiel: rielOf(input.currency, input.amount, input.rateRiel),
        spentOn: input.spentOn,
        supplier,
        purpose,
        receiptFileId: input.receiptFileId,
        recordedBy: who,
      })
      .returning({ id: budgetExpenses.id });
    const expense = (await expenseById(tx, row!.id))!;
    const principals = await schoolRecipients(tx, office.schoolId, ['principal']);
    await addToOutbox(
      tx,
      principals.map((p): OutgoingMessage => {
        const locale = p.locale ?? notifier.defaultLocale;
        return {
          dedupeKey: `budget:expense:${expense.id}:ask:${p.staffId}`,
          schoolId: office.schoolId,
          capability: 'budget',
          entity: 'expense',
          entityId: expense.id,
          chatId: p.chatId,
          method: 'sendPhoto',
          payload: { photo: input.receiptFileId, caption: `${notifier.t(locale, 'budget-ask-principal')}\n${expenseText(expense, locale, notifier.t)}`.slice(0, 1024), reply_markup: principalKeyboard(expense, locale, notifier.t) },
        };
      }),
    );
    await audit(tx, { actor: who, schoolId: office.schoolId, action: 'budget.expense.record', entity: 'expense', entityId: expense.id, details: { line: line.id, source: input.source, currency: input.currency } });
    return { ok: true as const, expenseId: expense.id, principals: principals.length };
  });
}

/** Approved riel spent and the plan of one line and source in a fiscal year. */
export async function lineStanding(ex: Executor, schoolId: number, fiscalYear: number, lineId: number, source: BudgetSource): Promise<{ plan: number; spent: number }> {
  const [r] = rowsOf<{ plan: string | null; spent: string | null }>(
    await ex.execute(sql`
      select (select amount_riel from budget_plans where school_id = ${schoolId} and fiscal_year = ${fiscalYear} and line_id = ${lineId} and source = ${source}) as plan,
             (select sum(amount_riel) from budget_expenses where school_id = ${schoolId} and fiscal_year = ${fiscalYear} and line_id = ${lineId} and source = ${source} and status = 'approved') as spent`),
  );
  return { plan: Number(r?.plan ?? 0), spent: Number(r?.spent ?? 0) };
}

export type DecideResult =
  | { ok: true; expense: ExpenseRecord }
  | { ok: false; reason: 'forbidden' | 'not-found' }
  | { ok: false; reason: 'already'; expense: ExpenseRecord }
  | { ok: false; reason: 'over-plan'; expense: ExpenseRecord; plan: number; spent: number };

/**
 * The principal decides. `overPlanConfirmed` is the second tap after the warning that the
 * approval takes the line over its plan.
 */
export async function decideExpense(db: Db, actor: Actor, expenseId: number, decision: 'approved' | 'declined', overPlanConfirmed: boolean, notifier: Notifier): Promise<DecideResult> {
  const who = actorOf(actor.telegramUserId);
  const expense = await expenseById(db, expenseId);
  const deny = async (reason: 'forbidden' | 'not-found') => {
    await audit(db, { actor: who, schoolId: expense?.schoolId ?? null, action: 'budget.expense.decide', entity: 'expense', entityId: expenseId, outcome: 'denied', details: { reason, decision } });
    return { ok: false as const, reason };
  };
  if (!expense) return deny('not-found');
  if (!actor.staff.some((m) => m.schoolId === expense.schoolId && m.roles.includes('principal'))) return deny('forbidden');
  if (expense.status !== 'pending') return { ok: false, reason: 'already', expense };
  if (decision === 'approved' && !overPlanConfirmed) {
    const s = await lineStanding(db, expense.schoolId, expense.fiscalYear, expense.lineId, expense.source);
    if (s.spent + expense.amountRiel > s.plan) return { ok: false, reason: 'over-plan', expense, plan: s.plan, spent: s.spent };
  }
  return db.transaction(async (tx): Promise<DecideResult> => {
    const done = await tx
      .update(budgetExpenses)
      .set({ status: decision, decidedBy: who, decidedAt: sql`now()` })
      .where(and(eq(budgetExpenses.id, expenseId), eq(budgetExpenses.status, 'pending')))
      .returning({ id: budgetExpenses.id });
    if (done.length === 0) return { ok: false, reason: 'already', expense: (await expenseById(tx, expenseId))! };
    const decided = (await expenseById(tx, expenseId))!;
    await audit(tx, { actor: who, schoolId: expense.schoolId, action: 'budget.expense.decide', entity: 'expense', entityId: expenseId, details: { decision, overPlan: overPlanConfirmed } });
    await tellRecorder(tx, decided, `budget-told-${decision}`, notifier);
    return { ok: true, expense: decided };
  });
}

async function tellRecorder(tx: Executor, e: ExpenseRecord, key: string, notifier: Notifier): Promise<void> {
  const uid = /^tg:(\d+)$/.exec(e.recordedBy)?.[1];
  if (!uid) return;
  const [acc] = rowsOf<{ locale: Locale | null }>(await tx.execute(sql`select locale from telegram_accounts where telegram_user_id = ${Number(uid)}`));
  const locale = acc?.locale ?? notifier.defaultLocale;
  await addToOutbox(tx, {
    dedupeKey: `budget:expense:${e.id}:told`,
    schoolId: e.schoolId,
    capability: 'budget',
    entity: 'expense',
    entityId: e.id,
    chatId: Number(uid),
    payload: { text: `${notifier.t(locale, key)}\n${expenseText(e, locale, notifier.t)}` },
  });
}

/** The principal's buttons once an expense is approved: re-send the receipt, reverse it. */
export function approvedKeyboard(e: ExpenseRecord, locale: Locale, t: Notifier['t']) {
  return {
    inline_keyboard: [
      [
        { text: t(locale, 'budget-btn-receipt'), callback_data: expenseReceipt.pack({ expense: e.id }) },
        { text: t(locale, 'budget-btn-reverse'), callback_data: expenseReverse.pack({ expense: e.id, sure: false }) },
      ],
    ],
  };
}

export type ReverseResult = { ok: true; reversal: ExpenseRecord } | { ok: false; reason: 'forbidden' | 'not-found' | 'not-approved' | 'already-reversed' };

/** A reversing entry for an approved expense: the negated amount, approved by the principal. */
export async function reverseExpense(db: Db, actor: Actor, expenseId: number, notifier: Notifier): Promise<ReverseResult> {
  const who = actorOf(actor.telegramUserId);
  const expense = await expenseById(db, expenseId);
  const deny = async (reason: 'forbidden' | 'not-found' | 'not-approved' | 'already-reversed') => {
    await audit(db, { actor: who, schoolId: expense?.schoolId ?? null, action: 'budget.expense.reverse', entity: 'expense', entityId: expenseId, outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!expense) return deny('not-found');
  if (!actor.staff.some((m) => m.schoolId === expense.schoolId && m.roles.includes('principal'))) return deny('forbidden');
  if (expense.status !== 'approved' || expense.reversesId !== null) return deny('not-approved');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(budgetExpenses)
      .values({
        schoolId: expense.schoolId,
        fiscalYear: expense.fiscalYear,
        lineId: expense.lineId,
        source: expense.source,
        currency: expense.currency,
        amount: -expense.amount,
        rateRiel: expense.rateRiel,
        amountRiel: -expense.amountRiel,
        spentOn: expense.spentOn,
        supplier: expense.supplier,
        purpose: expense.purpose,
        receiptFileId: expense.receiptFileId,
        status: 'approved',
        reversesId: expense.id,
        recordedBy: who,
        decidedBy: who,
        decidedAt: sql`now()`,
      })
      .onConflictDoNothing()
      .returning({ id: budgetExpenses.id });
    if (!row) return { ok: false as const, reason: 'already-reversed' as const };
    await audit(tx, { actor: who, schoolId: expense.schoolId, action: 'budget.expense.reverse', entity: 'expense', entityId: row.id, details: { reverses: expense.id } });
    const reversal = (await expenseById(tx, row.id))!;
    return { ok: true as const, reversal };
  });
}

/** The receipt of an expense, for a member of its school's office. */
export async function receiptOf(db: Db, actor: Actor, expenseId: number): Promise<{ ok: true; fileId: string; expense: ExpenseRecord } | { ok: false; reason: 'forbidden' | 'not-found' }> {
  const expense = await expenseById(db, expenseId);
  if (!expense || !expense.receiptFileId) return { ok: false, reason: 'not-found' };
  if (!officeMembership(actor, expense.schoolId)) {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: expense.schoolId, action: 'budget.receipt', entity: 'expense', entityId: expenseId, outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false, reason: 'forbidden' };
  }
  return { ok: true, fileId: expense.receiptFileId, expense };
}

export type PlanRefusal = 'no-school' | 'no-line' | 'no-source' | 'bad-amount' | 'bad-year';

/** Sets the plan of a line and source for a fiscal year (CLI). */
export async function setPlan(db: Db, input: { schoolId: number; fiscalYear: number; lineCode: string; source: string; amountRiel: number; by: string }): Promise<{ ok: true } | { ok: false; reason: PlanRefusal }> {
  const refuse = async (reason: PlanRefusal) => {
    await audit(db, { actor: input.by, schoolId: input.schoolId, action: 'budget.plan.set', outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!Number.isInteger(input.fiscalYear) || input.fiscalYear < 2000 || input.fiscalYear > 2100) return refuse('bad-year');
  if (!Number.isSafeInteger(input.amountRiel) || input.amountRiel < 0 || input.amountRiel > 100 * MAX_RIEL) return refuse('bad-amount');
  if (!BUDGET_SOURCES.includes(input.source as BudgetSource)) return refuse('no-source');
  const line = (await linesOf(db, input.schoolId)).find((l) => l.code === input.lineCode);
  if (!line) return refuse('no-line');
  await db.transaction(async (tx) => {
    await tx
      .insert(budgetPlans)
      .values({ schoolId: input.schoolId, fiscalYear: input.fiscalYear, lineId: line.id, source: input.source as BudgetSource, amountRiel: input.amountRiel, updatedBy: input.by })
      .onConflictDoUpdate({ target: [budgetPlans.schoolId, budgetPlans.fiscalYear, budgetPlans.lineId, budgetPlans.source], set: { amountRiel: input.amountRiel, updatedBy: input.by, updatedAt: sql`now()` } });
    await audit(tx, { actor: input.by, schoolId: input.schoolId, action: 'budget.plan.set', entity: 'budget_line', entityId: line.id, details: { year: input.fiscalYear, source: input.source } });
  });
  return { ok: true };
}
