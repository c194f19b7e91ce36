/** Sizes and times in /export messages, in the reader's digits. */
import type { Locale } from '../core/db/schema.js';
import { formatDay, formatTime, localDigits } from '../core/i18n/index.js';
import { schoolClock } from '../core/clock.js';

export function sizeText(locale: Locale, bytes: number): string {
  const mb = bytes / 1e6;
  const text = mb >= 10 ? String(Math.round(mb)) : mb >= 0.1 ? mb.toFixed(1) : String(Math.max(1, Math.round(bytes / 1000)));
  const unit = mb >= 0.1 ? 'MB' : 'KB';
  return `${localDigits(locale, locale === 'km' ? text.replace('.', ',') : text)} ${unit}`;
}

/** "23 November 2026 18:40" in Phnom Penh time. */
export function formatDateTimeOrDay(locale: Locale, at: Date): string {
  const c = schoolClock('Asia/Phnom_Penh', at);
  return `${formatDay(locale, c.day)} ${formatTime(locale, c.time)}`;
}
