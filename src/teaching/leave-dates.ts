/**
 * The days of a leave as people type them: one day or two ("24/11", "24/11/2026", "2026-11-24",
 * "24/11 - 26/11", "២៤/១១ ដល់ ២៦/១១"). Without a year, the day is the next one on or after about
 * a month ago (so "3/1" typed in December means January of the coming year).
 */
import { addDays } from '../core/clock.js';
import { asciiDigits } from '../core/i18n/index.js';

function real(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

export function parseLeaveDays(text: string, today: string): { from: string; to: string } | null {
  const s = asciiDigits(text).trim();
  const tokens = [...s.matchAll(/(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?/g)];
  if (tokens.length === 0 || tokens.length > 2) return null;
  // Nothing but dates and a separator between them.
  const rest = s.replace(/(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?/g, '').replace(/\s|-|–|—|to|until|ដល់|ទៅ|,/gi, '');
  if (rest !== '') return null;
  const floor = addDays(today, -45);
  const days: string[] = [];
  for (const m of tokens) {
    let day: string | null;
    if (m[1]) day = real(Number(m[1]), Number(m[2]), Number(m[3]));
    else {
      const d = Number(m[4]);
      const mo = Number(m[5]);
      if (m[6]) {
        const y = Number(m[6]);
        day = real(y < 100 ? 2000 + y : y, mo, d);
      } else {
        const year = Number(today.slice(0, 4));
        day = real(year, mo, d);
        if (day && day < floor) day = real(year + 1, mo, d);
      }
    }
    if (!day) return null;
    days.push(day);
  }
  const from = days[0]!;
  const to = days[1] ?? from;
  return to < from ? null : { from, to };
}
