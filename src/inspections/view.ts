/** How cleanliness reads in the chat: a school's open tasks, class ranking and months; the province. */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatDay, formatNumber } from '../core/i18n/index.js';
import { formatMonth } from '../reports/render.js';
import type { ProvinceRow, SchoolOverview } from './service.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;
const pct = (locale: Locale, share: number | null) => (share === null ? '—' : `${formatNumber(locale, Math.round(share * 100))}%`);

export function schoolOverviewText(o: SchoolOverview, school: string, month: string, locale: Locale, t: T): string {
  const lines = [t(locale, 'inspections-overview-title', { school })];
  lines.push('', o.open.length ? t(locale, 'inspections-open-tasks', { count: formatNumber(locale, o.open.length) }) : t(locale, 'inspections-no-open-tasks'));
  for (const task of o.open.slice(0, 20)) lines.push(`• #${formatNumber(locale, task.id)} ${displayName(locale, { nameKm: task.labelKm, nameEn: task.labelEn })} — ${formatDay(locale, task.dueOn)}`);
  lines.push('', t(locale, 'inspections-ranking-title', { month: formatMonth(locale, month) }));
  if (o.ranking.length === 0) lines.push(t(locale, 'inspections-ranking-none'));
  for (const [i, r] of o.ranking.entries()) lines.push(`${formatNumber(locale, i + 1)}. ${r.name}: ${pct(locale, r.share)}`);
  lines.push('', t(locale, 'inspections-months-title'));
  if (o.byMonth.length === 0) lines.push(t(locale, 'inspections-ranking-none'));
  for (const m of o.byMonth) lines.push(`• ${formatMonth(locale, m.month)}: ${pct(locale, m.share)} (${t(locale, 'inspections-count', { count: formatNumber(locale, m.inspections) })})`);
  return lines.join('\n').slice(0, 4000);
}

export function provinceText(rows: ProvinceRow[], place: string, locale: Locale, t: T): string {
  const visit = rows.filter((r) => r.needsVisit);
  const lines = [t(locale, 'inspections-province-title', { place, schools: formatNumber(locale, rows.length), visit: formatNumber(locale, visit.length) }), ''];
  for (const r of rows.slice(0, 40)) {
    lines.push(
      `${r.needsVisit ? '⚠️' : '•'} ${displayName(locale, r)}: ${pct(locale, r.share)} · ${r.lastDay ? formatDay(locale, r.lastDay) : t(locale, 'inspections-never')}${r.overdue ? ` · ${t(locale, 'inspections-overdue-count', { count: formatNumber(locale, r.overdue) })}` : ''}`,
    );
  }
  return lines.join('\n').slice(0, 4000);
}
