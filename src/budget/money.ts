/**
 * Money as the office types it and as readers see it. Amounts are integers in the currency's
 * smallest unit (riel; US cents), never floats. Typed: "150000", "150,000", "150 000 ៛",
 * "150000 riel", "$25.50", "25.5$", "25 usd", with Khmer or ASCII digits.
 */
import type { Locale } from '../core/db/schema.js';
import { asciiDigits, localDigits } from '../core/i18n/index.js';
import type { BudgetCurrency } from './schema.js';

/** The largest single expense accepted: 1,000,000,000 riel (≈ 250,000 US dollars). */
export const MAX_RIEL = 1_000_000_000;
export const MAX_CENTS = 25_000_000;
/** The riel-per-dollar rates accepted (the official rate has stayed near 4,000–4,100). */
export const MIN_RATE = 3000;
export const MAX_RATE = 5000;

export type ParsedAmount = { ok: true; currency: BudgetCurrency; amount: number } | { ok: false; reason: 'bad' | 'not-positive' | 'too-big' };

export function parseAmount(raw: string): ParsedAmount {
  let s = asciiDigits(raw).trim().toLowerCase();
  let currency: BudgetCurrency = 'KHR';
  if (/\$|usd|dollars?|ដុល្លារ/.test(s)) currency = 'USD';
  s = s.replace(/\$|usd|dollars?|ដុល្លារ|៛|riels?|khr|រៀល/g, '').replace(/[\s,]/g, '');
  if (s.startsWith('-')) return { ok: false, reason: 'not-positive' };
  const m = currency === 'USD' ? /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s) : /^(\d{1,12})$/.exec(s);
  if (!m) return { ok: false, reason: 'bad' };
  const amount = currency === 'USD' ? Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0')) : Number(m[1]);
  if (amount <= 0) return { ok: false, reason: 'not-positive' };
  if (amount > (currency === 'USD' ? MAX_CENTS : MAX_RIEL)) return { ok: false, reason: 'too-big' };
  return { ok: true, currency, amount };
}

/** A typed riel-per-dollar rate, or null when it is not a plausible one. */
export function parseRate(raw: string): number | null {
  const s = asciiDigits(raw).replace(/[\s,៛]|riels?|រៀល/gi, '');
  if (!/^\d{4}$/.test(s)) return null;
  const n = Number(s);
  return n >= MIN_RATE && n <= MAX_RATE ? n : null;
}

/** The riel equivalent of an amount: exact for riel, cents × rate / 100 rounded half up for dollars. */
export function rielOf(currency: BudgetCurrency, amount: number, rate: number | null): number {
  if (currency === 'KHR') return amount;
  const sign = amount < 0 ? -1 : 1;
  return sign * Math.floor((Math.abs(amount) * rate! + 50) / 100);
}

function grouped(n: number): string {
  return Math.abs(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Riel with thousands separators: "១៥០,០០០ ៛" for Khmer readers, "150,000 riel" in English. */
export function formatRiel(locale: Locale, riel: number): string {
  return localDigits(locale, `${riel < 0 ? '-' : ''}${grouped(riel)} ${locale === 'km' ? '៛' : 'riel'}`);
}

export function formatAmount(locale: Locale, currency: BudgetCurrency, amount: number): string {
  if (currency === 'KHR') return formatRiel(locale, amount);
  const cents = String(Math.abs(amount) % 100).padStart(2, '0');
  return localDigits(locale, `${amount < 0 ? '-' : ''}$${grouped(Math.trunc(Math.abs(amount) / 100))}.${cents}`);
}

/** A share of the plan spent, as a whole percent ("—" without a plan). */
export function percentOf(locale: Locale, spent: number, plan: number): string {
  if (plan <= 0) return '—';
  return localDigits(locale, `${Math.round((spent / plan) * 100)}%`);
}
