/**
 * The demo school's timetable (DEMO-001, scripts/demo-school): the morning classes 7A, 7B and 12A
 * share their three subject teachers (T005, T006, T007: each teaches every period, rotating over
 * the classes), the afternoon classes 1A and 4B have their homeroom teacher for every lesson
 * (T003, T004), so the afternoon teachers are free to cover a morning lesson. `withConflict`
 * puts 7A's Monday first-period teacher into 7B at the same time as well: one clash, reported
 * at its cell (7B!B4).
 * `npx tsx scripts/demo-school/make-timetable.ts` writes the shipped workbooks from this.
 */
import type { Locale } from '../core/db/schema.js';
import { subjectKey, type Subject } from './subjects.js';
import { SCHOOL_WEEK, writeTimetableWorkbook, type SheetPlan } from './timetable-workbook.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

const MORNING = [
  { starts: '07:00', ends: '07:40' },
  { starts: '07:40', ends: '08:20' },
  { starts: '08:20', ends: '09:00' },
  { starts: '09:15', ends: '09:55' },
  { starts: '09:55', ends: '10:35' },
];
const AFTERNOON = [
  { starts: '13:00', ends: '13:40' },
  { starts: '13:40', ends: '14:20' },
  { starts: '14:20', ends: '15:00' },
  { starts: '15:15', ends: '15:55' },
  { starts: '15:55', ends: '16:35' },
];

const SECONDARY: Record<string, Subject[]> = {
  T005: ['history', 'geography', 'morals', 'khmer'],
  T006: ['english', 'khmer', 'arts', 'ict'],
  T007: ['maths', 'physics', 'chemistry', 'biology'],
};

/** Grades 1-4: 30 lessons a week (Khmer 12, Maths 7, Science 3, Social studies 3, PE 2, life skills 2, arts 1). */
const PRIMARY_DAYS: Subject[][] = [
  ['khmer', 'maths', 'khmer', 'science', 'pe'],
  ['khmer', 'maths', 'khmer', 'social', 'life-skills'],
  ['khmer', 'maths', 'khmer', 'science', 'arts'],
  ['khmer', 'maths', 'khmer', 'social', 'pe'],
  ['khmer', 'maths', 'khmer', 'science', 'life-skills'],
  ['khmer', 'maths', 'social', 'khmer', 'maths'],
];

/** The plan of each class sheet (teachers written by their short code). */
export function demoTimetablePlans(locale: Locale, t: T, opts: { withConflict?: boolean } = {}): SheetPlan[] {
  const cell = (subject: Subject, teacher: string) => `${t(locale, subjectKey(subject))} / ${teacher}`;
  const morning = ['7A', '7B', '12A'];
  const teachers = ['T005', 'T006', 'T007'];
  const plans: SheetPlan[] = morning.map((className) => ({ className, shift: 'morning', periods: MORNING, cells: new Map() }));
  const taught = new Map<string, number>();
  for (const day of SCHOOL_WEEK) {
    for (let p = 1; p <= MORNING.length; p++) {
      morning.forEach((_, c) => {
        const teacher = teachers[(c + p + day) % 3]!;
        const n = taught.get(teacher) ?? 0;
        taught.set(teacher, n + 1);
        plans[c]!.cells.set(`${day}:${p}`, cell(SECONDARY[teacher]![n % 4]!, teacher));
      });
    }
  }
  if (opts.withConflict) {
    const clash = plans[0]!.cells.get('1:1')!;
    plans[1]!.cells.set('1:1', clash);
  }
  for (const [className, teacher] of [
    ['1A', 'T003'],
    ['4B', 'T004'],
  ] as const) {
    const cells = new Map<string, string>();
    SCHOOL_WEEK.forEach((day, d) => PRIMARY_DAYS[d]!.forEach((subject, p) => cells.set(`${day}:${p + 1}`, cell(subject, teacher))));
    plans.push({ className, shift: 'afternoon', periods: AFTERNOON, cells });
  }
  return plans;
}

export async function demoTimetableWorkbook(locale: Locale, t: T, opts: { withConflict?: boolean } = {}): Promise<Buffer> {
  return writeTimetableWorkbook(demoTimetablePlans(locale, t, opts), locale, t, locale === 'km' ? 'សាលាគំរូ' : 'Demo School');
}
