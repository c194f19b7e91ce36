/**
 * Roster files (students, staff): reading CSV/XLSX and validating every row.
 * Pure: no database, no grammY. The caller decides what to do with the rows.
 *
 * Row numbers in errors are the row numbers the operator sees in Excel: header row = 1 (or
 * wherever the first non-blank row is), first data row = 2; 0 for errors about the whole file.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { khmerDigitsToAscii, normalizePhone, type NormalizePhoneResult } from './phone.js';

// ---------------------------------------------------------------------------------------------
// Public types

export type RosterErrorCode =
  | 'unreadable-file'
  | 'empty-file'
  | 'missing-column'
  | 'too-many-rows'
  | 'too-many-errors'
  | 'required'
  | 'bad-class'
  | 'bad-shift'
  | 'bad-code'
  | 'duplicate-code'
  | 'bad-sex'
  | 'bad-date'
  | 'bad-phone'
  | 'not-cambodian-phone'
  | 'class-shift-conflict'
  | 'bad-role'
  | 'duplicate-phone'
  // checked against the database at import time
  | 'unknown-class'
  | 'duplicate-homeroom';

/** Every code, e.g. to check that each has a text in locales/*.ftl. */
export const ROSTER_ERROR_CODES: readonly RosterErrorCode[] = [
  'unreadable-file',
  'empty-file',
  'missing-column',
  'too-many-rows',
  'too-many-errors',
  'required',
  'bad-class',
  'bad-shift',
  'bad-code',
  'duplicate-code',
  'bad-sex',
  'bad-date',
  'bad-phone',
  'not-cambodian-phone',
  'class-shift-conflict',
  'bad-role',
  'duplicate-phone',
  'unknown-class',
  'duplicate-homeroom',
];

export interface RosterError {
  row: number;
  column?: string;
  code: RosterErrorCode;
  value?: string;
}

export type RosterParseResult<T> = { ok: true; rows: T[] } | { ok: false; errors: RosterError[] };

export interface RosterFile {
  name: string;
  bytes: Uint8Array;
}

export interface RosterParseOptions {
  /** Today's date (YYYY-MM-DD) for the date-of-birth upper bound; default: today in Cambodia. */
  today?: string;
}

export type Shift = 'morning' | 'afternoon';
export type Sex = 'M' | 'F';
export type Role = 'principal' | 'operator' | 'teacher' | 'gatekeeper';

export interface Guardian {
  name: string | null;
  /** E.164, e.g. +85512345678 */
  phone: string;
  relation: string;
}

export interface StudentRow {
  rowNumber: number;
  /** Normalised, e.g. "7A" */
  className: string;
  grade: number;
  section: string;
  shift: Shift;
  studentCode: string;
  nameKm: string;
  nameEn: string | null;
  sex: Sex;
  /** YYYY-MM-DD */
  dateOfBirth: string | null;
  guardians: Guardian[];
}

export interface StaffRow {
  rowNumber: number;
  staffCode: string;
  nameKm: string;
  nameEn: string | null;
  sex: Sex | null;
  /** E.164 */
  phone: string | null;
  roles: Role[];
  homeroomClass: string | null;
  subjects: string[];
}

export const MAX_DATA_ROWS = 50_000;
export const MAX_ERRORS = 200;

export const STUDENT_COLUMNS = [
  'class',
  'shift',
  'student_code',
  'name_km',
  'name_en',
  'sex',
  'date_of_birth',
  'guardian_name',
  'guardian_phone',
  'guardian_relation',
  'guardian2_name',
  'guardian2_phone',
  'guardian2_relation',
] as const;
export const STUDENT_REQUIRED_COLUMNS = ['class', 'shift', 'student_code', 'name_km', 'sex', 'guardian_phone'] as const;

export const STAFF_COLUMNS = [
  'staff_code',
  'name_km',
  'name_en',
  'sex',
  'phone',
  'role',
  'homeroom_class',
  'subjects',
] as const;
export const STAFF_REQUIRED_COLUMNS = ['staff_code', 'name_km', 'role'] as const;

type StudentColumn = (typeof STUDENT_COLUMNS)[number];
type StaffColumn = (typeof STAFF_COLUMNS)[number];

/**
 * Fluent key and arguments for an error, with every variable present (an absent one would show
 * as "{$value}" in the text). Use as `ctx.t(key, args)`.
 */
export function rosterErrorText(e: RosterError): {
  key: `roster-err-${RosterErrorCode}`;
  args: { row: number; column: string; value: string };
} {
  return { key: `roster-err-${e.code}`, args: { row: e.row, column: e.column ?? '', value: e.value ?? '' } };
}

// ---------------------------------------------------------------------------------------------
// Cell helpers (exported for reuse and tests)

// U+200B zero-width space, U+FEFF BOM/ZWNBSP, U+2060 word joiner, U+00AD soft hyphen, and C0/DEL
// control characters other than whitespace. U+200C/U+200D are kept: Khmer shaping needs them.
const INVISIBLE = /[\u200B\uFEFF\u2060\u00AD\u0000-\u0008\u000E-\u001F\u007F]/g;
const WHITESPACE_RUN = /\s+/g;

/** NFC, drop invisible characters, collapse whitespace, trim. */
export function cleanText(s: string): string {
  return s.replace(INVISIBLE, '').normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
}

/** "7A", "12b", "1 A", "07-A", "ថ្នាក់ទី៧A" → { className: "7A", grade: 7, section: "A" }. */
export function parseClassName(raw: string): { className: string; grade: number; section: string } | null {
  const s = khmerDigitsToAscii(cleanText(raw))
    .replace(/^(grade|class|ថ្នាក់ទី|ថ្នាក់)/i, '')
    .replace(/[\s\-_.]/g, '')
    .toUpperCase();
  const m = /^0*(\d{1,2})([A-Z]{1,3})$/.exec(s);
  if (!m) return null;
  const grade = Number(m[1]);
  const section = m[2]!;
  if (grade < 1 || grade > 12) return null;
  return { className: `${grade}${section}`, grade, section };
}

const SHIFTS: ReadonlyMap<string, Shift> = new Map([
  ['morning', 'morning'],
  ['m', 'morning'],
  ['am', 'morning'],
  ['ព្រឹក', 'morning'],
  ['វេនព្រឹក', 'morning'],
  ['afternoon', 'afternoon'],
  ['a', 'afternoon'],
  ['pm', 'afternoon'],
  ['រសៀល', 'afternoon'],
  ['វេនរសៀល', 'afternoon'],
]);

const SEXES: ReadonlyMap<string, Sex> = new Map([
  ['m', 'M'],
  ['male', 'M'],
  ['ប្រុស', 'M'],
  ['ប', 'M'],
  ['f', 'F'],
  ['female', 'F'],
  ['ស្រី', 'F'],
  ['ស', 'F'],
]);

const ROLES: ReadonlyMap<string, Role> = new Map([
  ['principal', 'principal'],
  ['នាយក', 'principal'],
  ['នាយិកា', 'principal'],
  ['operator', 'operator'],
  ['ប្រតិបត្តិករ', 'operator'],
  ['teacher', 'teacher'],
  ['គ្រូ', 'teacher'],
  ['គ្រូបង្រៀន', 'teacher'],
  ['gatekeeper', 'gatekeeper'],
  ['gate keeper', 'gatekeeper'],
  ['guard', 'gatekeeper'],
  ['អ្នកយាមទ្វារ', 'gatekeeper'],
  ['អ្នកយាម', 'gatekeeper'],
]);

const lookupKey = (s: string) => s.toLowerCase().replace(/\s+/g, '');

const CODE_RE = /^[A-Za-z0-9_\-./]{1,40}$/;

const pad2 = (n: number) => String(n).padStart(2, '0');

function calendarDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/**
 * YYYY-MM-DD (also with / or .), or D/M/YYYY as written in Cambodia; an Excel serial number when
 * the cell came from XLSX as a plain number. Returns YYYY-MM-DD or null when not a real date.
 */
export function parseDate(raw: string, fromNumericCell = false): string | null {
  const s = khmerDigitsToAscii(raw).trim();
  if (fromNumericCell && /^\d+(\.\d+)?$/.test(s)) {
    const serial = Math.floor(Number(s));
    if (serial < 1 || serial > 2_958_465) return null;
    const t = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
    return calendarDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  }
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/.exec(s);
  if (m) return calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (m) return calendarDate(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

const MIN_BIRTH_DATE = '1990-01-01';

/** Today's date in Cambodia (UTC+7, no daylight saving). */
function todayInCambodia(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Reading the file into rows of cleaned strings

interface RawRow {
  /** Row number as shown in Excel. */
  row: number;
  cells: string[];
  /** Which cells were numbers in the XLSX (for Excel date serials). */
  numeric?: boolean[];
}

type ReadResult = { ok: true; rows: RawRow[] } | { ok: false; error: RosterError };

const UNREADABLE: ReadResult = { ok: false, error: { row: 0, code: 'unreadable-file' } };

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

async function readTable(file: RosterFile): Promise<ReadResult> {
  const { bytes } = file;
  if (isZip(bytes) || /\.xlsx$/i.test(file.name)) return readXlsx(bytes);
  return readCsv(bytes);
}

function decodeText(b: Uint8Array): string | null {
  let text: string;
  try {
    if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) text = new TextDecoder('utf-16le').decode(b.subarray(2));
    else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) text = new TextDecoder('utf-16be').decode(b.subarray(2));
    // fatal: invalid UTF-8 (binary data, legacy encodings) is refused rather than turned into "�".
    else text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return null;
  }
  // Control characters other than tab/CR/LF/FF do not occur in a text table.
  if (/[\u0000-\u0008\u000B\u000E-\u001F]/.test(text)) return null;
  return text;
}

function detectDelimiter(text: string): string {
  // Look at the first non-blank line (the header), counting separators outside quotes.
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  let seen = false;
  for (let i = 0; i < text.length && i < 100_000; i++) {
    const ch = text[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (seen) break;
    } else if (!inQuotes && (ch === ',' || ch === ';' || ch === '\t')) {
      counts[ch]!++;
      seen = true;
    } else if (ch.trim() !== '' && ch !== '\uFEFF') seen = true;
  }
  let best = ',';
  for (const d of [';', '\t']) if (counts[d]! > counts[best]!) best = d;
  return best;
}

function readCsv(bytes: Uint8Array): ReadResult {
  const text = decodeText(bytes);
  if (text === null) return UNREADABLE;
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch {
    return UNREADABLE;
  }
  const rows: RawRow[] = [];
  for (let i = 0; i < records.length; i++) {
    const cells = records[i]!.map(cleanText);
    if (cells.every((c) => c === '')) continue;
    rows.push({ row: i + 1, cells });
  }
  return { ok: true, rows };
}

/** Turn an exceljs cell value into text. Dates → YYYY-MM-DD (UTC). */
export function excelValueToString(v: unknown): { text: string; numeric: boolean } {
  if (v === null || v === undefined) return { text: '', numeric: false };
  if (typeof v === 'string') return { text: v, numeric: false };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { text: '', numeric: false };
    return { text: Number.isInteger(v) && Math.abs(v) < 1e21 ? v.toFixed(0) : String(v), numeric: true };
  }
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE', numeric: false };
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isNaN(t)) return { text: '', numeric: false };
    // Round to the minute: Excel serials converted through floats can land at 23:59:59.999.
    return { text: new Date(Math.round(t / 60_000) * 60_000).toISOString().slice(0, 10), numeric: false };
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) {
      return {
        text: o.richText.map((r) => (r && typeof (r as { text?: unknown }).text === 'string' ? (r as { text: string }).text : '')).join(''),
        numeric: false,
      };
    }
    if ('formula' in o || 'sharedFormula' in o) return excelValueToString(o.result);
    if ('error' in o) return { text: String(o.error), numeric: false };
    if ('text' in o) return excelValueToString(o.text); // hyperlink
  }
  return { text: '', numeric: false };
}

async function readXlsx(bytes: Uint8Array): Promise<ReadResult> {
  const rows: RawRow[] = [];
  try {
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.state === 'visible') ?? wb.worksheets[0];
    if (!ws) return UNREADABLE;
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values = row.values;
      if (!Array.isArray(values)) return;
      const cells: string[] = [];
      const numeric: boolean[] = [];
      // row.values is 1-based (index 0 is empty) and sparse.
      for (let c = 1; c < values.length; c++) {
        const { text, numeric: isNum } = excelValueToString(values[c]);
        cells.push(cleanText(text));
        numeric.push(isNum);
      }
      if (cells.every((x) => x === '')) return;
      rows.push({ row: rowNumber, cells, numeric });
    });
  } catch {
    return UNREADABLE;
  }
  return { ok: true, rows };
}

// ---------------------------------------------------------------------------------------------
// Header and row access

function headerKey(s: string): string {
  return cleanText(s).toLowerCase().replace(/ /g, '_');
}

interface Table<C extends string> {
  data: RawRow[];
  get(r: RawRow, col: C): string;
  isNumeric(r: RawRow, col: C): boolean;
  has(col: C): boolean;
}

function prepareTable<C extends string>(
  read: ReadResult,
  required: readonly C[],
): { ok: true; table: Table<C> } | { ok: false; errors: RosterError[] } {
  if (!read.ok) return { ok: false, errors: [read.error] };
  const [header, ...data] = read.rows;
  if (!header) return { ok: false, errors: [{ row: 0, code: 'empty-file' }] };
  const index = new Map<string, number>();
  header.cells.forEach((h, i) => {
    const key = headerKey(h);
    if (key !== '' && !index.has(key)) index.set(key, i);
  });
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    return { ok: false, errors: missing.map((column) => ({ row: 0, code: 'missing-column' as const, column })) };
  }
  if (data.length === 0) return { ok: false, errors: [{ row: 0, code: 'empty-file' }] };
  if (data.length > MAX_DATA_ROWS) {
    return { ok: false, errors: [{ row: 0, code: 'too-many-rows', value: String(data.length) }] };
  }
  return {
    ok: true,
    table: {
      data,
      get: (r, col) => {
        const i = index.get(col);
        return i === undefined ? '' : (r.cells[i] ?? '');
      },
      isNumeric: (r, col) => {
        const i = index.get(col);
        return i !== undefined && r.numeric?.[i] === true;
      },
      has: (col) => index.has(col),
    },
  };
}

class ErrorSink {
  private readonly list: RosterError[] = [];
  private total = 0;

  add(row: number, code: RosterErrorCode, column?: string, value?: string): void {
    this.total++;
    if (this.list.length >= MAX_ERRORS) return;
    const e: RosterError = { row, code };
    if (column !== undefined) e.column = column;
    if (value !== undefined) e.value = value;
    this.list.push(e);
  }

  get empty(): boolean {
    return this.total === 0;
  }

  errors(): RosterError[] {
    if (this.total <= MAX_ERRORS) return this.list;
    return [...this.list, { row: 0, code: 'too-many-errors', value: String(this.total) }];
  }
}

/** Memoised normalizePhone: siblings share guardians, so the same number repeats a lot. */
function phoneNormaliser(): (raw: string) => NormalizePhoneResult {
  const cache = new Map<string, NormalizePhoneResult>();
  return (raw) => {
    let r = cache.get(raw);
    if (!r) {
      r = normalizePhone(raw);
      cache.set(raw, r);
    }
    return r;
  };
}

// ---------------------------------------------------------------------------------------------
// Students

export async function parseStudentRoster(
  file: RosterFile,
  options: RosterParseOptions = {},
): Promise<RosterParseResult<StudentRow>> {
  const prepared = prepareTable<StudentColumn>(await readTable(file), STUDENT_REQUIRED_COLUMNS);
  if (!prepared.ok) return prepared;
  const t = prepared.table;
  const today = options.today ?? todayInCambodia();
  const sink = new ErrorSink();
  const phone = phoneNormaliser();
  const codes = new Map<string, number>();
  const classShift = new Map<string, { shift: Shift; row: number }>();
  const out: StudentRow[] = [];

  for (const r of t.data) {
    const n = r.row;
    let ok = true;
    const fail = (code: RosterErrorCode, column: StudentColumn, value?: string) => {
      ok = false;
      sink.add(n, code, column, value);
    };
    const get = (c: StudentColumn) => t.get(r, c);

    // class
    const classRaw = get('class');
    const cls = classRaw === '' ? null : parseClassName(classRaw);
    if (classRaw === '') fail('required', 'class');
    else if (!cls) fail('bad-class', 'class', classRaw);

    // shift
    const shiftRaw = get('shift');
    const shift = shiftRaw === '' ? undefined : SHIFTS.get(lookupKey(shiftRaw));
    if (shiftRaw === '') fail('required', 'shift');
    else if (!shift) fail('bad-shift', 'shift', shiftRaw);

    if (cls && shift) {
      const first = classShift.get(cls.className);
      if (!first) classShift.set(cls.className, { shift, row: n });
      else if (first.shift !== shift) fail('class-shift-conflict', 'shift', `${cls.className} (row ${first.row})`);
    }

    // student_code
    const code = get('student_code');
    if (code === '') fail('required', 'student_code');
    else if (!CODE_RE.test(code)) fail('bad-code', 'student_code', code);
    else {
      const first = codes.get(code);
      if (first === undefined) codes.set(code, n);
      else fail('duplicate-code', 'student_code', `${code} (row ${first})`);
    }

    // names
    const nameKm = get('name_km');
    if (nameKm === '') fail('required', 'name_km');
    const nameEn = get('name_en') || null;

    // sex
    const sexRaw = get('sex');
    const sex = sexRaw === '' ? undefined : SEXES.get(lookupKey(sexRaw));
    if (sexRaw === '') fail('required', 'sex');
    else if (!sex) fail('bad-sex', 'sex', sexRaw);

    // date_of_birth
    const dobRaw = get('date_of_birth');
    let dateOfBirth: string | null = null;
    if (dobRaw !== '') {
      dateOfBirth = parseDate(dobRaw, t.isNumeric(r, 'date_of_birth'));
      if (!dateOfBirth || dateOfBirth < MIN_BIRTH_DATE || dateOfBirth > today) {
        dateOfBirth = null;
        fail('bad-date', 'date_of_birth', dobRaw);
      }
    }

    // guardian 1
    const guardians: Guardian[] = [];
    const g1PhoneRaw = get('guardian_phone');
    const g1 = phone(g1PhoneRaw);
    if (g1.ok) {
      guardians.push({
        name: get('guardian_name') || null,
        phone: g1.e164,
        relation: get('guardian_relation').toLowerCase() || 'guardian',
      });
    } else if (g1.reason === 'empty') fail('required', 'guardian_phone');
    else fail(g1.reason === 'not-cambodian' ? 'not-cambodian-phone' : 'bad-phone', 'guardian_phone', g1PhoneRaw);

    // guardian 2 (optional, but complete when started)
    const g2Name = get('guardian2_name');
    const g2PhoneRaw = get('guardian2_phone');
    const g2Relation = get('guardian2_relation');
    if (g2Name !== '' || g2PhoneRaw !== '' || g2Relation !== '') {
      const g2 = phone(g2PhoneRaw);
      if (g2.ok) {
        if (!(g1.ok && g1.e164 === g2.e164)) {
          guardians.push({ name: g2Name || null, phone: g2.e164, relation: g2Relation.toLowerCase() || 'guardian' });
        }
      } else if (g2.reason === 'empty') fail('required', 'guardian2_phone');
      else fail(g2.reason === 'not-cambodian' ? 'not-cambodian-phone' : 'bad-phone', 'guardian2_phone', g2PhoneRaw);
    }

    if (ok && cls && shift && sex) {
      out.push({
        rowNumber: n,
        className: cls.className,
        grade: cls.grade,
        section: cls.section,
        shift,
        studentCode: code,
        nameKm,
        nameEn,
        sex,
        dateOfBirth,
        guardians,
      });
    }
  }

  return sink.empty ? { ok: true, rows: out } : { ok: false, errors: sink.errors() };
}

// ---------------------------------------------------------------------------------------------
// Staff

export async function parseStaffRoster(file: RosterFile): Promise<RosterParseResult<StaffRow>> {
  const prepared = prepareTable<StaffColumn>(await readTable(file), STAFF_REQUIRED_COLUMNS);
  if (!prepared.ok) return prepared;
  const t = prepared.table;
  const sink = new ErrorSink();
  const phone = phoneNormaliser();
  const codes = new Map<string, number>();
  const phones = new Map<string, number>();
  const out: StaffRow[] = [];

  for (const r of t.data) {
    const n = r.row;
    let ok = true;
    const fail = (code: RosterErrorCode, column: StaffColumn, value?: string) => {
      ok = false;
      sink.add(n, code, column, value);
    };
    const get = (c: StaffColumn) => t.get(r, c);

    const code = get('staff_code');
    if (code === '') fail('required', 'staff_code');
    else if (!CODE_RE.test(code)) fail('bad-code', 'staff_code', code);
    else {
      const first = codes.get(code);
      if (first === undefined) codes.set(code, n);
      else fail('duplicate-code', 'staff_code', `${code} (row ${first})`);
    }

    const nameKm = get('name_km');
    if (nameKm === '') fail('required', 'name_km');
    const nameEn = get('name_en') || null;

    const sexRaw = get('sex');
    let sex: Sex | null = null;
    if (sexRaw !== '') {
      sex = SEXES.get(lookupKey(sexRaw)) ?? null;
      if (!sex) fail('bad-sex', 'sex', sexRaw);
    }

    const phoneRaw = get('phone');
    let e164: string | null = null;
    if (phoneRaw !== '') {
      const p = phone(phoneRaw);
      if (p.ok) {
        e164 = p.e164;
        const first = phones.get(e164);
        if (first === undefined) phones.set(e164, n);
        else fail('duplicate-phone', 'phone', `${phoneRaw} (row ${first})`);
      } else fail(p.reason === 'not-cambodian' ? 'not-cambodian-phone' : 'bad-phone', 'phone', phoneRaw);
    }

    const roles: Role[] = [];
    const roleTokens = get('role')
      .split(/[;,|]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (roleTokens.length === 0) fail('required', 'role');
    for (const token of roleTokens) {
      const role = ROLES.get(lookupKey(token));
      if (!role) fail('bad-role', 'role', token);
      else if (!roles.includes(role)) roles.push(role);
    }

    const homeroomRaw = get('homeroom_class');
    let homeroomClass: string | null = null;
    if (homeroomRaw !== '') {
      homeroomClass = parseClassName(homeroomRaw)?.className ?? null;
      if (!homeroomClass) fail('bad-class', 'homeroom_class', homeroomRaw);
    }

    const subjects = get('subjects')
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');

    if (ok) {
      out.push({ rowNumber: n, staffCode: code, nameKm, nameEn, sex, phone: e164, roles, homeroomClass, subjects });
    }
  }

  return sink.empty ? { ok: true, rows: out } : { ok: false, errors: sink.errors() };
}
