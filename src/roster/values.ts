/**
 * Roster values: what a roster's rows become (types), the cells' spellings and checks (class
 * names, shifts, sexes, dates, codes, roles), and the errors an operator reads. Pure: no file
 * reading (read.ts), no database, no grammY.
 *
 * Row numbers in errors are the row numbers the operator sees in Excel: header row = 1 (or
 * wherever the first non-blank row is), first data row = 2; 0 for errors about the whole file.
 */
import { staffRoleFromRoster, type StaffRole } from '../core/auth/roles.js';
import { asciiDigits } from '../core/i18n/index.js';
import { normalizePhone, type NormalizePhoneResult } from './phone.js';

// ---------------------------------------------------------------------------------------------
// What the rows become

export type RosterErrorCode =
  | 'unreadable-file'
  | 'empty-file'
  | 'missing-column'
  | 'too-many-rows'
  /** a streamed file stopped at the limit: its real length is not known (more than the limit) */
  | 'rows-over-limit'
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
  | 'too-long'
  // checked against the database at import time
  | 'unknown-class'
  | 'duplicate-homeroom';

/** Every code, e.g. to check that each has a text in locales/*.ftl. */
export const ROSTER_ERROR_CODES: readonly RosterErrorCode[] = [
  'unreadable-file',
  'empty-file',
  'missing-column',
  'too-many-rows',
  'rows-over-limit',
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
  'too-long',
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
/** A staff role (the role table's, core/auth/roles.ts). */
export type Role = StaffRole;

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

export type StudentColumn = (typeof STUDENT_COLUMNS)[number];
export type StaffColumn = (typeof STAFF_COLUMNS)[number];

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

// U+200B zero-width space, U+FEFF BOM/ZWNBSP, U+2060 word joiner, U+00AD soft hyphen, C0/DEL
// control characters other than whitespace, and the bidirectional controls (U+200E/F marks,
// U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, U+061C): a name carrying U+202E
// would turn the rest of an alert around. U+200C/U+200D are kept: Khmer shaping needs them.
const INVISIBLE = /[\u200B\uFEFF\u2060\u00AD\u0000-\u0008\u000E-\u001F\u007F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/g;

/** Longest name (or relation) a roster cell may hold: a Telegram message is 4,096 characters and an alert names children. */
export const MAX_NAME_LENGTH = 100;
const WHITESPACE_RUN = /\s+/g;

/** NFC, drop invisible characters, collapse whitespace, trim. */
export function cleanText(s: string): string {
  return s.replace(INVISIBLE, '').normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
}

/** "7A", "12b", "1 A", "07-A", "ថ្នាក់ទី៧A" → { className: "7A", grade: 7, section: "A" }. */
export function parseClassName(raw: string): { className: string; grade: number; section: string } | null {
  const s = asciiDigits(cleanText(raw))
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

const lookupKey = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/** A shift as a roster writes it (`morning`, `pm`, `វេនព្រឹក`), or undefined. */
export function parseShift(cell: string): Shift | undefined {
  return SHIFTS.get(lookupKey(cell));
}

/** A sex as a roster writes it (`M`, `female`, `ស្រី`), or undefined. */
export function parseSex(cell: string): Sex | undefined {
  return SEXES.get(lookupKey(cell));
}

/** A staff role as a roster writes it: the spellings of the role table (core/auth/roles.ts). */
export function parseRole(cell: string): Role | undefined {
  return staffRoleFromRoster(cell) ?? undefined;
}

export const CODE_RE = /^[A-Za-z0-9_\-./]{1,40}$/;

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
  const s = asciiDigits(raw).trim();
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

export const MIN_BIRTH_DATE = '1990-01-01';

/** Today's date in Cambodia (UTC+7, no daylight saving). */
export function todayInCambodia(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Collects a file's errors, keeping the first MAX_ERRORS and counting the rest. */
export class ErrorSink {
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
export function phoneNormaliser(): (raw: string) => NormalizePhoneResult {
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
