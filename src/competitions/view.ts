/** The yearly table of competition results, by level and sex. */
import type { Locale } from '../core/db/schema.js';
import { formatNumber } from '../core/i18n/index.js';
import { LEVELS } from './schema.js';
import type { TableRow } from './service.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export function yearlyTableText(rows: TableRow[], place: string, year: number, locale: Locale, t: T): string {
  const n = (x: number) => formatNumber(locale, x);
  const lines = [t(locale, 'competitions-table-title', { place, year: n(year) })];
  if (rows.length === 0) lines.push(t(locale, 'competitions-table-none'));
  for (const level of LEVELS) {
    const of = rows.filter((r) => r.level === level);
    if (of.length === 0) continue;
    const sum = (k: keyof Omit<TableRow, 'level' | 'sex'>, sex?: 'M' | 'F') => of.filter((r) => !sex || r.sex === sex).reduce((a, r) => a + r[k], 0);
    lines.push(
      '',
      `${t(locale, `competitions-level-${level}`)}:`,
      t(locale, 'competitions-table-row', {
        participants: n(sum('participants')),
        placed: n(sum('placed')),
        girls: n(sum('placed', 'F')),
        boys: n(sum('placed', 'M')),
        gold: n(sum('gold')),
        silver: n(sum('silver')),
        bronze: n(sum('bronze')),
      }),
    );
  }
  return lines.join('\n');
}
