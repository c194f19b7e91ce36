/**
 * The default chart of budget lines a school starts with (the usual chapters of a school's
 * operating budget), copied into `budget_lines` on first use so each school can then add, rename
 * or retire lines of its own (CLI `budget:line`). Sources are a fixed list.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';
import { budgetLines } from './schema.js';

export const DEFAULT_LINES: ReadonlyArray<{ code: string; nameKm: string; nameEn: string }> = [
  { code: 'materials', nameKm: 'សម្ភារៈសិក្សា', nameEn: 'Teaching and learning materials' },
  { code: 'utilities', nameKm: 'ទឹក ភ្លើង', nameEn: 'Water and electricity' },
  { code: 'repairs', nameKm: 'ជួសជុល និងថែទាំ', nameEn: 'Repairs and upkeep' },
  { code: 'hygiene', nameKm: 'អនាម័យ', nameEn: 'Cleaning and hygiene' },
  { code: 'activities', nameKm: 'សកម្មភាពសិស្ស', nameEn: 'Student activities' },
  { code: 'training', nameKm: 'បណ្តុះបណ្តាលគ្រូ', nameEn: 'Teacher training' },
  { code: 'office', nameKm: 'រដ្ឋបាល', nameEn: 'Office and administration' },
  { code: 'other', nameKm: 'ផ្សេងៗ', nameEn: 'Other' },
];

export interface BudgetLine {
  id: number;
  code: string;
  nameKm: string;
  nameEn: string;
  active: boolean;
}

/** The school's lines (the default chart written in first if it has none), in chart order. */
export async function linesOf(ex: Executor, schoolId: number, opts: { activeOnly?: boolean } = {}): Promise<BudgetLine[]> {
  const read = () =>
    ex
      .select({ id: budgetLines.id, code: budgetLines.code, nameKm: budgetLines.nameKm, nameEn: budgetLines.nameEn, active: budgetLines.active })
      .from(budgetLines)
      .where(opts.activeOnly ? and(eq(budgetLines.schoolId, schoolId), eq(budgetLines.active, true)) : eq(budgetLines.schoolId, schoolId))
      .orderBy(asc(budgetLines.position), asc(budgetLines.id));
  const rows = await read();
  if (rows.length > 0) return rows;
  const [{ n } = { n: 0 }] = await ex.select({ n: sql<number>`count(*)::int` }).from(budgetLines).where(eq(budgetLines.schoolId, schoolId));
  if (Number(n) > 0) return rows;
  await ex
    .insert(budgetLines)
    .values(DEFAULT_LINES.map((l, i) => ({ schoolId, code: l.code, nameKm: l.nameKm, nameEn: l.nameEn, position: i })))
    .onConflictDoNothing();
  return read();
}
