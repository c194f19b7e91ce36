import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { asciiDigits } from '../core/i18n/index.js';

/**
 * Phone normalisation for Cambodian rosters.
 *
 * Uses libphonenumber-js's default ("min") metadata: it validates the national number shape and
 * length per country. Note it accepts Cambodian landlines too (e.g. 023 …); it cannot tell a
 * mobile from a landline, and the "mobile"/"max" metadata rejects real-world 8-digit numbers on
 * some ranges, so we deliberately do not filter by type.
 */
export type NormalizePhoneResult =
  | { ok: true; e164: string }
  | { ok: false; reason: 'empty' | 'not-cambodian' | 'invalid' };

const KH_CALLING_CODE = '855';

// Everything a human or a spreadsheet puts between digits: spaces of every kind, dots, dashes,
// parentheses, slashes are NOT allowed (they usually separate two numbers).
const SEPARATORS = /[\s\u00A0\u2000-\u200D\u2060\u202F\u3000\uFEFF\u00AD.\-–—()]/g;

/**
 * Normalise a phone number as typed in a roster (or received from Excel) to E.164.
 * Accepts numbers too, for Excel cells whose leading 0 was lost.
 */
export function normalizePhone(input: string | number): NormalizePhoneResult {
  let s: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0 || !Number.isInteger(input)) return { ok: false, reason: 'invalid' };
    s = input.toFixed(0);
  } else {
    s = String(input ?? '');
  }
  s = asciiDigits(s.normalize('NFKC')).trim();
  // "12345678.0": a numeric spreadsheet cell exported as a float. Drop the decimals before dots
  // are treated as separators, or the 0 would become part of the number.
  s = s.replace(/^(\+?\d+)\.0+$/, '$1').replace(SEPARATORS, '');
  if (s === '') return { ok: false, reason: 'empty' };

  let plus = false;
  if (s.startsWith('+')) {
    plus = true;
    s = s.slice(1);
  }
  if (!/^\d+$/.test(s)) return { ok: false, reason: 'invalid' };

  let candidate: string;
  if (plus) {
    candidate = '+' + s;
  } else if (s.startsWith('00')) {
    // International call prefix (00 855 …, 00 66 …).
    candidate = '+' + s.slice(2);
  } else if (s.startsWith(KH_CALLING_CODE) && (s.length === 11 || s.length === 12)) {
    // 855 12 345678 — country code written without "+".
    candidate = '+' + s;
  } else if (s.startsWith('0')) {
    candidate = s;
  } else if (s.length === 8 || s.length === 9) {
    // Excel dropped the leading 0 of a national number.
    candidate = '0' + s;
  } else {
    candidate = s;
  }

  const parsed = parsePhoneNumberFromString(candidate, 'KH');
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'invalid' };
  if (parsed.countryCallingCode !== KH_CALLING_CODE) return { ok: false, reason: 'not-cambodian' };
  return { ok: true, e164: parsed.number };
}

/** Mask a phone for logs: `+85512345678` → `+855****678`. */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const last = digits.slice(-3);
  const prefix = e164.startsWith('+' + KH_CALLING_CODE) ? '+' + KH_CALLING_CODE : e164.startsWith('+') ? '+' : '';
  return `${prefix}****${last}`;
}
