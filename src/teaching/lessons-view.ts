/**
 * How a lesson book reads in the chat (text and inline buttons, plain JSON so the worker can
 * queue it and the bot can edit it in place): the book of a day, one lesson's choices, the
 * reasons, and the teachers who could have taught it.
 */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatDay, formatNumber, formatTime } from '../core/i18n/index.js';
import { isoWeekday, schoolClock } from '../core/clock.js';
import {
  bookConfirm,
  lessonBy,
  lessonNotTaught,
  lessonOpen,
  lessonOthers,
  lessonReason,
  lessonTaught,
  lessonTopic,
  bookShow,
  REASONS,
  type BookShift,
} from './buttons.js';
import type { BookLesson } from './lessons.js';
import { subjectKey } from './subjects.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export interface Button {
  text: string;
  callback_data: string;
}
export interface View {
  text: string;
  reply_markup: { inline_keyboard: Button[][] };
}

export interface BookContext {
  owner: number;
  ownerName: { nameKm: string; nameEn: string | null };
  day: string;
  shift: BookShift;
  locale: Locale;
  t: T;
  timezone: string;
  /** the principal sees change buttons on every lesson */
  viewer: 'teacher' | 'principal';
  /** a line above the book (the evening reminder) */
  intro?: string;
}

function rows<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export function lessonLine(l: BookLesson, locale: Locale, t: T): string {
  return t(locale, 'teaching-book-line', {
    starts: formatTime(locale, l.starts),
    ends: formatTime(locale, l.ends),
    class: l.className,
    subject: t(locale, subjectKey(l.subject)),
  });
}

function stateOf(l: BookLesson, owner: number, locale: Locale, t: T): string {
  if (l.status === 'not-taught') return t(locale, 'teaching-book-not-taught', { reason: t(locale, `teaching-reason-${l.reason ?? 'other'}`) });
  if (l.staffId !== null && l.staffId !== owner && l.staffName) return t(locale, 'teaching-book-taught-by', { name: displayName(locale, l.staffName) });
  if (l.staffId === null) return t(locale, 'teaching-book-nobody');
  return t(locale, 'teaching-book-taught');
}

export function renderBook(lessons: BookLesson[], ctx: BookContext): View {
  const { locale, t } = ctx;
  const n = (x: number) => formatNumber(locale, x);
  const shiftText = ctx.shift === 'all' ? '' : ` · ${t(locale, `core-shift-${ctx.shift}`)}`;
  const lines: string[] = [];
  if (ctx.intro) lines.push(ctx.intro, '');
  lines.push(t(locale, 'teaching-book-title', { date: formatDay(locale, ctx.day), weekday: t(locale, `teaching-day-${isoWeekday(ctx.day)}`), shift: shiftText }));
  lines.push(displayName(locale, ctx.ownerName));
  if (lessons.length === 0) lines.push(t(locale, 'teaching-book-empty'));
  lessons.forEach((l, i) => {
    let line = `${n(i + 1)}. ${lessonLine(l, locale, t)} — ${stateOf(l, ctx.owner, locale, t)}`;
    if (l.covered && l.staffId === ctx.owner && l.plannedName) line += `\n   ${t(locale, 'teaching-book-cover-for', { name: displayName(locale, l.plannedName) })}`;
    if (l.topic) line += `\n   ${t(locale, 'teaching-book-topic', { topic: l.topic })}`;
    if (l.confirmed) line += ' ✔️';
    lines.push(line);
  });
  const open = lessons.filter((l) => !l.confirmed && !l.late && !l.closed && (l.staffId === ctx.owner || (l.plannedStaffId === ctx.owner && !l.covered)));
  const changeable = ctx.viewer === 'principal' ? lessons : lessons.filter((l) => !l.late && !l.closed && l.confirmedBy !== 'system' && (l.staffId === ctx.owner || (l.plannedStaffId === ctx.owner && !l.covered)));
  lines.push('');
  if (lessons.length > 0 && lessons.every((l) => l.confirmed)) lines.push(t(locale, 'teaching-book-all-confirmed'));
  else if (open.length > 0) {
    const deadline = schoolClock(ctx.timezone, open[0]!.confirmBy).time;
    lines.push(t(locale, 'teaching-book-how', { time: formatTime(locale, deadline) }));
  } else if (lessons.some((l) => l.closed)) lines.push(t(locale, 'teaching-book-closed'));
  else if (lessons.some((l) => !l.confirmed && l.late)) lines.push(t(locale, 'teaching-book-late'));
  const keyboard: Button[][] = [];
  if (open.length > 0) keyboard.push([{ text: t(locale, 'teaching-book-confirm', { count: n(open.length) }), callback_data: bookConfirm.pack({ owner: ctx.owner, day: ctx.day, shift: ctx.shift }) }]);
  const index = new Map(lessons.map((l, i) => [l.id, i + 1]));
  keyboard.push(
    ...rows(
      changeable.map((l) => ({ text: `✏️ ${n(index.get(l.id)!)} · ${l.className}`, callback_data: lessonOpen.pack({ lesson: l.id, owner: ctx.owner }) })),
      3,
    ),
  );
  return { text: lines.join('\n'), reply_markup: { inline_keyboard: keyboard } };
}

/** One lesson's choices. */
export function renderLesson(l: BookLesson, owner: number, locale: Locale, t: T): View {
  const lines = [
    t(locale, 'teaching-lesson-title', { date: formatDay(locale, l.day), weekday: t(locale, `teaching-day-${isoWeekday(l.day)}`) }),
    lessonLine(l, locale, t),
    stateOf(l, owner, locale, t),
  ];
  if (l.topic) lines.push(t(locale, 'teaching-book-topic', { topic: l.topic }));
  if (l.closed) lines.push(t(locale, 'teaching-lesson-closed-note'));
  return {
    text: lines.join('\n'),
    reply_markup: {
      inline_keyboard: [
        [
          { text: t(locale, 'teaching-lesson-taught'), callback_data: lessonTaught.pack({ lesson: l.id, owner }) },
          { text: t(locale, 'teaching-lesson-not-taught'), callback_data: lessonNotTaught.pack({ lesson: l.id, owner }) },
        ],
        [
          { text: t(locale, 'teaching-lesson-someone-else'), callback_data: lessonOthers.pack({ lesson: l.id, owner }) },
          { text: t(locale, 'teaching-lesson-topic'), callback_data: lessonTopic.pack({ lesson: l.id, owner }) },
        ],
        [{ text: t(locale, 'teaching-back'), callback_data: bookShow.pack({ owner, day: l.day, shift: l.shift }) }],
      ],
    },
  };
}

export function renderReasons(l: BookLesson, owner: number, locale: Locale, t: T): View {
  return {
    text: `${lessonLine(l, locale, t)}\n${t(locale, 'teaching-lesson-why')}`,
    reply_markup: {
      inline_keyboard: [
        ...rows(
          REASONS.map((reason) => ({ text: t(locale, `teaching-reason-${reason}`), callback_data: lessonReason.pack({ lesson: l.id, owner, reason }) })),
          2,
        ),
        [{ text: t(locale, 'teaching-back'), callback_data: lessonOpen.pack({ lesson: l.id, owner }) }],
      ],
    },
  };
}

export function renderOthers(l: BookLesson, owner: number, people: Array<{ staffId: number; nameKm: string; nameEn: string | null }>, locale: Locale, t: T): View {
  return {
    text: `${lessonLine(l, locale, t)}\n${t(locale, people.length ? 'teaching-lesson-who' : 'teaching-lesson-nobody-free')}`,
    reply_markup: {
      inline_keyboard: [
        ...rows(
          people.map((p) => ({ text: displayName(locale, p), callback_data: lessonBy.pack({ lesson: l.id, owner, staff: p.staffId }) })),
          2,
        ),
        [{ text: t(locale, 'teaching-back'), callback_data: lessonOpen.pack({ lesson: l.id, owner }) }],
      ],
    },
  };
}
