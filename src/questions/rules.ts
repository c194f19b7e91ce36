/**
 * The pure rules of questions: what a message may contain, and when quiet hours end. No database,
 * no grammY, so they are easy to test and to reuse from the CLI.
 */
import { schoolClock, addDays } from '../core/clock.js';

/** Longest text question or answer we accept (the teacher's copy adds a header; Telegram stops at 4,096). */
export const MAX_TEXT_CHARS = 3500;
/** Longest caption of a photo or voice message (the copy adds a header; Telegram stops at 1,024). */
export const MAX_CAPTION_CHARS = 800;
/** Largest voice message or photo passed on (Telegram's own photos are far smaller). */
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;
export const MAX_VOICE_SECONDS = 300;

/** What a message carried, as the bot read it from Telegram. */
export type Content =
  | { kind: 'text'; text: string }
  | { kind: 'voice'; fileId: string; seconds?: number; bytes?: number; caption?: string }
  | { kind: 'photo'; fileId: string; bytes?: number; caption?: string }
  | { kind: 'unsupported' };

export type ContentProblem = 'empty' | 'too-long' | 'caption-too-long' | 'too-big' | 'voice-too-long' | 'unsupported' | 'no-photo';

/** A message that passed the checks, ready to store and pass on. */
export interface CleanContent {
  kind: 'text' | 'voice' | 'photo';
  body: string | null;
  fileId: string | null;
}

const INVISIBLE = /[\u200B\uFEFF\u2060\u00AD\u0000-\u0008\u000E-\u001F\u007F]/g;

function clean(s: string | undefined): string {
  return (s ?? '').replace(INVISIBLE, '').normalize('NFC').trim();
}

/**
 * Checks one message. Parents may send text, voice or a photo; staff answer with text or voice
 * (as the school asked: a photo from staff is refused with its own explanation).
 */
export function checkContent(content: Content, from: 'parent' | 'staff'): { ok: true; value: CleanContent } | { ok: false; problem: ContentProblem } {
  if (content.kind === 'unsupported') return { ok: false, problem: 'unsupported' };
  if (content.kind === 'text') {
    const text = clean(content.text);
    if (text === '') return { ok: false, problem: 'empty' };
    if ([...text].length > MAX_TEXT_CHARS) return { ok: false, problem: 'too-long' };
    return { ok: true, value: { kind: 'text', body: text, fileId: null } };
  }
  if (content.kind === 'photo' && from === 'staff') return { ok: false, problem: 'no-photo' };
  if (!/^[A-Za-z0-9_-]{10,200}$/.test(content.fileId)) return { ok: false, problem: 'unsupported' };
  if ((content.bytes ?? 0) > MAX_MEDIA_BYTES) return { ok: false, problem: 'too-big' };
  if (content.kind === 'voice' && (content.seconds ?? 0) > MAX_VOICE_SECONDS) return { ok: false, problem: 'voice-too-long' };
  const caption = clean(content.caption);
  if ([...caption].length > MAX_CAPTION_CHARS) return { ok: false, problem: 'caption-too-long' };
  return { ok: true, value: { kind: content.kind, body: caption === '' ? null : caption, fileId: content.fileId } };
}

export const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "6:30", "06.30", "0630" → "06:30"; null when not a time of day. */
export function parseTime(raw: string): string | null {
  const m = /^(\d{1,2})[:.h]?(\d{2})$/.exec(raw.trim());
  if (!m) return null;
  const t = `${m[1]!.padStart(2, '0')}:${m[2]}`;
  return TIME_RE.test(t) ? t : null;
}

export interface QuietHours {
  /** HH:MM school time */
  startsAt: string;
  endsAt: string;
}

/** True when HH:MM `time` falls in the quiet window (which may run over midnight). */
export function inQuietHours(time: string, quiet: QuietHours): boolean {
  const { startsAt: s, endsAt: e } = quiet;
  if (s === e) return false;
  return s < e ? time >= s && time < e : time >= s || time < e;
}

/** The instant that is `hhmm` on `day` in `timeZone`. */
export function zonedInstant(day: string, hhmm: string, timeZone: string): Date {
  const naive = Date.parse(`${day}T${hhmm}:00Z`);
  // The zone's offset at that moment, read back through the formatter; twice, for a DST edge.
  let guess = naive;
  for (let i = 0; i < 2; i++) {
    const c = schoolClock(timeZone, new Date(guess));
    const shown = Date.parse(`${c.day}T${c.time}:00Z`);
    guess -= shown - naive;
  }
  return new Date(guess);
}

/**
 * When a question that arrives at `now` may reach a teacher with these quiet hours: `now` when
 * they are not quiet (or the question is urgent), otherwise the end of the quiet window.
 */
export function deliveryTime(now: Date, timeZone: string, quiet: QuietHours | null, urgent: boolean): Date {
  if (urgent || !quiet) return now;
  const c = schoolClock(timeZone, now);
  if (!inQuietHours(c.time, quiet)) return now;
  // Inside the window: it ends today if the end is still ahead, else tomorrow.
  const day = c.time < quiet.endsAt ? c.day : addDays(c.day, 1);
  return zonedInstant(day, quiet.endsAt, timeZone);
}
