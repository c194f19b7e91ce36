/**
 * The texts of absence alerts and their corrections, written when they go out. The submit writes
 * its outbox rows in the one statement that claims the alerts (no round trip back to the bot to
 * render them), so a row carries what the text is made of — the alert's id, the children's names
 * in both spellings, the class, the day, the reader's language — and the sender's resolver turns
 * it into the message in the reader's language (names, dates, times and digits as they read them).
 */
import type { Locale, Shift } from '../core/db/schema.js';
import { displayName, formatDay, formatTime, type Notifier } from '../core/i18n/index.js';
import type { PayloadResolver } from '../core/queue/sender.js';
import { alertAnswer } from './buttons.js';

/** A child's name as stored: Khmer always, the Latin spelling when the school gave one. */
export interface BothNames {
  km: string;
  en: string | null;
}

/** An absence alert's outbox payload (built in SQL by the submit). */
export interface AbsenceAlertPayload {
  absenceAlert: number;
  /** a list for an earlier day: a plain notice of that day, no answer buttons */
  pastDay: boolean;
  class: string;
  day: string;
  shift: Shift;
  locale: Locale | null;
  children: BothNames[];
}

/** A correction's outbox payload: the child alerted as absent is present, late or excused after all. */
export interface AbsenceCorrectionPayload {
  absenceCorrection: 'present' | 'late' | 'excused';
  /** the arrival time of a late child (HH:MM) */
  time: string | null;
  child: BothNames;
  class: string;
  day: string;
  locale: Locale | null;
}

export function shiftName(notifier: Notifier, locale: Locale, shift: Shift) {
  return notifier.t(locale, `core-shift-${shift}`);
}

/** A child as a family reads them: in English the Latin spelling with the Khmer one after it. */
export function childName(locale: Locale, s: BothNames) {
  const shown = displayName(locale, { nameKm: s.km, nameEn: s.en });
  return shown === s.km ? shown : `${shown} (${s.km})`;
}

function reader(notifier: Notifier, locale: unknown): Locale {
  return locale === 'en' || locale === 'km' ? locale : notifier.defaultLocale;
}

export function alertMessage(notifier: Notifier, p: AbsenceAlertPayload): Record<string, unknown> {
  const locale = reader(notifier, p.locale);
  const args = {
    names: p.children.map((c) => childName(locale, c)).join(notifier.t(locale, 'core-list-and')),
    class: p.class,
    shift: shiftName(notifier, locale, p.shift),
    date: formatDay(locale, p.day),
  };
  const many = p.children.length > 1;
  if (p.pastDay) return { text: notifier.t(locale, many ? 'attendance-alert-past-many' : 'attendance-alert-past-one', args) };
  const answer = (key: string, a: 'sick' | 'late' | 'unaware') => [{ text: notifier.t(locale, key), callback_data: alertAnswer.pack({ alert: p.absenceAlert, answer: a }) }];
  return {
    text: notifier.t(locale, many ? 'attendance-alert-absent-many' : 'attendance-alert-absent-one', args),
    reply_markup: {
      inline_keyboard: [answer('attendance-alert-answer-sick', 'sick'), answer('attendance-alert-answer-late', 'late'), answer('attendance-alert-answer-unaware', 'unaware')],
    },
  };
}

export function correctionMessage(notifier: Notifier, p: AbsenceCorrectionPayload): Record<string, unknown> {
  const locale = reader(notifier, p.locale);
  const key = p.absenceCorrection === 'late' ? 'attendance-alert-correction-late' : p.absenceCorrection === 'excused' ? 'attendance-alert-correction-excused' : 'attendance-alert-correction-present';
  return { text: notifier.t(locale, key, { name: childName(locale, p.child), class: p.class, time: formatTime(locale, p.time ?? ''), date: formatDay(locale, p.day) }) };
}

/** The sender's resolver for both kinds of row. */
export function absenceTextResolver(notifier: Notifier): PayloadResolver {
  return async (method, payload) => {
    if (method !== 'sendMessage') return null;
    if (typeof payload.absenceAlert === 'number') return { payload: alertMessage(notifier, payload as unknown as AbsenceAlertPayload) };
    if (typeof payload.absenceCorrection === 'string') return { payload: correctionMessage(notifier, payload as unknown as AbsenceCorrectionPayload) };
    return null;
  };
}
