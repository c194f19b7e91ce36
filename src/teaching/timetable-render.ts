/**
 * A week of the timetable as a picture: periods (by their times) down, school days across; each
 * cell the subject and, for a class, the teacher or, for a teacher, the class. Subjects keep one
 * light colour each so a week reads at a glance. Khmer is shaped by pango (canvas.ts).
 */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatTime } from '../core/i18n/index.js';
import { Canvas } from '../core/render/canvas.js';
import { SUBJECTS, subjectKey } from './subjects.js';
import type { WeekLesson } from './timetable.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

const W = 1280;
const PAD = 32;
const TIME_W = 150;
const HEAD_H = 50;
const ROW_H = 88;
const INK = '#111111';
const MUTED = '#666666';
const GRID = '#C9CED6';
/** light tints, one per subject (cycled) */
const TINTS = ['#E3F2FD', '#E8F5E9', '#FFF3E0', '#F3E5F5', '#E0F7FA', '#FCE4EC', '#F1F8E9', '#FFFDE7', '#EDE7F6', '#E0F2F1'];

export async function renderWeekPicture(input: { title: string; subtitle: string; lessons: WeekLesson[]; mode: 'class' | 'teacher'; locale: Locale; t: T }): Promise<Buffer> {
  const { locale, t, lessons } = input;
  const days = [1, 2, 3, 4, 5, 6, ...(lessons.some((l) => l.weekday === 7) ? [7] : [])];
  const slots = [...new Map(lessons.map((l) => [`${l.starts}-${l.ends}`, { starts: l.starts, ends: l.ends }])).values()].sort((a, b) => a.starts.localeCompare(b.starts));
  const dayW = Math.floor((W - 2 * PAD - TIME_W) / days.length);
  const c = new Canvas(W);
  const title = await c.text(input.title, { size: 34, bold: true, color: INK, maxWidth: W - 2 * PAD });
  const subtitle = await c.text(input.subtitle, { size: 22, color: MUTED, maxWidth: W - 2 * PAD });
  c.place(title, PAD, PAD);
  c.place(subtitle, PAD, PAD + title.height + 6);
  let y = PAD + title.height + subtitle.height + 24;
  const gridTop = y;
  // Header: weekdays.
  const gridW = TIME_W + days.length * dayW;
  c.rect(PAD, y, gridW, HEAD_H, '#F2F4F7');
  const periodLabel = await c.text(t(locale, 'teaching-sheet-period'), { size: 20, bold: true, color: INK, maxWidth: TIME_W - 16 });
  c.place(periodLabel, PAD + 10, y + (HEAD_H - periodLabel.height) / 2);
  for (const [i, d] of days.entries()) {
    const label = await c.text(t(locale, `teaching-day-${d}`), { size: 22, bold: true, color: INK, maxWidth: dayW - 16 });
    c.place(label, PAD + TIME_W + i * dayW + (dayW - label.width) / 2, y + (HEAD_H - label.height) / 2);
  }
  y += HEAD_H;
  const tint = (subject: string) => TINTS[Math.max(0, SUBJECTS.indexOf(subject as (typeof SUBJECTS)[number])) % TINTS.length]!;
  if (slots.length === 0) {
    const none = await c.text(t(locale, 'teaching-picture-empty'), { size: 24, color: MUTED });
    c.place(none, PAD + 10, y + 20);
    y += none.height + 40;
  }
  for (const slot of slots) {
    const time = await c.text(`${formatTime(locale, slot.starts)}–${formatTime(locale, slot.ends)}`, { size: 20, color: INK, maxWidth: TIME_W - 16 });
    c.place(time, PAD + 10, y + (ROW_H - time.height) / 2);
    for (const [i, d] of days.entries()) {
      const x = PAD + TIME_W + i * dayW;
      const lesson = lessons.find((l) => l.weekday === d && l.starts === slot.starts);
      if (!lesson) {
        c.rect(x + 2, y + 2, dayW - 4, ROW_H - 4, '#FAFAFA');
        continue;
      }
      c.rect(x + 2, y + 2, dayW - 4, ROW_H - 4, tint(lesson.subject));
      const first = await c.text(t(locale, subjectKey(lesson.subject)), { size: 21, bold: true, color: INK, maxWidth: dayW - 16 });
      const second = await c.text(input.mode === 'class' ? displayName(locale, lesson) : lesson.className, { size: 18, color: MUTED, maxWidth: dayW - 16 });
      const top = y + (ROW_H - first.height - second.height - 2) / 2;
      c.place(first, x + (dayW - first.width) / 2, top);
      c.place(second, x + (dayW - second.width) / 2, top + first.height + 2);
    }
    y += ROW_H;
  }
  // Grid lines.
  for (let i = 0; i <= days.length; i++) c.rect(PAD + TIME_W + i * dayW - 1, gridTop, 2, y - gridTop, GRID);
  for (let r = 0; r <= slots.length; r++) c.rect(PAD, gridTop + HEAD_H + r * ROW_H - 1, gridW, 2, GRID);
  c.rect(PAD, gridTop - 1, gridW, 2, GRID);
  c.rect(PAD - 1, gridTop, 2, y - gridTop, GRID);
  return c.png(y + PAD);
}
