/**
 * The timetable as the grid workbook schools make: a "read me" sheet, then one sheet per class
 * (periods down, weekdays across, "subject / teacher" in each cell). The office downloads the
 * school's current timetable (or, before the first import, an empty grid of its classes and
 * shift times), edits it in Excel and sends it back: the same file reads in again.
 */
import ExcelJS from 'exceljs';
import type { Db } from '../core/db/client.js';
import type { Locale, SchoolShifts } from '../core/db/schema.js';
import { subjectKey } from './subjects.js';
import { schoolClasses, schoolOf, schoolStaff, weekOf } from './timetable.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export interface SheetPlan {
  className: string;
  shift: 'morning' | 'afternoon';
  periods: Array<{ starts: string; ends: string }>;
  /** `${weekday}:${period}` → cell text */
  cells: Map<string, string>;
}

export const SCHOOL_WEEK = [1, 2, 3, 4, 5, 6];

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const fromMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Five 40-minute lessons from the shift's start, with a 15-minute break after the third. */
export function defaultPeriods(shifts: SchoolShifts, shift: 'morning' | 'afternoon'): Array<{ starts: string; ends: string }> {
  let at = toMinutes(shifts[shift]?.start ?? (shift === 'morning' ? '07:00' : '13:00'));
  const out: Array<{ starts: string; ends: string }> = [];
  for (let p = 1; p <= 5; p++) {
    out.push({ starts: fromMinutes(at), ends: fromMinutes(at + 40) });
    at += 40 + (p === 3 ? 15 : 0);
  }
  return out;
}

export async function writeTimetableWorkbook(plans: SheetPlan[], locale: Locale, t: T, school: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const readme = book.addWorksheet(t(locale, 'teaching-sheet-readme').slice(0, 31));
  readme.getColumn(1).width = 110;
  const lines = t(locale, 'teaching-sheet-readme-text', { school }).split('\n');
  lines.forEach((line, i) => {
    readme.getCell(i + 1, 1).value = line;
    if (i === 0) readme.getCell(i + 1, 1).font = { bold: true, size: 14 };
  });
  for (const plan of plans) {
    const ws = book.addWorksheet(plan.className, { views: [{ state: 'frozen', ySplit: 3, xSplit: 1 }], pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 1, paperSize: 9 } });
    const days = [...SCHOOL_WEEK, ...([...plan.cells.keys()].some((k) => k.startsWith('7:')) ? [7] : [])];
    ws.getCell('A1').value = t(locale, 'teaching-sheet-title', { class: plan.className, shift: t(locale, `core-shift-${plan.shift}`) });
    ws.getCell('A1').font = { bold: true, size: 14 };
    ws.getCell('A3').value = t(locale, 'teaching-sheet-period');
    days.forEach((d, i) => {
      ws.getCell(3, i + 2).value = t(locale, `teaching-day-${d}`);
    });
    ws.getRow(3).font = { bold: true };
    ws.getColumn(1).width = 16;
    days.forEach((_, i) => {
      ws.getColumn(i + 2).width = 24;
    });
    plan.periods.forEach((p, i) => {
      const row = ws.getRow(i + 4);
      row.height = 34;
      row.getCell(1).value = `${p.starts}-${p.ends}`;
      days.forEach((d, j) => {
        const cell = row.getCell(j + 2);
        cell.value = plan.cells.get(`${d}:${i + 1}`) ?? '';
        cell.alignment = { wrapText: true, vertical: 'middle' };
        cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
      });
    });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** How a cell names a teacher: the short code (its last part) when that is unique in the school. */
export function codeWriter(codes: string[]): (code: string) => string {
  const tails = new Map<string, number>();
  for (const c of codes) {
    const tail = c.split('-').pop()!;
    tails.set(tail.toLowerCase(), (tails.get(tail.toLowerCase()) ?? 0) + 1);
  }
  return (code) => {
    const tail = code.split('-').pop()!;
    return tails.get(tail.toLowerCase()) === 1 ? tail : code;
  };
}

/** The school's timetable holding on `day` as a workbook, or an empty grid of its classes. */
export async function schoolTimetableWorkbook(db: Db, schoolId: number, day: string, locale: Locale, t: T): Promise<{ bytes: Buffer; fileName: string; filled: boolean }> {
  const school = (await schoolOf(db, schoolId))!;
  const [classList, staffList] = await Promise.all([schoolClasses(db, schoolId), schoolStaff(db, schoolId)]);
  const short = codeWriter(staffList.map((s) => s.code));
  let filled = false;
  const plans: SheetPlan[] = [];
  for (const cls of classList) {
    const week = await weekOf(db, schoolId, day, { classId: cls.id });
    const lessons = week?.lessons ?? [];
    filled ||= lessons.length > 0;
    const periods = new Map<number, { starts: string; ends: string }>();
    for (const l of lessons) periods.set(l.period, { starts: l.starts, ends: l.ends });
    const ordered = periods.size > 0 ? [...periods.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p) : defaultPeriods(school.shifts, cls.shift);
    const numberOf = new Map([...periods.keys()].sort((a, b) => a - b).map((p, i) => [p, i + 1]));
    plans.push({
      className: cls.name,
      shift: cls.shift,
      periods: ordered,
      cells: new Map(lessons.map((l) => [`${l.weekday}:${numberOf.get(l.period)}`, `${t(locale, subjectKey(l.subject))} / ${short(l.staffCode)}`])),
    });
  }
  const bytes = await writeTimetableWorkbook(plans, locale, t, locale === 'km' ? school.nameKm : school.nameEn);
  return { bytes, fileName: `timetable-${school.code}.xlsx`, filled };
}
