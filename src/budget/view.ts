/** How the budget reads in the chat: the school's year in short, and the province's rates. */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatDay, formatNumber } from '../core/i18n/index.js';
import { formatAmount, formatRiel, percentOf } from './money.js';
import type { SchoolBudget, SchoolRate } from './service-report.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export function budgetSummary(b: SchoolBudget, locale: Locale, t: T): string {
  const lines = [
    t(locale, 'budget-summary-title', { school: displayName(locale, b.school), year: formatNumber(locale, b.fiscalYear) }),
    t(locale, 'budget-totals', { spent: formatRiel(locale, b.total.spent), plan: formatRiel(locale, b.total.plan), share: percentOf(locale, b.total.spent, b.total.plan), pending: formatRiel(locale, b.total.pending) }),
    '',
  ];
  for (const l of b.lines) {
    if (!l.plan && !l.spent && !l.pending) continue;
    const over = l.spent > l.plan;
    lines.push(`${over ? '🔴' : '•'} ${displayName(locale, l)}: ${formatRiel(locale, l.spent)} / ${formatRiel(locale, l.plan)} (${percentOf(locale, l.spent, l.plan)})${over ? ` — ${t(locale, 'budget-over-plan')}` : ''}`);
  }
  lines.push('', b.pending.length ? t(locale, 'budget-pending-count', { count: formatNumber(locale, b.pending.length) }) : t(locale, 'budget-pending-none'));
  for (const e of b.pending.slice(0, 20)) {
    lines.push(`• #${formatNumber(locale, e.id)} ${formatDay(locale, e.spentOn)} · ${formatAmount(locale, e.currency, e.amount)} · ${displayName(locale, { nameKm: e.lineKm, nameEn: e.lineEn })} · ${e.supplier}`);
  }
  return lines.join('\n').slice(0, 4000);
}

export function provinceSummary(rows: SchoolRate[], place: string, year: number, locale: Locale, t: T): string {
  const plan = rows.reduce((a, r) => a + r.plan, 0);
  const spent = rows.reduce((a, r) => a + r.spent, 0);
  const lines = [t(locale, 'budget-province-title', { place, year: formatNumber(locale, year), schools: formatNumber(locale, rows.length), share: percentOf(locale, spent, plan) }), ''];
  // Lowest execution first: those are the schools to ask about.
  const sorted = [...rows].sort((a, b) => (a.plan ? a.spent / a.plan : 2) - (b.plan ? b.spent / b.plan : 2));
  for (const r of sorted.slice(0, 30)) lines.push(`• ${displayName(locale, r)}: ${percentOf(locale, r.spent, r.plan)} (${formatRiel(locale, r.spent)} / ${formatRiel(locale, r.plan)})`);
  if (rows.length > 30) lines.push('', t(locale, 'budget-province-more', { count: formatNumber(locale, rows.length - 30) }));
  return lines.join('\n').slice(0, 4000);
}
