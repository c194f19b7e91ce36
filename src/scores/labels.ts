/** How periods, scores and averages are written for a reader (Khmer digits and decimal commas in Khmer). */
import type { Locale } from '../core/db/schema.js';
import { formatNumber } from '../core/i18n/index.js';
import type { PlanAssessment } from './service-setup.js';
import type { Period } from './service-results.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

const MONTH_FORMAT: Record<Locale, Intl.DateTimeFormat> = {
  km: new Intl.DateTimeFormat('km-KH', { month: 'long', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }),
};

export function monthName(locale: Locale, month: number): string {
  return MONTH_FORMAT[locale].format(new Date(Date.UTC(2026, month - 1, 1)));
}

export function assessmentLabel(t: T, locale: Locale, a: Pick<PlanAssessment, 'kind' | 'month' | 'term' | 'code'>): string {
  if (a.kind === 'monthly' && a.month) return monthName(locale, a.month);
  return t(locale, `scores-kind-${a.kind}`, { term: formatNumber(locale, a.term), code: a.code });
}

export function periodLabel(t: T, locale: Locale, period: Period, list: readonly PlanAssessment[]): string {
  if (period === 'y') return t(locale, 'scores-period-year');
  if (period === 't1' || period === 't2') return t(locale, 'scores-period-term', { term: formatNumber(locale, Number(period.slice(1))) });
  const a = list.find((x) => x.id === Number(period.slice(2)));
  return a ? assessmentLabel(t, locale, a) : period;
}

/** A score or average: up to two decimals, Khmer digits with a decimal comma for Khmer readers. */
export function score(locale: Locale, n: number | null): string {
  if (n === null) return '–';
  return formatNumber(locale, Math.round(n * 100) / 100);
}
