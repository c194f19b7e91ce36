/**
 * What /budget shows: a school's fiscal year, plan against approved spending per line and
 * source, what is pending approval, and the expenses themselves (reversals beside what they
 * reverse); and a province's execution rate per school. Each is a handful of grouped queries, so
 * a school with thousands of expenses or a province of a thousand schools stays fast.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import { budgetExpenses, budgetLines, BUDGET_SOURCES, type BudgetCurrency, type BudgetSource, type ExpenseStatus } from './schema.js';
import { linesOf } from './lines.js';

export interface Cell {
  plan: number;
  spent: number;
  pending: number;
}

export interface LineRow extends Cell {
  lineId: number;
  code: string;
  nameKm: string;
  nameEn: string;
  bySource: Record<BudgetSource, Cell>;
}

export interface ExpenseRow {
  id: number;
  spentOn: string;
  lineKm: string;
  lineEn: string;
  source: BudgetSource;
  currency: BudgetCurrency;
  amount: number;
  rateRiel: number | null;
  amountRiel: number;
  supplier: string;
  purpose: string;
  status: ExpenseStatus;
  reversesId: number | null;
  hasReceipt: boolean;
}

export interface SchoolBudget {
  school: { id: number; code: string; nameKm: string; nameEn: string };
  fiscalYear: number;
  lines: LineRow[];
  bySource: Record<BudgetSource, Cell>;
  total: Cell;
  pending: ExpenseRow[];
  expenses: ExpenseRow[];
}

const empty = (): Cell => ({ plan: 0, spent: 0, pending: 0 });
const add = (a: Cell, b: Partial<Cell>) => {
  a.plan += b.plan ?? 0;
  a.spent += b.spent ?? 0;
  a.pending += b.pending ?? 0;
};

export async function schoolBudget(db: Db, schoolId: number, fiscalYear: number, opts: { withExpenses?: boolean } = {}): Promise<SchoolBudget> {
  const [school] = rowsOf<{ id: number; code: string; name_km: string; name_en: string }>(await db.execute(sql`select id, code, name_km, name_en from schools where id = ${schoolId}`));
  const lines = await linesOf(db, schoolId);
  const cells = rowsOf<{ line_id: number; source: BudgetSource; plan: string | null; spent: string | null; pending: string | null }>(
    await db.execute(sql`
      with p as (select line_id, source, amount_riel as plan from budget_plans where school_id = ${schoolId} and fiscal_year = ${fiscalYear}),
           e as (select line_id, source,
                        sum(amount_riel) filter (where status = 'approved') as spent,
                        sum(amount_riel) filter (where status = 'pending') as pending
                   from budget_expenses where school_id = ${schoolId} and fiscal_year = ${fiscalYear} group by line_id, source)
      select coalesce(p.line_id, e.line_id) as line_id, coalesce(p.source, e.source) as source, p.plan, e.spent, e.pending
        from p full join e on e.line_id = p.line_id and e.source = p.source`),
  );
  const byLine = new Map<number, LineRow>(
    lines.map((l) => [l.id, { lineId: l.id, code: l.code, nameKm: l.nameKm, nameEn: l.nameEn, ...empty(), bySource: Object.fromEntries(BUDGET_SOURCES.map((s) => [s, empty()])) as Record<BudgetSource, Cell> }]),
  );
  const bySource = Object.fromEntries(BUDGET_SOURCES.map((s) => [s, empty()])) as Record<BudgetSource, Cell>;
  const total = empty();
  for (const c of cells) {
    const row = byLine.get(Number(c.line_id));
    if (!row) continue;
    const v = { plan: Number(c.plan ?? 0), spent: Number(c.spent ?? 0), pending: Number(c.pending ?? 0) };
    add(row, v);
    add(row.bySource[c.source], v);
    add(bySource[c.source], v);
    add(total, v);
  }
  const list = (where: ReturnType<typeof and>) =>
    db
      .select({
        id: budgetExpenses.id,
        spentOn: budgetExpenses.spentOn,
        lineKm: budgetLines.nameKm,
        lineEn: budgetLines.nameEn,
        source: budgetExpenses.source,
        currency: budgetExpenses.currency,
        amount: budgetExpenses.amount,
        rateRiel: budgetExpenses.rateRiel,
        amountRiel: budgetExpenses.amountRiel,
        supplier: budgetExpenses.supplier,
        purpose: budgetExpenses.purpose,
        status: budgetExpenses.status,
        reversesId: budgetExpenses.reversesId,
        hasReceipt: sql<boolean>`${budgetExpenses.receiptFileId} is not null`,
      })
      .from(budgetExpenses)
      .innerJoin(budgetLines, eq(budgetLines.id, budgetExpenses.lineId))
      .where(where)
      .orderBy(asc(budgetExpenses.spentOn), asc(budgetExpenses.id));
  const norm = (rows: Awaited<ReturnType<typeof list>>): ExpenseRow[] => rows.map((r) => ({ ...r, amount: Number(r.amount), amountRiel: Number(r.amountRiel) }));
  const yearOf = and(eq(budgetExpenses.schoolId, schoolId), eq(budgetExpenses.fiscalYear, fiscalYear));
  const pending = norm(await list(and(yearOf, eq(budgetExpenses.status, 'pending'))));
  const expenses = opts.withExpenses ? norm(await list(yearOf)) : [];
  const liveLines = [...byLine.values()].filter((l) => lines.find((x) => x.id === l.lineId)?.active || l.plan || l.spent || l.pending);
  return {
    school: { id: schoolId, code: school?.code ?? '', nameKm: school?.name_km ?? '', nameEn: school?.name_en ?? '' },
    fiscalYear,
    lines: liveLines,
    bySource,
    total,
    pending,
    expenses,
  };
}

export interface SchoolRate {
  schoolId: number;
  code: string;
  nameKm: string;
  nameEn: string;
  plan: number;
  spent: number;
  pending: number;
}

/** Plan, approved spending and pending per school of a province (null: the nation), one statement. */
export async function provinceRates(db: Db, provinceId: number | null, fiscalYear: number): Promise<SchoolRate[]> {
  const rows = rowsOf<{ id: number; code: string; name_km: string; name_en: string; plan: string | null; spent: string | null; pending: string | null }>(
    await db.execute(sql`
      with p as (select school_id, sum(amount_riel) as plan from budget_plans where fiscal_year = ${fiscalYear} group by school_id),
           e as (select school_id, sum(amount_riel) filter (where status = 'approved') as spent, sum(amount_riel) filter (where status = 'pending') as pending
                   from budget_expenses where fiscal_year = ${fiscalYear} group by school_id)
      select s.id, s.code, s.name_km, s.name_en, p.plan, e.spent, e.pending
        from schools s left join p on p.school_id = s.id left join e on e.school_id = s.id
       where (${provinceId}::int is null or s.province_id = ${provinceId}::int)
       order by s.code`),
  );
  return rows.map((r) => ({ schoolId: Number(r.id), code: r.code, nameKm: r.name_km, nameEn: r.name_en, plan: Number(r.plan ?? 0), spent: Number(r.spent ?? 0), pending: Number(r.pending ?? 0) }));
}
