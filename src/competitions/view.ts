/** The yearly table of competition results, by level and sex. */
import type { Locale } from '../core/db/schema.js';
import { formatDay, formatNumber } from '../core/i18n/index.js';
import { LEVELS } from './schema.js';
import type { YearlyTable } from './service.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export function yearlyTableText(table: YearlyTable, place: string, year: number, locale: Locale, t: T): string {
  const n = (x: number) => formatNumber(locale, x);
  const lines = [t(locale, 'competitions-table-title', { place, year: n(year) })];
  if (table.bySex.length === 0) lines.push(t(locale, 'competitions-table-none'));
  for (const level of LEVELS) {
    const of = table.bySex.filter((r) => r.level === level);
    if (of.length === 0) continue;
    const sum = (k: 'participants' | 'placed', sex?: 'M' | 'F') => of.filter((r) => !sex || r.sex === sex).reduce((a, r) => a + r[k], 0);
    const medals = table.medals.find((m) => m.level === level) ?? { gold: 0, silver: 0, bronze: 0, teams: 0 };
    lines.push(
      '',
      `${t(locale, `competitions-level-${level}`)}:`,
      t(locale, 'competitions-table-row', {
        participants: n(sum('participants')),
        placed: n(sum('placed')),
        girls: n(sum('placed', 'F')),
        boys: n(sum('placed', 'M')),
        gold: n(medals.gold),
        silver: n(medals.silver),
        bronze: n(medals.bronze),
      }),
    );
    if (medals.teams) lines.push(t(locale, 'competitions-table-teams', { teams: n(medals.teams) }));
  }
  return lines.join('\n');
}

/** A student's competition results under their record (/student): one line each, newest first. */
export function studentResultsText(
  rows: Array<{ event: string; subject: string; level: string; day: string; rank: number | null; medal: string; score: number | null; team?: string | null }>,
  locale: Locale,
  t: T,
): string {
  if (rows.length === 0) return '';
  const n = (x: number | null) => (x === null ? '—' : formatNumber(locale, x));
  return [
    t(locale, 'competitions-student-title'),
    ...rows.slice(0, 10).map((r) => `• ${r.event} (${r.subject}, ${t(locale, `competitions-level-${r.level}`)}, ${formatDay(locale, r.day)}): ${t(locale, 'competitions-student-line', { rank: n(r.rank), medal: t(locale, `competitions-medal-${r.medal}`), score: n(r.score) })}${r.team ? ` (${t(locale, 'competitions-student-team', { team: r.team })})` : ''}`),
  ].join('\n');
}
