/**
 * The periods a report covers, from the words of a request (`today`, `week`, `month 2026-10`, …),
 * and how a period is written for the reader (Khmer digits and month names in Khmer).
 */
import { addDays, isoWeekday } from '../core/clock.js';
import type { Locale } from '../core/db/schema.js';
import { asciiDigits, formatDay } from '../core/i18n/index.js';
import type { PERIOD_WORDS } from './buttons.js';
import type { SchoolReport } from './model.js';

type PeriodWord = (typeof PERIOD_WORDS)[number];

export interface Period {
  kind: SchoolReport['kind'];
  from: string;
  to: string;
  /** the stored report's period: YYYY-MM-DD (a day), YYYY-MM (a month) or `from..to` */
  period: string;
}

/** Monday of the week of `day`. */
export function weekStart(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/** A period from the words of a request (digits may be typed in Khmer), or why not. */
export function parsePeriod(word: string | undefined, monthArg: string | undefined, today: string): Period | 'future' | 'bad' {
  const w = asciiDigits(word ?? 'today').toLowerCase() as PeriodWord | string;
  const month = monthArg === undefined ? undefined : asciiDigits(monthArg);
  if (w === 'today') return { kind: 'daily', from: today, to: today, period: today };
  if (w === 'yesterday') {
    const d = addDays(today, -1);
    return { kind: 'daily', from: d, to: d, period: d };
  }
  if (w === 'week') {
    const from = weekStart(today);
    return { kind: 'range', from, to: today, period: `${from}..${today}` };
  }
  if (w === 'month' || w === 'lastmonth') {
    const m = month ?? (w === 'lastmonth' ? addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7) : today.slice(0, 7));
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m)) return 'bad';
    if (m > today.slice(0, 7)) return 'future';
    const from = `${m}-01`;
    const end = addDays(`${addDays(from, 32).slice(0, 7)}-01`, -1);
    return { kind: 'monthly', from, to: end < today ? end : today, period: m };
  }
  if (/^\d{4}-\d{2}$/.test(w)) return parsePeriod('month', w, today);
  return 'bad';
}

const monthFormats: Record<Locale, Intl.DateTimeFormat> = {
  km: new Intl.DateTimeFormat('km-KH-u-nu-khmr', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
};

/** "November 2026" / "វិច្ឆិកា ២០២៦" for a YYYY-MM or YYYY-MM-DD. */
export function formatMonth(locale: Locale, isoMonthOrDay: string): string {
  return monthFormats[locale].format(new Date(`${isoMonthOrDay.slice(0, 7)}-01T00:00:00Z`));
}

/** A period for the reader: a day, a month by name, or the first and last day. */
export function formatPeriod(locale: Locale, p: Pick<Period, 'kind' | 'from' | 'to' | 'period'>): string {
  if (p.kind === 'daily') return formatDay(locale, p.from);
  if (p.kind === 'monthly' && /^\d{4}-\d{2}$/.test(p.period)) return formatMonth(locale, p.period);
  return `${formatDay(locale, p.from)} – ${formatDay(locale, p.to)}`;
}
