/**
 * Reading the timetable grid schools already make in Excel: one sheet per class (the sheet's
 * name, or a cell above the grid, names the class), a header row of weekdays (Khmer or English),
 * and below it one row per period: its times in the first column ("07:00-07:40", "7.00 – 7.40",
 * Khmer digits welcome) and in each day's column "subject / teacher" (the teacher by staff code,
 * the code's last part, or name; a line break or "/" between the two). Empty cells are free
 * periods; rows without times ("Break", "សម្រាក") are skipped when they hold no lessons.
 *
 * Pure: no database. Every problem names its cell (`7B!C4`), so the office can find it.
 */
import ExcelJS from 'exceljs';
import { asciiDigits } from '../core/i18n/index.js';
import { parseClassName } from '../roster/parse.js';
import { findSubject, type Subject } from './subjects.js';

export interface GridClass {
  id: number;
  name: string;
  shift: 'morning' | 'afternoon';
}

export interface GridStaff {
  id: number;
  code: string;
  nameKm: string;
  nameEn: string | null;
  /** transferred or retired: cannot be given lessons */
  gone: boolean;
}

export interface GridLesson {
  classId: number;
  className: string;
  shift: 'morning' | 'afternoon';
  /** `7A!C4` */
  cell: string;
  weekday: number;
  period: number;
  starts: string;
  ends: string;
  subject: Subject;
  staffId: number;
}

export interface GridPeriod {
  classId: number;
  /** `7A!A4` */
  cell: string;
  period: number;
  starts: string;
  ends: string;
}

export type ProblemCode =
  | 'unreadable'
  | 'no-sheets'
  | 'too-big'
  | 'unknown-class'
  | 'duplicate-class'
  | 'no-grid'
  | 'bad-time'
  | 'overlapping-periods'
  | 'unknown-teacher'
  | 'inactive-teacher'
  | 'unknown-subject'
  | 'bad-cell'
  | 'teacher-clash'
  | 'over-cap';

export interface GridProblem {
  code: ProblemCode;
  /** where: `7B!C4`, or '' for the whole file */
  cell: string;
  /** the other cell of a clash */
  other?: string;
  value?: string;
  staffId?: number;
  weekday?: number;
  count?: number;
}

export interface GridRead {
  lessons: GridLesson[];
  periods: GridPeriod[];
  problems: GridProblem[];
  /** classes that have a sheet */
  classIds: number[];
}

export const MAX_SHEETS = 200;
export const MAX_ROWS_PER_SHEET = 40;

const WEEKDAYS: ReadonlyArray<[number, string[]]> = [
  [1, ['mon', 'monday', 'ច័ន្ទ', 'ថ្ងៃច័ន្ទ']],
  [2, ['tue', 'tues', 'tuesday', 'អង្គារ', 'ថ្ងៃអង្គារ']],
  [3, ['wed', 'wednesday', 'ពុធ', 'ថ្ងៃពុធ']],
  [4, ['thu', 'thur', 'thurs', 'thursday', 'ព្រហស្បតិ៍', 'ព្រហស្បតិ', 'ព្រហ', 'ថ្ងៃព្រហស្បតិ៍']],
  [5, ['fri', 'friday', 'សុក្រ', 'ថ្ងៃសុក្រ']],
  [6, ['sat', 'saturday', 'សៅរ៍', 'សៅរិ៍', 'សៅ', 'ថ្ងៃសៅរ៍']],
  [7, ['sun', 'sunday', 'អាទិត្យ', 'ថ្ងៃអាទិត្យ']],
];
const WEEKDAY_OF = new Map(WEEKDAYS.flatMap(([n, names]) => names.map((s) => [s.normalize('NFC'), n] as const)));

const clean = (s: string) => s.normalize('NFC').replace(/[\u200B\uFEFF\u00AD]/g, '').replace(/[ \t]+/g, ' ').trim();

export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `${String(v.getUTCHours()).padStart(2, '0')}:${String(v.getUTCMinutes()).padStart(2, '0')}`;
  const o = v as unknown as Record<string, unknown>;
  if (Array.isArray(o.richText)) return o.richText.map((r: { text?: string }) => r.text ?? '').join('');
  if ('result' in o) return cellText(o.result as ExcelJS.CellValue);
  if ('text' in o) return cellText(o.text as ExcelJS.CellValue);
  return '';
}

export function weekdayOf(text: string): number | null {
  const s = clean(text).toLowerCase().replace(/[.:]$/, '');
  return WEEKDAY_OF.get(s) ?? null;
}

const hhmm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;

/**
 * The two times of a period cell. `null`: no time at all (a break row); `'bad'`: times that
 * cannot be (25:00, a start after the end, one time only).
 */
export function parsePeriodTimes(text: string): { starts: string; ends: string } | null | 'bad' {
  const s = asciiDigits(clean(text));
  // "1. 07:00-07:40": a leading period number is not a time (times have no space inside).
  const times = [...s.matchAll(/(\d{1,2})[:.h](\d{2})(?!\d)/g)].map((m) => ({ h: Number(m[1]), m: Number(m[2]) }));
  if (times.length === 0) return null;
  if (times.length !== 2) return 'bad';
  const [a, b] = times as [{ h: number; m: number }, { h: number; m: number }];
  if (a.h > 23 || b.h > 23 || a.m > 59 || b.m > 59) return 'bad';
  const starts = hhmm(a.h, a.m);
  const ends = hhmm(b.h, b.m);
  return starts < ends ? { starts, ends } : 'bad';
}

/** Finds a member of staff by code, the code's last part, or a name; titles are ignored. */
export function staffFinder(people: GridStaff[]): (text: string) => GridStaff | null {
  const key = (s: string) => clean(s).toLowerCase().replace(/^(mr|mrs|ms|miss|teacher|lok kru|neak kru|លោកគ្រូ|អ្នកគ្រូ|គ្រូ)\.?\s+/u, '').replace(/\s+/g, '');
  const index = new Map<string, GridStaff | null>();
  const add = (k: string, p: GridStaff) => {
    if (!k) return;
    const had = index.get(k);
    index.set(k, had === undefined || had?.id === p.id ? p : null); // null: two people share it
  };
  for (const p of people) {
    add(key(p.code), p);
    const tail = p.code.split('-').pop();
    if (tail && tail !== p.code) add(key(tail), p);
    add(key(p.nameKm), p);
    if (p.nameEn) add(key(p.nameEn), p);
  }
  return (text) => index.get(key(text)) ?? null;
}

type Part = { teacher: GridStaff | null; subject: Subject | null; text: string };

/** "Maths / T005", "គណិតវិទ្យា\nកែវ មករា", "T005 Maths": the subject and the teacher of a cell. */
export function parseLessonCell(
  text: string,
  findStaff: (t: string) => GridStaff | null,
  subjects: Map<string, Subject>,
): { ok: true; subject: Subject; teacher: GridStaff } | { ok: false; code: 'unknown-teacher' | 'unknown-subject' | 'bad-cell'; value: string } {
  const whole = clean(text.replace(/\r/g, ''));
  const parts = whole
    .split(/\n|\/|\||;|,|\s[-–—]\s/)
    .map(clean)
    .filter(Boolean);
  const read = (s: string): Part => ({ teacher: findStaff(s), subject: findSubject(subjects, s), text: s });
  let pieces = parts.map(read);
  if (pieces.length === 1) {
    // One run of words: try every split into subject + teacher (either order).
    const words = parts[0]!.split(' ');
    for (let i = 1; i < words.length; i++) {
      const a = read(words.slice(0, i).join(' '));
      const b = read(words.slice(i).join(' '));
      if ((a.subject && b.teacher) || (a.teacher && b.subject)) {
        pieces = [a, b];
        break;
      }
    }
  }
  const teacher = pieces.find((p) => p.teacher)?.teacher ?? null;
  const subject = pieces.find((p) => p.subject && p.teacher === null)?.subject ?? pieces.find((p) => p.subject)?.subject ?? null;
  if (teacher && subject) return { ok: true, subject, teacher };
  if (subject && pieces.length >= 2) return { ok: false, code: 'unknown-teacher', value: pieces.find((p) => !p.subject)?.text ?? whole };
  if (teacher && pieces.length >= 2) return { ok: false, code: 'unknown-subject', value: pieces.find((p) => !p.teacher)?.text ?? whole };
  return { ok: false, code: 'bad-cell', value: whole };
}

function classOfSheet(ws: ExcelJS.Worksheet, headerRow: number, classes: Map<string, GridClass>): { cls: GridClass | null; named: string | null } {
  const tryName = (s: string) => {
    const cleaned = clean(s);
    for (const candidate of [cleaned, ...cleaned.split(/[\s:–—-]+/)]) {
      const parsed = parseClassName(candidate);
      if (parsed) return parsed.className;
    }
    return null;
  };
  const named = tryName(ws.name);
  if (named) return { cls: classes.get(named) ?? null, named };
  for (let r = 1; r < headerRow; r++) {
    for (const cell of (ws.getRow(r).values as ExcelJS.CellValue[]).slice(1)) {
      const n = tryName(cellText(cell));
      if (n) return { cls: classes.get(n) ?? null, named: n };
    }
  }
  return { cls: null, named: null };
}

/** Reads every class sheet of a timetable workbook. */
export async function readTimetableGrid(
  bytes: Uint8Array,
  ctx: { classes: GridClass[]; staff: GridStaff[]; subjects: Map<string, Subject> },
): Promise<GridRead> {
  const out: GridRead = { lessons: [], periods: [], problems: [], classIds: [] };
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    out.problems.push({ code: 'unreadable', cell: '' });
    return out;
  }
  const sheets = book.worksheets.filter((w) => w.state === 'visible');
  if (sheets.length > MAX_SHEETS) {
    out.problems.push({ code: 'too-big', cell: '', count: sheets.length });
    return out;
  }
  const classes = new Map(ctx.classes.map((c) => [c.name, c]));
  const findStaff = staffFinder(ctx.staff);
  const sheetOfClass = new Map<number, string>();
  for (const ws of sheets) {
    // The header: the first row (of the first ten) with at least two weekday names.
    let headerRow = 0;
    const dayColumns = new Map<number, number>();
    for (let r = 1; r <= Math.min(10, ws.rowCount) && headerRow === 0; r++) {
      const found = new Map<number, number>();
      ws.getRow(r).eachCell((cell, col) => {
        const d = weekdayOf(cellText(cell.value));
        if (d !== null) found.set(col, d);
      });
      if (found.size >= 2) {
        headerRow = r;
        for (const [c, d] of found) dayColumns.set(c, d);
      }
    }
    const { cls, named } = classOfSheet(ws, headerRow || 1, classes);
    const at = (address: string) => `${ws.name}!${address}`;
    if (!headerRow) {
      if (named) out.problems.push({ code: 'no-grid', cell: at('A1'), value: named });
      continue; // a notes sheet
    }
    if (!cls) {
      out.problems.push({ code: 'unknown-class', cell: at('A1'), value: named ?? ws.name });
      continue;
    }
    if (sheetOfClass.has(cls.id)) {
      out.problems.push({ code: 'duplicate-class', cell: at('A1'), other: `${sheetOfClass.get(cls.id)}!A1`, value: cls.name });
      continue;
    }
    sheetOfClass.set(cls.id, ws.name);
    out.classIds.push(cls.id);
    // The times are in the column just left of the first day (column A in the usual grid).
    const timeColumn = Math.max(1, Math.min(...dayColumns.keys()) - 1);
    let period = 0;
    const rows = Math.min(ws.rowCount, headerRow + MAX_ROWS_PER_SHEET);
    for (let r = headerRow + 1; r <= rows; r++) {
      const row = ws.getRow(r);
      const timeCell = row.getCell(timeColumn);
      const cells = [...dayColumns].map(([col, weekday]) => ({ weekday, cell: row.getCell(col), text: clean(cellText(row.getCell(col).value)) }));
      const times = parsePeriodTimes(cellText(timeCell.value));
      const hasLessons = cells.some((c) => c.text !== '');
      if (times === null && !hasLessons) continue;
      if (times === null || times === 'bad') {
        out.problems.push({ code: 'bad-time', cell: at(timeCell.address), value: clean(cellText(timeCell.value)) });
        continue;
      }
      period++;
      out.periods.push({ classId: cls.id, cell: at(timeCell.address), period, ...times });
      for (const c of cells) {
        if (!c.text) continue;
        const parsed = parseLessonCell(c.text, findStaff, ctx.subjects);
        if (!parsed.ok) {
          out.problems.push({ code: parsed.code, cell: at(c.cell.address), value: parsed.value });
          continue;
        }
        if (parsed.teacher.gone) {
          out.problems.push({ code: 'inactive-teacher', cell: at(c.cell.address), staffId: parsed.teacher.id, value: c.text });
          continue;
        }
        out.lessons.push({
          classId: cls.id,
          className: cls.name,
          shift: cls.shift,
          cell: at(c.cell.address),
          weekday: c.weekday,
          period,
          ...times,
          subject: parsed.subject,
          staffId: parsed.teacher.id,
        });
      }
    }
  }
  if (out.classIds.length === 0 && out.problems.length === 0) out.problems.push({ code: 'no-sheets', cell: '' });
  return out;
}
