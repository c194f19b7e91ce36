/**
 * Fluent texts for every user-facing string. Khmer is the default; a user's choice is stored on
 * their telegram_accounts row (not in a session) so it also applies to messages the worker sends
 * them later and inside conversations.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { I18n, type I18nFlavor } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import type { Locale } from '../db/schema.js';

export type { I18nFlavor };
export const LOCALES: readonly Locale[] = ['km', 'en'] as const;
export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../locales');

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return value === 'km' || value === 'en';
}

export function createI18n<C extends Context & I18nFlavor>(
  defaultLocale: Locale,
  pickLocale: (ctx: C) => Locale | undefined,
): I18n<C> {
  const i18n = new I18n<C>({
    defaultLocale,
    useSession: false,
    // Fluent's bidi isolation marks show up as stray glyphs on some Android fonts.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => pickLocale(ctx) ?? defaultLocale,
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  memoizeBundleMatching(i18n.fluent as unknown as MatchesBundles);
  return i18n;
}

interface MatchesBundles {
  bundles: Set<unknown>;
  matchBundles(locales: string[]): Set<unknown>;
}

/**
 * The plugin negotiates languages (@fluent/langneg) on every single translation, which the
 * benchmarks showed as a visible share of the bot's CPU. The answer depends only on the asked
 * locales and the loaded bundles, so it is kept per locale list (and recomputed if a bundle is
 * ever added after start-up).
 */
function memoizeBundleMatching(fluent: MatchesBundles): void {
  const original = fluent.matchBundles.bind(fluent);
  const cache = new Map<string, Set<unknown>>();
  let loaded = fluent.bundles.size;
  fluent.matchBundles = (locales) => {
    if (fluent.bundles.size !== loaded) {
      cache.clear();
      loaded = fluent.bundles.size;
    }
    const key = locales.join('\u0000');
    let hit = cache.get(key);
    if (!hit) {
      hit = original(locales);
      if (cache.size < 64) cache.set(key, hit);
    }
    return hit;
  };
}

/** A translator bound to one locale, for code that has no grammY context (worker, CLI). */
export function translator(i18n: Pick<I18n, 't'>, locale: Locale): Translate {
  return (key, vars) => i18n.t(locale, key, vars);
}

const khmerDigits = new Intl.NumberFormat('km-u-nu-khmr', { useGrouping: false });

/** Numbers as the reader expects them: Khmer digits in Khmer. */
export function formatNumber(locale: Locale, n: number): string {
  return locale === 'km' ? khmerDigits.format(n) : String(n);
}

// Intl formatters are expensive to build: one per locale, reused.
const dayFormats: Record<Locale, Intl.DateTimeFormat> = {
  km: new Intl.DateTimeFormat('km-KH-u-nu-khmr', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }),
};

/** A school day (YYYY-MM-DD) written out for the reader. */
export function formatDay(locale: Locale, isoDay: string): string {
  return dayFormats[locale].format(new Date(`${isoDay}T00:00:00Z`));
}

/** ASCII digits in a text (a time, a code) as the reader writes them: Khmer digits in Khmer. */
export function localDigits(locale: Locale, text: string): string {
  return locale === 'km' ? text.replace(/[0-9]/g, (d) => KHMER_DIGITS[Number(d)]!) : text;
}

const KHMER_DIGITS = ['០', '១', '២', '៣', '៤', '៥', '៦', '៧', '៨', '៩'] as const;

/** Khmer digits typed by a user (១២:៣០) as ASCII digits, for parsing. */
export function asciiDigits(text: string): string {
  return text.replace(/[០-៩]/g, (d) => String(d.charCodeAt(0) - 0x17e0));
}

/** A clock time (HH:MM) for the reader. */
export function formatTime(locale: Locale, hhmm: string): string {
  return localDigits(locale, hhmm);
}

/** A person's name for the reader: the Latin spelling for English readers when the roster has one. */
export function displayName(locale: Locale, person: { nameKm: string; nameEn?: string | null }): string {
  return locale === 'en' && person.nameEn ? person.nameEn : person.nameKm;
}

/** The message ids (keys) a locale file defines. */
export function localeKeys(locale: Locale): Set<string> {
  const text = readFileSync(path.join(LOCALES_DIR, `${locale}.ftl`), 'utf8');
  return new Set([...text.matchAll(/^([a-zA-Z][a-zA-Z0-9_-]*)\s*=/gm)].map((m) => m[1]!));
}

/** Renders texts for people other than the current user (outbox messages), in their language. */
export interface Notifier {
  t(locale: Locale, key: string, vars?: Record<string, string | number>): string;
  defaultLocale: Locale;
}
