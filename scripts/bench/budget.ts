/**
 * Budget at scale, on real Postgres:
 * 1. a school's /budget with 2,000 expenses in the year (8 lines × 3 sources, some pending, some
 *    reversed): the report with every expense, the chart and the workbook — what the office gets
 *    from /budget and its Excel button. Baseline: one bare aggregate of the same rows.
 * 2. the province execution roll-up over 1,000 schools (each with its plans and 200 expenses,
 *    200,000 in all): rate per school, the chat text and the workbook. Baseline: the bare
 *    per-school aggregate.
 */
import { sql } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { renderBudgetChart } from '../../src/budget/render.js';
import { linesOf } from '../../src/budget/lines.js';
import { provinceRates, schoolBudget } from '../../src/budget/service-report.js';
import { provinceSummary } from '../../src/budget/view.js';
import { renderBudgetWorkbook, renderProvinceWorkbook } from '../../src/budget/workbook.js';
import { createTestDatabase } from '../../test/support/db.js';
import type { Bench, BenchResult } from './types.js';
import { fmt, int, timed } from './types.js';

const SCHOOLS = Number(process.env.BENCH_BUDGET_SCHOOLS ?? 1000);
const PER_SCHOOL = 200;
const BIG = 2000;
const YEAR = 2026;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const bench: Bench = {
  name: 'budget',
  description: `/budget of a school with ${BIG} expenses; province execution roll-up of ${SCHOOLS} schools`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: 10 });
    try {
      const { db } = database;
      const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
      const [p] = await database.rows<{ id: number }>(sql`insert into provinces (code, name_km, name_en) values ('BG', 'ខេត្តសាកល្បង', 'Bench province') returning id`);
      const provinceId = Number(p!.id);
      await database.rows(sql`insert into schools (code, name_km, name_en, province_id)
        select 'BG-' || lpad(i::text, 5, '0'), 'សាលាបឋមសិក្សា ' || i, 'Bench School ' || i, ${provinceId} from generate_series(1, ${SCHOOLS}) i`);
      const schoolIds = (await database.rows<{ id: number }>(sql`select id from schools order by id`)).map((r) => Number(r.id));
      for (const id of schoolIds) await linesOf(db, id);
      await database.rows(sql`insert into budget_plans (school_id, fiscal_year, line_id, source, amount_riel, updated_by)
        select l.school_id, ${YEAR}, l.id, s.source::budget_source, 1000000 + (hashint4(l.id) & 1023) * 1000, 'bench'
          from budget_lines l, (values ('state'), ('community'), ('partner')) s(source)`);
      // Expenses: PER_SCHOOL per school, BIG for the first school; 1 in 20 pending, 1 in 50 in dollars.
      await database.rows(sql`insert into budget_expenses (school_id, fiscal_year, line_id, source, currency, amount, rate_riel, amount_riel, spent_on, supplier, purpose, receipt_file_id, status, recorded_by, decided_by)
        select s.id, ${YEAR}, l.id, (array['state','community','partner'])[1 + (i % 3)]::budget_source,
               case when i % 50 = 0 then 'USD' else 'KHR' end::budget_currency,
               case when i % 50 = 0 then 2550 else 10000 + (i % 97) * 1000 end,
               case when i % 50 = 0 then 4100 end,
               case when i % 50 = 0 then 104550 else 10000 + (i % 97) * 1000 end,
               date '2026-01-01' + (i % 330), 'Supplier ' || (i % 40), 'Purpose of expense ' || i, 'file-' || i,
               case when i % 20 = 0 then 'pending' else 'approved' end::expense_status, 'bench', 'bench'
          from schools s
          cross join lateral generate_series(1, case when s.id = ${schoolIds[0]!}::int then ${BIG}::int else ${PER_SCHOOL}::int end) i
          join lateral (select id from budget_lines where school_id = s.id order by position offset (i % 8) limit 1) l on true`);
      await database.rows(sql`analyze budget_expenses`);
      await database.rows(sql`analyze budget_plans`);
      const [{ n: total } = { n: 0 }] = await database.rows<{ n: number }>(sql`select count(*)::int as n from budget_expenses`);
      const big = schoolIds[0]!;
      const [{ n: bigCount } = { n: 0 }] = await database.rows<{ n: number }>(sql`select count(*)::int as n from budget_expenses where school_id = ${big}`);

      const bare: number[] = [];
      const full: number[] = [];
      let pngBytes = 0;
      let xlsxBytes = 0;
      for (let i = 0; i < 4; i++) {
        bare.push(await timed(() => database.rows(sql`select line_id, source, status, sum(amount_riel) from budget_expenses where school_id = ${big} and fiscal_year = ${YEAR} group by 1, 2, 3`)));
        full.push(
          await timed(async () => {
            const b = await schoolBudget(db, big, YEAR, { withExpenses: true });
            pngBytes = (await renderBudgetChart(b, 'km', notifier.t)).length;
            xlsxBytes = (await renderBudgetWorkbook(b, 'km', notifier.t)).length;
          }),
        );
      }
      const reportMs = median(full.slice(1));
      const bareMs = median(bare.slice(1));

      const rollBare: number[] = [];
      const roll: number[] = [];
      let rows = 0;
      for (let i = 0; i < 3; i++) {
        rollBare.push(await timed(() => database.rows(sql`select school_id, sum(amount_riel) filter (where status = 'approved') from budget_expenses where fiscal_year = ${YEAR} group by 1`)));
        roll.push(
          await timed(async () => {
            const r = await provinceRates(db, provinceId, YEAR);
            rows = r.length;
            provinceSummary(r, 'ខេត្តសាកល្បង', YEAR, 'km', notifier.t);
            await renderProvinceWorkbook(r, 'km', notifier.t);
          }),
        );
      }
      const rollMs = median(roll.slice(1));
      const rollBareMs = median(rollBare.slice(1));
      return {
        measured: "a school's /budget (report with every expense, chart PNG, workbook) and the province execution roll-up (rates, text, workbook)",
        data: `${int(SCHOOLS)} schools, ${int(Number(total))} expenses; the big school has ${int(Number(bigCount))}`,
        figures: [
          { label: `school report, ${int(Number(bigCount))} expenses (median of 3)`, value: fmt(reportMs), unit: 'ms', target: '≤ 1000', ok: reportMs <= 1000 },
          { label: 'bare aggregate of the same rows', value: fmt(bareMs), unit: 'ms' },
          { label: 'chart PNG / workbook', value: `${int(pngBytes)} / ${int(xlsxBytes)}`, unit: 'bytes' },
          { label: `province roll-up, ${int(rows)} schools (median of 2)`, value: fmt(rollMs), unit: 'ms', target: '≤ 5000', ok: rollMs <= 5000 },
          { label: 'bare per-school aggregate', value: fmt(rollBareMs), unit: 'ms' },
        ],
        primary: { label: 'school report', value: reportMs, unit: 'ms' },
        baseline: { label: 'bare aggregate of the same rows', value: bareMs, unit: 'ms', measuredInRun: true },
        target: 'school report ≤ 1 s; province roll-up of 1,000 schools ≤ 5 s',
        notes: [`province roll-up is ${fmt(rollMs / rollBareMs)}× its bare aggregate`],
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
