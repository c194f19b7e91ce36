/** How cover reads in the chat: a leave's lessons that need cover, and the free teachers for one. */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatDay, formatNumber, formatTime } from '../core/i18n/index.js';
import { isoWeekday } from '../core/clock.js';
import type { LeaveRecord } from '../staffing/leave.js';
import { coverAssign, coverList, coverNeed } from './buttons.js';
import type { Candidate, CoverNeed } from './cover.js';
import type { Button, View } from './lessons-view.js';
import { subjectKey } from './subjects.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

/** At most this many lessons get a button in one message (the rest: /cover later). */
export const MAX_NEED_BUTTONS = 18;

export function leaveDays(locale: Locale, t: T, leave: Pick<LeaveRecord, 'fromDay' | 'toDay'>): string {
  return leave.fromDay === leave.toDay ? formatDay(locale, leave.fromDay) : t(locale, 'teaching-leave-range', { from: formatDay(locale, leave.fromDay), to: formatDay(locale, leave.toDay) });
}

function needText(n: CoverNeed, locale: Locale, t: T): string {
  return t(locale, 'teaching-cover-need', {
    weekday: t(locale, `teaching-day-${isoWeekday(n.day)}`),
    date: formatDay(locale, n.day),
    starts: formatTime(locale, n.starts),
    ends: formatTime(locale, n.ends),
    class: n.className,
    subject: t(locale, subjectKey(n.subject)),
  });
}

export function renderCoverList(leave: LeaveRecord, needs: CoverNeed[], locale: Locale, t: T): View {
  const open = needs.filter((n) => !n.coveredBy);
  const lines = [
    t(locale, 'teaching-cover-title', { name: displayName(locale, leave), reason: t(locale, `teaching-leave-reason-${leave.reason}`), days: leaveDays(locale, t, leave) }),
    needs.length === 0 ? t(locale, 'teaching-cover-none') : t(locale, 'teaching-cover-count', { open: formatNumber(locale, open.length), total: formatNumber(locale, needs.length) }),
    ...needs.map((n) => `${n.coveredBy ? '✅' : '⬜️'} ${needText(n, locale, t)}${n.coveredBy ? ` → ${displayName(locale, n.coveredBy)}` : ''}`),
  ];
  const buttons: Button[][] = open.slice(0, MAX_NEED_BUTTONS).map((n) => [
    {
      text: `🔁 ${t(locale, `teaching-day-short-${isoWeekday(n.day)}`)} ${formatTime(locale, n.starts)} · ${n.className}`,
      callback_data: coverNeed.pack({ leave: leave.id, day: n.day, cls: n.classId, period: n.period }),
    },
  ]);
  if (open.length > MAX_NEED_BUTTONS) lines.push(t(locale, 'teaching-cover-more', { count: formatNumber(locale, open.length - MAX_NEED_BUTTONS) }));
  return { text: lines.join('\n'), reply_markup: { inline_keyboard: buttons } };
}

export function renderCandidates(leave: LeaveRecord, need: CoverNeed, candidates: Candidate[], locale: Locale, t: T): View {
  const lines = [needText(need, locale, t), t(locale, candidates.length ? 'teaching-cover-choose' : 'teaching-cover-nobody')];
  const buttons: Button[][] = candidates.map((c) => [
    {
      text: t(locale, 'teaching-cover-candidate', { name: displayName(locale, c), covers: formatNumber(locale, c.covers), weekly: formatNumber(locale, c.weekly) }),
      callback_data: coverAssign.pack({ leave: leave.id, day: need.day, cls: need.classId, period: need.period, staff: c.staffId }),
    },
  ]);
  buttons.push([{ text: t(locale, 'teaching-back'), callback_data: coverList.pack({ leave: leave.id }) }]);
  return { text: lines.join('\n'), reply_markup: { inline_keyboard: buttons } };
}
