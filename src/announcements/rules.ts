/**
 * The pure rules of announcements: Telegram's limits, what content may be sent and how it looks
 * to recipients (the header line, the Bot API call), typed send times and school hours. No
 * database and no grammY: the bot, the services and the tests share them.
 */
import type { Locale, SchoolShifts } from '../core/db/schema.js';
import { addDays, isRealDay, schoolClock } from '../core/clock.js';
import { asciiDigits, displayName, formatDay, formatTime, type Notifier } from '../core/i18n/index.js';
import type { OutgoingMessage } from '../core/queue/outbox.js';
import type { AnnouncementContent } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Limits (Telegram's) and outbox priorities

export const LIMITS = {
  /** characters of a text message */
  text: 4096,
  /** characters of a media caption */
  caption: 1024,
  /** bytes: photos Telegram accepts from bots */
  photoBytes: 10 * 1024 * 1024,
  /** bytes: voice, video and documents a bot may send */
  fileBytes: 50 * 1024 * 1024,
};

/** Priorities on the outbox (lower first): urgent before alerts, ordinary after everyday messages. */
export const URGENT_PRIORITY = 1;
export const ORDINARY_PRIORITY = 6;
export const REPORT_PRIORITY = 4;
/** how far ahead an announcement may be scheduled */
export const MAX_AHEAD_DAYS = 60;

// ---------------------------------------------------------------------------------------------
// Content

export type ContentProblem =
  | { ok: false; reason: 'unsupported' | 'empty' | 'too-big' }
  | { ok: false; reason: 'text-too-long' | 'caption-too-long'; length: number; limit: number };

/** Checks content against Telegram's limits, keeping `headerRoom` characters for the header line. */
export function checkContent(content: AnnouncementContent | null, headerRoom: number): { ok: true } | ContentProblem {
  if (!content) return { ok: false, reason: 'unsupported' };
  if (content.kind === 'text') {
    const length = content.text.length;
    if (content.text.trim() === '') return { ok: false, reason: 'empty' };
    const limit = LIMITS.text - headerRoom;
    if (length > limit) return { ok: false, reason: 'text-too-long', length, limit };
    return { ok: true };
  }
  if (!content.fileId) return { ok: false, reason: 'unsupported' };
  const maxBytes = content.kind === 'photo' ? LIMITS.photoBytes : LIMITS.fileBytes;
  if ((content.fileSize ?? 0) > maxBytes) return { ok: false, reason: 'too-big' };
  const length = (content.caption ?? '').length;
  const limit = LIMITS.caption - headerRoom;
  if (length > limit) return { ok: false, reason: 'caption-too-long', length, limit };
  return { ok: true };
}

export interface HeaderParts {
  schoolNameKm: string;
  schoolNameEn: string;
  authorNameKm: string;
  authorNameEn: string | null;
}

/** The first line recipients see: the school and who speaks (and 🚨 when urgent). */
export function headerFor(notifier: Notifier, locale: Locale, parts: HeaderParts, urgent: boolean): string {
  const school = displayName(locale, { nameKm: parts.schoolNameKm, nameEn: parts.schoolNameEn });
  const author = displayName(locale, { nameKm: parts.authorNameKm, nameEn: parts.authorNameEn });
  return notifier.t(locale, urgent ? 'announcements-header-urgent' : 'announcements-header', { school, author });
}

/** Characters the header (and the line break after it) may take, in any language, urgent or not. */
export function headerRoom(notifier: Notifier, parts: HeaderParts): number {
  let most = 0;
  for (const locale of ['km', 'en'] as const) for (const urgent of [false, true]) most = Math.max(most, headerFor(notifier, locale, parts, urgent).length + 1);
  return most;
}

export type SendMethod = NonNullable<OutgoingMessage['method']>;

/** The Bot API call that sends the content with the header above it (media by file_id). */
export function messageFor(content: AnnouncementContent, header: string, silent: boolean): { method: SendMethod; payload: Record<string, unknown> } {
  const shift = header.length + 1;
  const entities = content.entities?.length ? content.entities.map((e) => ({ ...e, offset: e.offset + shift })) : undefined;
  const quiet = silent ? { disable_notification: true } : {};
  if (content.kind === 'text') {
    return { method: 'sendMessage', payload: { text: `${header}\n${content.text}`, ...(entities ? { entities } : {}), ...quiet } };
  }
  const caption = content.caption ? `${header}\n${content.caption}` : header;
  const media = { ...(entities ? { caption_entities: entities } : {}), caption, ...quiet };
  switch (content.kind) {
    case 'photo':
      return { method: 'sendPhoto', payload: { photo: content.fileId, ...media } };
    case 'voice':
      return { method: 'sendVoice', payload: { voice: content.fileId, ...media } };
    case 'video':
      return { method: 'sendVideo', payload: { video: content.fileId, ...media } };
    case 'document':
      return { method: 'sendDocument', payload: { document: content.fileId, ...media } };
  }
}

// ---------------------------------------------------------------------------------------------
// Time: when it goes, and the school day it may fall in

/** The instant a wall-clock time in a time zone stands for. */
export function zonedInstant(day: string, time: string, timeZone: string): Date {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const offsetAt = (at: number) => {
    const c = schoolClock(timeZone, new Date(at));
    const [cy, cm, cd] = c.day.split('-').map(Number) as [number, number, number];
    const [ch, cmi] = c.time.split(':').map(Number) as [number, number];
    return Date.UTC(cy, cm - 1, cd, ch, cmi) - at;
  };
  // Two rounds settle the offset even across a daylight-saving change.
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  return new Date(at);
}

export type SendTimeParse = { ok: true; at: Date } | { ok: false; reason: 'bad' | 'past' | 'too-far' };

/**
 * A typed send time in the school's time zone: `16:30` (today, or tomorrow when already past),
 * `tomorrow 7:00` / `ស្អែក 7:00`, or `2026-11-24 07:00`. Khmer digits are accepted.
 */
export function parseSendTime(input: string, timeZone: string, now: Date): SendTimeParse {
  const text = asciiDigits(input).trim().toLowerCase().replace(/\s+/g, ' ');
  const today = schoolClock(timeZone, now).day;
  let day: string;
  let hh: number;
  let mm: number;
  let rollOver = false;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,2})[:.h](\d{2})$/.exec(text))) {
    day = today;
    [hh, mm] = [Number(m[1]), Number(m[2])];
    rollOver = true;
  } else if ((m = /^(?:tomorrow|ស្អែក) (\d{1,2})[:.h](\d{2})$/.exec(text))) {
    day = addDays(today, 1);
    [hh, mm] = [Number(m[1]), Number(m[2])];
  } else if ((m = /^(\d{4}-\d{2}-\d{2}) (\d{1,2})[:.h](\d{2})$/.exec(text))) {
    day = m[1]!;
    [hh, mm] = [Number(m[2]), Number(m[3])];
  } else return { ok: false, reason: 'bad' };
  if (!isRealDay(day) || hh > 23 || mm > 59) return { ok: false, reason: 'bad' };
  const time = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
  let at = zonedInstant(day, time, timeZone);
  if (rollOver && at.getTime() <= now.getTime()) at = zonedInstant(addDays(day, 1), time, timeZone);
  if (at.getTime() <= now.getTime() + 60_000) return { ok: false, reason: 'past' };
  if (at.getTime() > now.getTime() + MAX_AHEAD_DAYS * 86_400_000) return { ok: false, reason: 'too-far' };
  return { ok: true, at };
}

/** A school day runs from its first shift's start to its last shift's end (07:00-17:00 when none is set). */
export function schoolDayBounds(shifts: SchoolShifts): { start: string; end: string } {
  const list = Object.values(shifts).filter((s): s is { start: string; end: string } => Boolean(s?.start && s?.end));
  if (list.length === 0) return { start: '07:00', end: '17:00' };
  return { start: list.map((s) => s.start).sort()[0]!, end: list.map((s) => s.end).sort().at(-1)! };
}

/** "Now" or a date and time in the school's zone, for the reader (their digits). */
export function formatWhen(locale: Locale, iso: string, timeZone: string): string {
  const c = schoolClock(timeZone, new Date(iso));
  return `${formatDay(locale, c.day)} ${formatTime(locale, c.time)}`;
}
