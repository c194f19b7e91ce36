/**
 * The school's subjects as a workbook the office edits in Excel and sends back (issue 13). Sheet
 * one: a row per subject of a grade — grade, code, Khmer name, English name, maximum, in use
 * (yes/no) — and, for the reader only, how many scores it has; headers in the reader's language,
 * a hidden marker cell after them. Sheet two: what to do, and the curriculum codes with their
 * usual names (what a new row needs).
 *
 * Read back through the roster's XLSX reader (roster/read.ts: streaming, bounded, the first
 * visible sheet, cells as cleaned text with their Excel row numbers). Headers are matched in
 * either language (a file downloaded in Khmer may come back from an English-speaking operator)
 * or as plain keys (grade, code, name_km, name_en, max, active), in any column order.
 */
import ExcelJS from 'exceljs';
import type { Locale } from '../core/db/schema.js';
import { asciiDigits } from '../core/i18n/index.js';
import { readTable } from '../roster/read.js';
import { cleanText } from '../roster/values.js';
import { SUBJECTS } from '../teaching/subjects.js';
import { defaultSubjectNames } from './defaults.js';
import type { SubjectRow } from './service-subjects.js';

/** What the hidden cell after the headers holds: the file is a subjects workbook, whatever its headers became. */
export const SUBJECTS_MARK = 'sis:subjects:v1';
/** A subjects workbook is a few kilobytes; anything this big is something else. */
export const MAX_SUBJECTS_FILE_BYTES = 1024 * 1024;
/** 12 grades × 18 curriculum subjects is 216 rows: more is not a subjects list. */
export const MAX_SUBJECT_ROWS = 1000;

export const COLUMNS = ['grade', 'code', 'name_km', 'name_en', 'max', 'active'] as const;
export type Column = (typeof COLUMNS)[number];
const HEADER_KEY: Record<Column, string> = {
  grade: 'scores-subjects-xlsx-h-grade',
  code: 'scores-subjects-xlsx-h-code',
  name_km: 'scores-subjects-xlsx-h-km',
  name_en: 'scores-subjects-xlsx-h-en',
  max: 'scores-subjects-xlsx-h-max',
  active: 'scores-subjects-xlsx-h-active',
};

/** Locale strings of either language (the notifier's `t`). */
export type Labels = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export const subjectsFileName = (schoolCode: string) => `subjects-${schoolCode}.xlsx`;

/** The column headers, in the reader's language and in file order. */
export const headerLabels = (locale: Locale, labels: Labels) => COLUMNS.map((c) => labels(locale, HEADER_KEY[c]));

export async function subjectsWorkbook(rows: readonly SubjectRow[], locale: Locale, labels: Labels): Promise<Buffer> {
  const t = (key: string) => labels(locale, key);
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(t('scores-subjects-xlsx-sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow([...headerLabels(locale, labels), t('scores-subjects-xlsx-h-scores'), SUBJECTS_MARK]);
  ws.getRow(1).font = { bold: true };
  const sorted = [...rows].sort((a, b) => a.grade - b.grade || Number(b.active) - Number(a.active) || a.position - b.position);
  for (const r of sorted) ws.addRow([r.grade, r.code, r.nameKm, r.nameEn, r.maxScore, t(r.active ? 'scores-subjects-xlsx-yes' : 'scores-subjects-xlsx-no'), r.scores]);
  const yesNo = `"${t('scores-subjects-xlsx-yes')},${t('scores-subjects-xlsx-no')}"`;
  // a drop-down on "in use" for the rows there and room for new ones
  for (let i = 2; i <= sorted.length + 60; i++) ws.getCell(i, 6).dataValidation = { type: 'list', allowBlank: true, formulae: [yesNo] };
  [8, 16, 26, 26, 12, 10, 14].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.getColumn(7).font = { color: { argb: 'FF808080' } };
  ws.getColumn(8).hidden = true;

  const help = book.addWorksheet(t('scores-subjects-xlsx-help-sheet'));
  for (const line of t('scores-subjects-xlsx-help').split('\n')) help.addRow([line.trim()]);
  help.addRow([]);
  help.addRow([t('scores-subjects-xlsx-help-codes')]).font = { bold: true };
  help.addRow(headerLabels(locale, labels).slice(1, 4)).font = { bold: true };
  for (const code of SUBJECTS) {
    const n = defaultSubjectNames(code);
    help.addRow([code, n.nameKm, n.nameEn]);
  }
  help.getColumn(1).width = 18;
  help.getColumn(2).width = 26;
  help.getColumn(3).width = 26;
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A data row of the sheet as text, with its row number as Excel shows it. */
export interface SubjectFileRow {
  row: number;
  cells: Record<Column, string>;
}

export type SubjectsFileRead =
  | { ok: true; rows: SubjectFileRow[] }
  /** not-subjects: a readable workbook that is something else (a roster, a score sheet): not ours to answer */
  | { ok: false; reason: 'unreadable' | 'not-subjects' | 'empty' | 'too-many' }
  | { ok: false; reason: 'headers'; missing: Column[] };

const norm = (s: string) => cleanText(s).toLowerCase();

export async function readSubjectsWorkbook(bytes: Uint8Array, labels: Labels): Promise<SubjectsFileRead> {
  // the name only tells readTable to read it as a workbook (never as CSV text)
  const read = await readTable({ name: 'subjects.xlsx', bytes });
  if (!read.ok) return { ok: false, reason: read.error.code === 'rows-over-limit' ? 'too-many' : 'unreadable' };
  const [header, ...data] = read.rows;
  if (!header) return { ok: false, reason: 'empty' };
  const names = new Map<string, Column>();
  for (const c of COLUMNS) {
    names.set(c, c);
    for (const locale of ['km', 'en'] as const) names.set(norm(labels(locale, HEADER_KEY[c])), c);
  }
  const index = new Map<Column, number>();
  header.cells.forEach((cell, i) => {
    const c = names.get(norm(cell));
    if (c && !index.has(c)) index.set(c, i);
  });
  const marked = header.cells.some((c) => c === SUBJECTS_MARK);
  // three of our headers, or our marker: a subjects file (with wrong headers, perhaps); less is another file
  if (!marked && index.size < 3) return { ok: false, reason: 'not-subjects' };
  const missing = COLUMNS.filter((c) => !index.has(c));
  if (missing.length) return { ok: false, reason: 'headers', missing };
  if (data.length === 0) return { ok: false, reason: 'empty' };
  if (data.length > MAX_SUBJECT_ROWS) return { ok: false, reason: 'too-many' };
  const rows = data
    .map((r) => ({ row: r.row, cells: Object.fromEntries(COLUMNS.map((c) => [c, r.cells[index.get(c)!] ?? ''])) as Record<Column, string> }))
    // a row whose subject columns are all blank (only the read-only count, say) is no row
    .filter((r) => COLUMNS.some((c) => r.cells[c] !== ''));
  return rows.length ? { ok: true, rows } : { ok: false, reason: 'empty' };
}

const YES = ['yes', 'y', '1', 'true', 'x', '✓', '✔', 'បាទ', 'ចាស', 'ប្រើ', 'មាន'];
const NO = ['no', 'n', '0', 'false', '-', '✗', '✘', 'ទេ', 'មិនប្រើ', 'ឈប់ប្រើ', 'ឈប់', 'គ្មាន'];

/** "In use" as written: our own yes/no in either language, the usual words and 1/0; blank is yes (a new row). */
export function inUse(raw: string, labels: Labels): boolean | null {
  const v = norm(asciiDigits(raw));
  if (v === '') return true;
  const yes = [...YES, ...(['km', 'en'] as const).map((l) => norm(labels(l, 'scores-subjects-xlsx-yes')))];
  const no = [...NO, ...(['km', 'en'] as const).map((l) => norm(labels(l, 'scores-subjects-xlsx-no')))];
  if (yes.includes(v)) return true;
  if (no.includes(v)) return false;
  return null;
}
