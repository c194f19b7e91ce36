/**
 * The fast path for teachers who type: `7A absent 3 17 22 late 5` (or in Khmer:
 * `7A អវត្តមាន 3 17 22 យឺត 5`). Numbers are roll numbers as the roster orders the class; a late
 * number may carry its arrival time: `late 5@7:40` or `late 5 7:40`.
 */
import { asciiDigits } from '../core/i18n/index.js';
import type { AttendanceStatus } from './schema.js';

export interface QuickMark {
  roll: number;
  status: AttendanceStatus;
  time?: string;
}

export type QuickParse = { ok: true; className: string; marks: QuickMark[] } | { ok: false; reason: 'not-attendance' | 'bad-token' | 'twice'; token?: string };

const WORDS: Record<string, AttendanceStatus> = {
  absent: 'absent',
  a: 'absent',
  'អវត្តមាន': 'absent',
  'អត់': 'absent',
  late: 'late',
  l: 'late',
  'យឺត': 'late',
  excused: 'excused',
  e: 'excused',
  permission: 'excused',
  'ច្បាប់': 'excused',
  'សុំច្បាប់': 'excused',
  present: 'present',
  p: 'present',
  'វត្តមាន': 'present',
};

export function parseQuickAttendance(input: string): QuickParse {
  const tokens = asciiDigits(input.normalize('NFC').replace(/\u200b/g, ''))
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  const classToken = tokens.shift()?.toUpperCase();
  if (!classToken || !/^(1[0-2]|[1-9])[A-Z]{1,3}$/.test(classToken)) return { ok: false, reason: 'not-attendance' };
  const first = tokens[0]?.toLowerCase();
  if (!first || !(first in WORDS)) return { ok: false, reason: 'not-attendance' };
  const marks: QuickMark[] = [];
  let status: AttendanceStatus | null = null;
  for (const raw of tokens) {
    const token = raw.toLowerCase();
    if (token in WORDS) {
      status = WORDS[token]!;
      continue;
    }
    const m = /^(\d{1,3})(?:@(\d{1,2})[:.h](\d{2}))?$/.exec(token);
    const time = /^(\d{1,2})[:.h](\d{2})$/.exec(token);
    if (m && status) {
      const roll = Number(m[1]);
      if (marks.some((x) => x.roll === roll)) return { ok: false, reason: 'twice', token: raw };
      marks.push({ roll, status, ...(m[2] ? { time: hhmm(m[2], m[3]!) } : {}) });
    } else if (time && status === 'late' && marks.length > 0 && marks.at(-1)!.status === 'late' && !marks.at(-1)!.time) {
      marks.at(-1)!.time = hhmm(time[1]!, time[2]!);
    } else {
      return { ok: false, reason: 'bad-token', token: raw };
    }
  }
  if (marks.length === 0) return { ok: false, reason: 'bad-token', token: tokens.at(-1) };
  for (const m of marks) if (m.time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(m.time)) return { ok: false, reason: 'bad-token', token: m.time };
  return { ok: true, className: classToken, marks };
}

function hhmm(h: string, m: string): string {
  return `${h.padStart(2, '0')}:${m}`;
}
