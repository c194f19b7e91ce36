/** A refused timetable's problems as lines the office can act on: the cell, then what is wrong. */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber, localDigits } from '../core/i18n/index.js';
import type { GridProblem } from './grid.js';
import { getTeachingSettings } from './settings.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export const MAX_PROBLEM_LINES = 40;

export async function problemLines(db: Db, schoolId: number, problems: GridProblem[], locale: Locale, t: T): Promise<string[]> {
  const ids = [...new Set(problems.flatMap((p) => (p.staffId ? [p.staffId] : [])))];
  const names = new Map(
    ids.length === 0
      ? []
      : rowsOf<{ id: number; name_km: string; name_en: string | null }>(await db.execute(sql`select id, name_km, name_en from staff where id = any(${`{${ids.join(',')}}`}::int[])`)).map((r) => [
          Number(r.id),
          displayName(locale, { nameKm: r.name_km, nameEn: r.name_en }),
        ]),
  );
  const cap = (await getTeachingSettings(db, schoolId)).weeklyCap;
  const lines = problems.slice(0, MAX_PROBLEM_LINES).map((p) => {
    const vars = {
      cell: p.cell || '—',
      other: p.other ?? '',
      value: p.value ? localDigits(locale, p.value) : '',
      teacher: p.staffId ? (names.get(p.staffId) ?? '') : '',
      day: p.weekday ? t(locale, `teaching-day-${p.weekday}`) : '',
      count: formatNumber(locale, p.count ?? 0),
      cap: formatNumber(locale, cap),
    };
    return `• ${t(locale, `teaching-err-${p.code}`, vars)}`;
  });
  if (problems.length > MAX_PROBLEM_LINES) lines.push(t(locale, 'teaching-err-more', { count: formatNumber(locale, problems.length - MAX_PROBLEM_LINES) }));
  return lines;
}
