/**
 * The texts of questions: the copy a teacher receives, the answer a parent receives, a thread's
 * history, durations. Plain functions of a translator, so the bot (ctx.t) and the outbox
 * (notifier.t for the recipient's language) render the same way.
 */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatDay, formatNumber, formatTime, type Translate } from '../core/i18n/index.js';
import { schoolClock } from '../core/clock.js';
import type { QuestionKind } from './schema.js';

export interface Named {
  nameKm: string;
  nameEn: string | null;
}

/** A child as the reader expects: Khmer name, or "English (Khmer)" for an English reader. */
export function childName(locale: Locale, s: Named): string {
  return locale === 'en' && s.nameEn ? `${s.nameEn} (${s.nameKm})` : s.nameKm;
}

export function formatDuration(t: Translate, locale: Locale, seconds: number): string {
  const n = (x: number) => formatNumber(locale, x);
  const minutes = Math.max(0, Math.round(seconds / 60));
  if (minutes < 60) return t('questions-dur-minutes', { m: n(minutes) });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('questions-dur-hours', { h: n(hours), m: n(minutes % 60) });
  return t('questions-dur-days', { d: n(Math.floor(hours / 24)), h: n(hours % 24) });
}

/** "23 November 2026 20:15" in the school's time zone, in the reader's digits. */
export function formatMoment(locale: Locale, at: Date, timeZone: string): string {
  const c = schoolClock(timeZone, at);
  return `${formatDay(locale, c.day)} ${formatTime(locale, c.time)}`;
}

const KIND_ICON: Record<QuestionKind, string> = { text: '', voice: '🎤 ', photo: '🖼 ' };

/** Text (or caption) of the copy of a parent's question that the teacher receives. */
export function questionCopy(
  t: Translate,
  locale: Locale,
  q: { child: Named; className: string | null; guardianName: string | null; urgent: boolean; followUp: boolean; body: string | null },
): string {
  const lines = [t(q.followUp ? 'questions-copy-followup' : 'questions-copy-question', { child: childName(locale, q.child), class: q.className ?? '—' })];
  if (q.urgent) lines.push(t('questions-copy-urgent'));
  if (q.guardianName) lines.push(t('questions-copy-from', { name: q.guardianName }));
  return q.body ? `${lines.join('\n')}\n\n${q.body}` : lines.join('\n');
}

/** Text (or caption) of a teacher's answer as the parent receives it. */
export function answerCopy(t: Translate, locale: Locale, a: { teacher: Named; child: Named; body: string | null }): string {
  const head = t('questions-copy-answer', { teacher: displayName(locale, a.teacher), child: childName(locale, a.child) });
  return a.body ? `${head}\n\n${a.body}` : head;
}

export interface HistoryMessage {
  id: number;
  author: 'parent' | 'staff';
  kind: QuestionKind;
  body: string | null;
  urgent: boolean;
  createdAt: string;
}

export interface HistoryThread {
  id: number;
  child: Named;
  className: string | null;
  teacher: Named;
  status: 'open' | 'answered';
  timezone: string;
  messages: HistoryMessage[];
}

/** Telegram's limit for one message, with room for our own lines. */
const HISTORY_BUDGET = 4000;

/**
 * The thread as one message: the newest messages that fit, oldest first. Voice messages and
 * photos show as a line; the bot offers buttons to play or see them again.
 */
export function historyText(t: Translate, locale: Locale, th: HistoryThread): string {
  const head = [
    t('questions-history-title', { child: childName(locale, th.child), class: th.className ?? '—', teacher: displayName(locale, th.teacher) }),
    t(th.status === 'open' ? 'questions-history-open' : 'questions-history-answered'),
  ].join('\n');
  const entries = th.messages.map((m, i) => {
    const who = t(m.author === 'parent' ? 'questions-history-parent' : 'questions-history-staff');
    const what = m.kind === 'text' ? (m.body ?? '') : `${KIND_ICON[m.kind]}${t(`questions-history-${m.kind}`, { n: formatNumber(locale, i + 1) })}${m.body ? ` — ${m.body}` : ''}`;
    return `${m.urgent ? '🔴 ' : ''}${who} · ${formatMoment(locale, new Date(m.createdAt), th.timezone)}\n${what}`;
  });
  const kept: string[] = [];
  let size = head.length;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (size + e.length + 2 > HISTORY_BUDGET) {
      kept.unshift(t('questions-history-earlier', { count: formatNumber(locale, i + 1) }));
      break;
    }
    kept.unshift(e);
    size += e.length + 2;
  }
  return [head, ...kept].join('\n\n');
}
