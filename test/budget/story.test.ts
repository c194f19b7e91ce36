/**
 * The budget as a new school would try it (issue 16's "Done when", budget part): the operator
 * records three expenses with receipt photos (one in dollars with its rate; a PDF receipt, a
 * negative, a nonsense and an absurd amount refused on the way), the principal approves two —
 * warned before a third would take its line over plan — and declines it; /budget shows plan
 * against spending per line and source, the chart and the workbook; a wrong role and forged
 * buttons change nothing and are audited; an approved expense is never edited, only reversed;
 * the principal's monthly message and the province's execution rates.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog } from '../../src/core/db/schema.js';
import { addOfficial } from '../../src/schools/service.js';
import { expenseApprove, expenseDecline, expenseLine, expenseReverse } from '../../src/budget/buttons.js';
import { monthlyBudget } from '../../src/budget/jobs.js';
import { formatAmount, formatRiel } from '../../src/budget/money.js';
import { localDigits } from '../../src/core/i18n/index.js';
import { budgetExpenses } from '../../src/budget/schema.js';
import { setPlan } from '../../src/budget/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Monday 23 November 2026, 10:00 in Phnom Penh.
const now = new Date('2026-11-23T03:00:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
let principal: TestUser;
let operator: TestUser;
let teacher: TestUser;
let director: TestUser;
const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const ids: number[] = [];

const last = (u: TestUser) => u.inbox().at(-1)!;
/** The pop-up answer to the user's last press (the edit of the message may follow it). */
const answered = (u: TestUser) => u.inbox().findLast((m) => m.method === 'answerCallbackQuery')?.text;

async function recordExpense(steps: { amount: string; rate?: string; line: string; source: string; day?: string; supplier: string; purpose: string }) {
  await operator.send('/expense');
  expect(last(operator).text).toBe(t('budget-ask-amount'));
  await operator.send(steps.amount);
  if (steps.rate) {
    expect(last(operator).text).toContain('$');
    await operator.send(steps.rate);
  }
  expect(last(operator).text).toBe(t('budget-ask-line'));
  await operator.press(steps.line);
  await operator.press(t(`budget-source-${steps.source}`));
  if (steps.day) await operator.send(steps.day);
  else await operator.press(t('budget-today'));
  expect(last(operator).text).toBe(t('budget-ask-supplier'));
  await operator.send(steps.supplier);
  await operator.send(steps.purpose);
  expect(last(operator).text).toBe(t('budget-ask-receipt'));
  await operator.sendPhoto(PHOTO);
  await operator.press(t('budget-save'));
  const saved = last(operator).text;
  const id = Number(/#(\d+)/.exec(saved)?.[1]);
  expect(saved).toBe(t('budget-saved', { id: String(id) }));
  ids.push(id);
  return id;
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  principal = app.user(16001, 'Sophea');
  await principal.shareContact('093 388 921');
  operator = app.user(16002, 'Sreymom');
  await operator.shareContact('016 373 035');
  teacher = app.user(16003, 'Maly');
  await teacher.shareContact('016 005 138');
  await addOfficial(app.database.db, { phoneE164: '+85512888777', name: 'Director', provinceCode: 'PP' }, 'cli');
  director = app.user(16004, 'Director');
  await director.shareContact('012 888 777');
  const db = app.database.db;
  for (const [line, source, riel] of [
    ['materials', 'state', 1_000_000],
    ['repairs', 'state', 200_000],
    ['hygiene', 'community', 300_000],
  ] as const) {
    expect(await setPlan(db, { schoolId: 1, fiscalYear: 2026, lineCode: line, source, amountRiel: riel, by: 'cli' })).toEqual({ ok: true });
  }
  for (const u of [principal, operator, teacher, director]) u.inbox();
});
afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('expenses', () => {
  it('the operator records three expenses with receipt photos; bad amounts and a PDF receipt are refused', async () => {
    await recordExpense({ amount: '150,000', line: 'សម្ភារៈសិក្សា', source: 'state', supplier: 'Lucky Bookshop', purpose: 'Notebooks for grade 1' });

    // The second, in dollars, with the rate; bad input on the way changes nothing.
    await operator.send('/expense');
    for (const [typed, key] of [
      ['-5000', 'budget-amount-not-positive'],
      ['abc', 'budget-amount-bad'],
      ['999999999999', 'budget-amount-too-big'],
    ] as const) {
      await operator.send(typed);
      expect(last(operator).text).toBe(t(key));
    }
    await operator.send('$25.50');
    expect(last(operator).text).toBe(t('budget-ask-rate', { amount: formatAmount('km', 'USD', 2550) }));
    await operator.send('41');
    expect(last(operator).text).toBe(t('budget-bad-rate'));
    await operator.send('៤១០០');
    await operator.pressData(expenseLine.pack({ line: 999_999 }));
    expect(last(operator)).toMatchObject({ method: 'answerCallbackQuery', text: t('core-menu-outdated') });
    await operator.press('ជួសជុល និងថែទាំ');
    await operator.press(t('budget-source-state'));
    await operator.send('31/02');
    expect(last(operator).text).toBe(t('budget-bad-day'));
    await operator.send('20/11');
    await operator.send('Mr Dara, builder');
    await operator.send('Fix the classroom door');
    await operator.sendDocument(Buffer.from('%PDF-1.4 fake'), 'receipt.pdf');
    expect(last(operator).text).toBe(t('budget-receipt-not-picture'));
    await operator.sendPhoto(PHOTO);
    expect(last(operator).text).toContain(formatRiel('km', 104_550));
    await operator.press(t('budget-save'));
    ids.push(Number(/#(\d+)/.exec(last(operator).text)?.[1]));

    await recordExpense({ amount: '150000', line: 'ជួសជុល និងថែទាំ', source: 'state', supplier: 'Hardware shop', purpose: 'Roof sheets' });
    const rows = await app.database.db.select().from(budgetExpenses).orderBy(budgetExpenses.id);
    expect(rows.map((r) => [r.currency, r.amount, r.rateRiel, r.amountRiel, r.status, r.spentOn])).toEqual([
      ['KHR', 150_000, null, 150_000, 'pending', '2026-11-23'],
      ['USD', 2550, 4100, 104_550, 'pending', '2026-11-20'],
      ['KHR', 150_000, null, 150_000, 'pending', '2026-11-23'],
    ]);
    expect(rows.every((r) => r.receiptFileId?.startsWith('photo-in-16002-'))).toBe(true);
    const refused = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'budget.expense.receipt'), eq(auditLog.outcome, 'denied')));
    expect(refused).toHaveLength(1);
  });

  it('the principal gets each receipt with Approve / Decline; the operator can re-send a pending receipt', async () => {
    await deliver();
    const asks = principal.inbox().filter((m) => m.method === 'sendPhoto');
    expect(asks).toHaveLength(3);
    const dollars = asks.find((m) => m.text.includes('Mr Dara, builder'))!;
    expect(dollars.payload.photo).toBe((await app.database.db.select().from(budgetExpenses).where(eq(budgetExpenses.id, ids[1]!)))[0]!.receiptFileId);
    expect(dollars.text).toContain(`${formatAmount('km', 'USD', 2550)} (${formatRiel('km', 104_550)})`);
    expect(asks[0]!.replyMarkup.inline_keyboard[0].map((b: { text: string }) => b.text)).toEqual([t('budget-approve'), t('budget-decline')]);

    await operator.send('/budget');
    const summary = operator.inbox();
    expect(summary[0]!.text).toContain(t('budget-pending-count', { count: '៣' }));
    await operator.press(t('budget-btn-receipt-of', { id: localDigits('km', String(ids[1])) }));
    const resent = last(operator);
    expect(resent.method).toBe('sendPhoto');
    expect(resent.payload.photo).toBe(dollars.payload.photo);
  });

  it('only the principal decides: the operator and a teacher are refused, audited, nothing changes', async () => {
    await operator.pressData(expenseApprove.pack({ expense: ids[0]!, over: false }));
    expect(last(operator)).toMatchObject({ method: 'answerCallbackQuery', text: t('budget-decide-forbidden') });
    await teacher.send('/expense');
    expect(last(teacher).text).toBe(t('budget-denied-office'));
    await teacher.send('/budget');
    expect(last(teacher).text).toBe(t('budget-denied-office'));
    const pending = await app.database.db.select().from(budgetExpenses).where(eq(budgetExpenses.status, 'pending'));
    expect(pending).toHaveLength(3);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'budget.expense.decide'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });

  it('the principal approves two, is warned before the third goes over plan, and declines it', async () => {
    await principal.pressData(expenseApprove.pack({ expense: ids[0]!, over: false }));
    expect(answered(principal)).toBe(t('budget-approved'));
    await principal.pressData(expenseApprove.pack({ expense: ids[1]!, over: false }));
    expect(answered(principal)).toBe(t('budget-approved'));
    await principal.pressData(expenseApprove.pack({ expense: ids[2]!, over: false }));
    const warning = last(principal);
    expect(warning.text).toBe(t('budget-warn-over-plan', { id: localDigits('km', String(ids[2])), plan: formatRiel('km', 200_000), spent: formatRiel('km', 104_550), after: formatRiel('km', 254_550) }));
    expect((await app.database.db.select().from(budgetExpenses).where(eq(budgetExpenses.id, ids[2]!)))[0]!.status).toBe('pending');
    await principal.press(t('budget-decline'));
    expect(answered(principal)).toBe(t('budget-declined'));
    // A second tap on an old button is answered, not acted on.
    await principal.pressData(expenseApprove.pack({ expense: ids[2]!, over: true }));
    expect(last(principal).text).toBe(t('budget-already-declined'));
    const statuses = (await app.database.db.select().from(budgetExpenses).orderBy(budgetExpenses.id)).map((r) => r.status);
    expect(statuses).toEqual(['approved', 'approved', 'declined']);
    await deliver();
    const told = operator.inbox().map((m) => m.text);
    expect(told.filter((x) => x.startsWith(t('budget-told-approved')))).toHaveLength(2);
    expect(told.filter((x) => x.startsWith(t('budget-told-declined')))).toHaveLength(1);
  });

  it('/budget shows plan against spending per line and source, the chart and the workbook', async () => {
    await principal.send('/budget');
    const [text, chart] = principal.inbox();
    expect(text!.text).toContain(`សម្ភារៈសិក្សា: ${formatRiel('km', 150_000)} / ${formatRiel('km', 1_000_000)} (១៥%)`);
    expect(text!.text).toContain(`ជួសជុល និងថែទាំ: ${formatRiel('km', 104_550)} / ${formatRiel('km', 200_000)} (៥២%)`);
    expect(text!.text).toContain(`អនាម័យ: ${formatRiel('km', 0)} / ${formatRiel('km', 300_000)} (០%)`);
    expect(text!.text).toContain(t('budget-pending-none'));
    expect(chart!.method).toBe('sendPhoto');
    expect(chart!.payload.photo.bytes.length).toBeGreaterThan(10_000);
    await principal.press(t('budget-btn-workbook'));
    const doc = last(principal);
    expect(doc.method).toBe('sendDocument');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(doc.payload.document.bytes) as never);
    const lines = book.getWorksheet(t('budget-sheet-lines'))!;
    const rows = lines.getSheetValues().slice(2) as unknown[][];
    expect(rows.find((r) => r[1] === 'ជួសជុល និងថែទាំ' && r[2] === t('budget-source-state'))!.slice(3, 8)).toEqual([200_000, 104_550, 0, 95_450, 104_550 / 200_000]);
    const expenses = book.getWorksheet(t('budget-sheet-expenses'))!;
    expect(expenses.rowCount).toBe(4);
    // In date order: the dollar receipt of 20 November first.
    expect(expenses.getRow(2).values).toEqual(expect.arrayContaining([ids[1], 'USD', 25.5, 4100, 104_550, 'Mr Dara, builder']));
  });

  it('an approved expense is never edited: it is reversed, and both stay', async () => {
    await expect(app.database.db.update(budgetExpenses).set({ amount: 1 }).where(eq(budgetExpenses.id, ids[0]!))).rejects.toThrow();
    await expect(app.database.db.delete(budgetExpenses).where(eq(budgetExpenses.id, ids[2]!))).rejects.toThrow();
    await operator.pressData(expenseReverse.pack({ expense: ids[0]!, sure: true }));
    expect(last(operator).text).toBe(t('budget-reverse-forbidden'));
    await principal.pressData(expenseReverse.pack({ expense: ids[0]!, sure: false }));
    await principal.press(t('budget-btn-reverse'));
    expect(answered(principal)).toBe(t('budget-reversed'));
    await principal.pressData(expenseReverse.pack({ expense: ids[0]!, sure: true }));
    expect(last(principal).text).toBe(t('budget-reverse-already-reversed'));
    const rows = await app.database.db.select().from(budgetExpenses).orderBy(budgetExpenses.id);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatchObject({ reversesId: ids[0], amount: -150_000, amountRiel: -150_000, status: 'approved' });
    await principal.send('/budget');
    expect(principal.inbox()[0]!.text).toContain(`សម្ភារៈសិក្សា: ${formatRiel('km', 0)} / ${formatRiel('km', 1_000_000)}`);
  });

  it('forged and stale buttons change nothing', async () => {
    await principal.pressData('bg:a:abc:0');
    expect(last(principal).text).toBe(t('core-menu-outdated'));
    await principal.pressData(expenseDecline.pack({ expense: 987_654 }));
    expect(last(principal).text).toBe(t('budget-decide-not-found'));
    expect(await app.database.db.select().from(budgetExpenses)).toHaveLength(4);
  });

  it('the principal gets the month once; the province sees the execution rate per school', async () => {
    const first = await monthlyBudget(app.database.db, { schoolId: 1, now: new Date('2026-12-01T00:00:00Z') }, app.notifier);
    const again = await monthlyBudget(app.database.db, { schoolId: 1, now: new Date('2026-12-01T01:00:00Z') }, app.notifier);
    expect(first).toEqual({ sent: 1 });
    expect(again).toEqual({ sent: 0 });
    await deliver();
    const monthly = last(principal);
    expect(monthly.text).toContain(t('budget-monthly-intro'));
    expect(monthly.text).toContain(`ជួសជុល និងថែទាំ: ${formatRiel('km', 104_550)}`);

    await director.send('/budget');
    const text = last(director).text;
    // After the reversal, 104,550 of 1,500,000 riel planned is spent: 7%.
    expect(text).toContain(t('budget-province-title', { place: 'ភ្នំពេញ', year: '២០២៦', schools: '១', share: '៧%' }));
    expect(text).toContain(`សាលាគំរូ: ៧%`);
    const [{ n }] = (await app.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'budget.province'`)) as [{ n: number }];
    expect(n).toBe(1);
  });
});
