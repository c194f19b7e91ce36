/**
 * Budget workbooks. A school's year: Lines (line, source, plan, spent, pending, remaining,
 * share; over-plan rows filled red) and Expenses (one row per entry, reversals beside what they
 * reverse, amounts in their own currency with the rate and the riel equivalent). The province:
 * one row per school with its execution rate. Numbers are numbers, dates real dates.
 */
import ExcelJS from 'exceljs';
import type { Locale } from '../core/db/schema.js';
import { displayName } from '../core/i18n/index.js';
import { sheetName } from '../reports/workbook.js';
import { BUDGET_SOURCES } from './schema.js';
import type { SchoolBudget, SchoolRate } from './service-report.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;
const OVER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF8D0CE' } };
const RIEL = '#,##0';

function sheet(book: ExcelJS.Workbook, name: string, columns: Array<{ header: string; width: number; numFmt?: string }>): ExcelJS.Worksheet {
  const ws = book.addWorksheet(sheetName(name), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  ws.getRow(1).font = { bold: true };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

const share = (spent: number, plan: number) => (plan > 0 ? spent / plan : null);

export async function renderBudgetWorkbook(b: SchoolBudget, locale: Locale, t: T): Promise<Buffer> {
  const h = (key: string) => t(locale, `budget-col-${key}`);
  const book = new ExcelJS.Workbook();
  const lines = sheet(book, t(locale, 'budget-sheet-lines'), [
    { header: h('line'), width: 30 },
    { header: h('source'), width: 26 },
    { header: h('plan'), width: 16, numFmt: RIEL },
    { header: h('spent'), width: 16, numFmt: RIEL },
    { header: h('pending'), width: 16, numFmt: RIEL },
    { header: h('remaining'), width: 16, numFmt: RIEL },
    { header: h('share'), width: 10, numFmt: '0%' },
  ]);
  for (const l of b.lines) {
    for (const s of BUDGET_SOURCES) {
      const c = l.bySource[s];
      if (!c.plan && !c.spent && !c.pending) continue;
      const row = lines.addRow([displayName(locale, l), t(locale, `budget-source-${s}`), c.plan, c.spent, c.pending, c.plan - c.spent, share(c.spent, c.plan)]);
      if (c.spent > c.plan) row.eachCell((cell) => (cell.fill = OVER_FILL));
    }
    const total = lines.addRow([displayName(locale, l), t(locale, 'budget-all-sources'), l.plan, l.spent, l.pending, l.plan - l.spent, share(l.spent, l.plan)]);
    total.font = { bold: true };
    if (l.spent > l.plan) total.eachCell((cell) => (cell.fill = OVER_FILL));
  }
  const sum = lines.addRow([t(locale, 'budget-total'), '', b.total.plan, b.total.spent, b.total.pending, b.total.plan - b.total.spent, share(b.total.spent, b.total.plan)]);
  sum.font = { bold: true };
  const ex = sheet(book, t(locale, 'budget-sheet-expenses'), [
    { header: h('id'), width: 8 },
    { header: h('date'), width: 12, numFmt: 'yyyy-mm-dd' },
    { header: h('line'), width: 28 },
    { header: h('source'), width: 22 },
    { header: h('currency'), width: 9 },
    { header: h('amount'), width: 14, numFmt: '#,##0.##' },
    { header: h('rate'), width: 10, numFmt: RIEL },
    { header: h('riel'), width: 16, numFmt: RIEL },
    { header: h('supplier'), width: 24 },
    { header: h('purpose'), width: 30 },
    { header: h('status'), width: 14 },
    { header: h('reverses'), width: 10 },
  ]);
  for (const e of b.expenses) {
    ex.addRow([
      e.id,
      new Date(`${e.spentOn}T00:00:00Z`),
      displayName(locale, { nameKm: e.lineKm, nameEn: e.lineEn }),
      t(locale, `budget-source-${e.source}`),
      e.currency,
      e.currency === 'USD' ? e.amount / 100 : e.amount,
      e.rateRiel,
      e.amountRiel,
      e.supplier,
      e.purpose,
      t(locale, `budget-status-${e.reversesId ? 'reversal' : e.status}`),
      e.reversesId,
    ]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function renderProvinceWorkbook(rows: SchoolRate[], locale: Locale, t: T): Promise<Buffer> {
  const h = (key: string) => t(locale, `budget-col-${key}`);
  const book = new ExcelJS.Workbook();
  const ws = sheet(book, t(locale, 'budget-sheet-schools'), [
    { header: h('code'), width: 14 },
    { header: h('school'), width: 30 },
    { header: h('plan'), width: 16, numFmt: RIEL },
    { header: h('spent'), width: 16, numFmt: RIEL },
    { header: h('pending'), width: 16, numFmt: RIEL },
    { header: h('share'), width: 10, numFmt: '0%' },
  ]);
  for (const r of rows) ws.addRow([r.code, displayName(locale, r), r.plan, r.spent, r.pending, share(r.spent, r.plan)]);
  return Buffer.from(await book.xlsx.writeBuffer());
}
