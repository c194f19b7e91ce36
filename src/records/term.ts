/**
 * A record's term as a reader reads it: the whole year in words, a term's number in the reader's
 * digits (Khmer digits for a Khmer reader). `t` gives the reader's text of a key.
 */
import type { Locale } from '../core/db/schema.js';
import { localDigits } from '../core/i18n/index.js';

export function termText(locale: Locale, term: string, t: (key: string) => string): string {
  return term === 'year' ? t('records-term-year') : localDigits(locale, term);
}
