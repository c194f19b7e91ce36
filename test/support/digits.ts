/**
 * Checks that numbers follow the reader's language: an English reader never sees a Khmer digit,
 * a Khmer reader sees Khmer digits in counts, times and dates (ASCII digits only inside
 * identifiers: class names like 7A, roll numbers of the roster, student and staff codes).
 */
import type { Received } from './telegram.js';

/** Everything a user was shown: texts and captions, button labels, callback answers. */
export function shown(received: Received[]): string[] {
  const out: string[] = [];
  for (const m of received) {
    if (m.text) out.push(m.text);
    for (const row of m.replyMarkup?.inline_keyboard ?? []) for (const b of row) out.push(String(b.text));
  }
  return out;
}

export const KHMER_DIGIT = /[០-៩]/;

/** Khmer digits in these texts (each with the text it is in). */
export function khmerDigitsIn(texts: string[]): string[] {
  return texts.filter((t) => KHMER_DIGIT.test(t));
}

const IDENTIFIERS = [
  /[A-Z]{2,}-\d{3}(?:-[A-Z]\d+)?/g, // school, student and staff codes (DEMO-001-S00004)
  /(?<![\p{L}\p{N}])(?:1[0-2]|[1-9])[A-Z]{1,3}(?![\p{L}\p{N}])/gu, // class names (1A, 12A)
  /(?<![\p{N}:])\d{1,3}\.(?= )/gu, // a roll number labelling a student ("4. name")
  /\bA4\b/g, // the paper size cards are printed on
];

/** The texts that still hold ASCII digits once identifiers are taken out. */
export function asciiDigitsOutsideIds(texts: string[]): string[] {
  return texts.filter((t) => /[0-9]/.test(IDENTIFIERS.reduce((s, re) => s.replace(re, ''), t)));
}
