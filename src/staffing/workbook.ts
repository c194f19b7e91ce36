/**
 * The staff-records workbook: the office downloads the school's records (every roster member,
 * codes written as labels in the reader's language), fills or corrects them in Excel, and sends
 * the file back. Import is all or nothing: every problem is listed with its cell, and nothing is
 * written unless every row is right. Columns are found by their header (row 1), so they may be
 * moved or left out (a left-out column keeps what is recorded).
 */
import ExcelJS from 'exceljs';
import type { Locale } from '../core/db/schema.js';
import { asciiDigits } from '../core/i18n/index.js';
import { parseDate } from '../roster/parse.js';
import { CODE_LISTS, codeFromCell, codeKey, type CodeList, type StaffStatus } from './codes.js';
import type { RecordUpdate, StaffRecord } from './records.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export const RECORD_COLUMNS = [
  'staff_code',
  'name_km',
  'name_en',
  'position',
  'sex',
  'date_of_birth',
  'qualification',
  'training_level',
  'subjects',
  'employment_type',
  'start_date',
  'status',
] as const;
type Column = (typeof RECORD_COLUMNS)[number];

const LIST_OF: Partial<Record<Column, CodeList>> = {
  position: 'position',
  qualification: 'qualification',
  training_level: 'training',
  employment_type: 'employment',
  status: 'status',
};

export interface RecordProblem {
  /** A1-style cell, or '' for the whole file */
  cell: string;
  code: 'unreadable' | 'no-header' | 'unknown-staff' | 'duplicate-staff' | 'bad-code' | 'bad-sex' | 'bad-date' | 'too-many-rows';
  value?: string;
}

export const MAX_RECORD_ROWS = 2000;

function cellText(v: ExcelJS.CellValue): { text: string; date?: string } {
  if (v === null || v === undefined) return { text: '' };
  if (v instanceof Date) return { text: v.toISOString().slice(0, 10), date: v.toISOString().slice(0, 10) };
  if (typeof v === 'number') return { text: String(v) };
  if (typeof v === 'object') {
    const o = v as unknown as Record<string, unknown>;
    if (Array.isArray(o.richText)) return { text: o.richText.map((r: { text?: string }) => r.text ?? '').join('') };
    if ('result' in o) return cellText(o.result as ExcelJS.CellValue);
    if ('text' in o) return cellText(o.text as ExcelJS.CellValue);
    return { text: '' };
  }
  return { text: String(v) };
}

const clean = (s: string) => s.normalize('NFC').replace(/[\u200B\uFEFF]/g, '').replace(/\s+/g, ' ').trim();

/** The school's records as a workbook to fill in (also the template: unrecorded fields are empty). */
export async function recordsWorkbook(records: StaffRecord[], locale: Locale, t: T): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(t(locale, 'staffing-sheet-records').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = RECORD_COLUMNS.map((c) => ({ header: c, key: c, width: c.startsWith('name') ? 24 : c === 'subjects' ? 28 : 18 }));
  ws.getRow(1).font = { bold: true };
  const label = (list: CodeList, code: string | null) => (code ? t(locale, codeKey(list, code)) : '');
  for (const r of records) {
    ws.addRow({
      staff_code: r.staffCode,
      name_km: r.nameKm,
      name_en: r.nameEn ?? '',
      position: label('position', r.position),
      sex: r.sex ?? '',
      date_of_birth: r.dateOfBirth ? new Date(`${r.dateOfBirth}T00:00:00Z`) : '',
      qualification: label('qualification', r.qualification),
      training_level: label('training', r.trainingLevel),
      subjects: r.subjects.join(', '),
      employment_type: label('employment', r.employment),
      start_date: r.startDate ? new Date(`${r.startDate}T00:00:00Z`) : '',
      status: label('status', r.status),
    });
  }
  for (const c of ['date_of_birth', 'start_date']) ws.getColumn(c).numFmt = 'yyyy-mm-dd';
  // The allowed values, for whoever fills the sheet.
  const lists = book.addWorksheet(t(locale, 'staffing-sheet-codes').slice(0, 31));
  let col = 1;
  for (const [column, list] of Object.entries(LIST_OF) as Array<[Column, CodeList]>) {
    lists.getCell(1, col).value = column;
    lists.getCell(1, col).font = { bold: true };
    CODE_LISTS[list].forEach((code, i) => {
      lists.getCell(i + 2, col).value = t(locale, codeKey(list, code));
    });
    lists.getColumn(col).width = 26;
    col++;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

export type RecordsParse = { ok: true; rows: RecordUpdate[] } | { ok: false; problems: RecordProblem[] };

/** Reads a filled records workbook against the school's roster. */
export async function parseRecordsWorkbook(bytes: Uint8Array, records: StaffRecord[], t: T): Promise<RecordsParse> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    return { ok: false, problems: [{ cell: '', code: 'unreadable' }] };
  }
  const ws = book.worksheets[0];
  if (!ws) return { ok: false, problems: [{ cell: '', code: 'unreadable' }] };
  const columns = new Map<Column, number>();
  ws.getRow(1).eachCell((cell, colNumber) => {
    const key = clean(cellText(cell.value).text).toLowerCase().replace(/ /g, '_') as Column;
    if ((RECORD_COLUMNS as readonly string[]).includes(key)) columns.set(key, colNumber);
  });
  if (!columns.has('staff_code')) return { ok: false, problems: [{ cell: 'A1', code: 'no-header', value: 'staff_code' }] };
  if (ws.rowCount - 1 > MAX_RECORD_ROWS) return { ok: false, problems: [{ cell: '', code: 'too-many-rows' }] };
  const byCode = new Map(records.map((r) => [r.staffCode.toLowerCase(), r]));
  const problems: RecordProblem[] = [];
  const rows: RecordUpdate[] = [];
  const seen = new Set<number>();
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const get = (c: Column) => {
      const n = columns.get(c);
      if (n === undefined) return undefined;
      const cell = row.getCell(n);
      const { text, date } = cellText(cell.value);
      return { text: clean(text), date, ref: cell.address };
    };
    const code = get('staff_code')!;
    const others = RECORD_COLUMNS.filter((c) => c !== 'staff_code').map(get);
    if (!code.text && others.every((o) => !o?.text)) continue;
    const person = byCode.get(code.text.toLowerCase());
    if (!person) {
      problems.push({ cell: code.ref, code: 'unknown-staff', value: code.text });
      continue;
    }
    if (seen.has(person.staffId)) {
      problems.push({ cell: code.ref, code: 'duplicate-staff', value: code.text });
      continue;
    }
    seen.add(person.staffId);
    const listed = (c: Column, fallback: string | null): string | null => {
      const v = get(c);
      if (!v) return fallback;
      if (!v.text) return c === 'position' || c === 'status' ? fallback : null;
      const found = codeFromCell(LIST_OF[c]!, v.text, t);
      if (found === null) problems.push({ cell: v.ref, code: 'bad-code', value: v.text });
      return found;
    };
    const dated = (c: Column, fallback: string | null): string | null => {
      const v = get(c);
      if (!v) return fallback;
      if (!v.text) return null;
      const d = v.date ?? parseDate(asciiDigits(v.text), /^\d+(\.\d+)?$/.test(v.text));
      if (!d) problems.push({ cell: v.ref, code: 'bad-date', value: v.text });
      return d;
    };
    const sexCell = get('sex');
    let sex: 'M' | 'F' | null = null;
    if (sexCell?.text) {
      const s = sexCell.text.toLowerCase();
      sex = ['m', 'male', 'ប្រុស', 'ប'].includes(s) ? 'M' : ['f', 'female', 'ស្រី', 'ស'].includes(s) ? 'F' : null;
      if (!sex) problems.push({ cell: sexCell.ref, code: 'bad-sex', value: sexCell.text });
    }
    const subjectsCell = get('subjects');
    rows.push({
      staffId: person.staffId,
      position: listed('position', person.position) ?? person.position,
      sex,
      dateOfBirth: dated('date_of_birth', person.dateOfBirth),
      qualification: listed('qualification', person.qualification),
      trainingLevel: listed('training_level', person.trainingLevel),
      employment: listed('employment_type', person.employment),
      startDate: dated('start_date', person.startDate),
      status: (listed('status', person.status) ?? person.status) as StaffStatus,
      subjects: subjectsCell ? subjectsCell.text.split(/[,;،]/).map(clean).filter(Boolean) : null,
    });
    if (problems.length >= 200) break;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}
