/**
 * Reading a roster file: CSV (UTF-8 or UTF-16, comma, semicolon or tab) or XLSX bytes into rows of
 * cleaned strings, and the header row into named columns. What the cells mean is values.ts's.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { cleanText, MAX_DATA_ROWS, type RosterError, type RosterFile } from './values.js';
import { xlsxRowsAtMost } from './xlsx-rows.js';

// ---------------------------------------------------------------------------------------------
// Reading the file into rows of cleaned strings

export interface RawRow {
  /** Row number as shown in Excel. */
  row: number;
  cells: string[];
  /** Which cells were numbers in the XLSX (for Excel date serials). */
  numeric?: boolean[];
}

export type ReadResult = { ok: true; rows: RawRow[] } | { ok: false; error: RosterError };

const UNREADABLE: ReadResult = { ok: false, error: { row: 0, code: 'unreadable-file' } };

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** `headerOnly`: stop after the first non-blank row (telling a student list from a staff list). */
export async function readTable(file: RosterFile, opts: { headerOnly?: boolean } = {}): Promise<ReadResult> {
  const { bytes } = file;
  if (isZip(bytes) || /\.xlsx$/i.test(file.name)) return readXlsx(bytes, opts.headerOnly ?? false);
  const read = readCsv(bytes);
  return read.ok && opts.headerOnly ? { ok: true, rows: read.rows.slice(0, 1) } : read;
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

/** Non-blank rows after the header a file may have (the header and blank rows are not counted). */
const OVER_LIMIT: ReadResult = { ok: false, error: { row: 0, code: 'rows-over-limit', value: String(MAX_DATA_ROWS) } };

/**
 * XLSX through exceljs's streaming reader: rows are read one at a time and reading stops past the
 * row limit, after a pre-count of the sheets' `<row>` tags (xlsx-rows.ts) has refused a file far
 * over it without parsing. Memory stays bounded by the limit, whatever the file holds.
 */
async function readXlsx(bytes: Uint8Array, headerOnly: boolean): Promise<ReadResult> {
  // Blank and formatted-only rows are also <row> tags: leave room for them before refusing unread.
  const tags = await xlsxRowsAtMost(bytes, 2 * MAX_DATA_ROWS + 1);
  if (tags !== null && tags > 2 * MAX_DATA_ROWS + 1) return OVER_LIMIT;
  const rows: RawRow[] = [];
  try {
    const { default: ExcelJS } = await import('exceljs');
    const input = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    // The reader is always run to its end, sheets after the chosen one read through unkept:
    // breaking out of it would leave the temporary file it parks a sheet in (shared strings after
    // sheets).
    let chosen: RawRow[] | null | undefined;
    let firstHidden: RawRow[] | null | undefined;
    let seen = false;
    for await (const sheet of reader) {
      seen = true;
      if (chosen !== undefined) {
        // read through, unkept: a sheet parked in a temporary file is deleted as soon as the
        // reader moves on, and a stream of it not yet opened then fails uncaught (ENOENT)
        for await (const _row of sheet as AsyncIterable<unknown>) void _row;
        continue;
      }
      const state = (sheet as unknown as { state?: string }).state;
      // the first visible sheet (or, if none is, the first sheet)
      if (state !== undefined && state !== 'visible') {
        if (firstHidden === undefined) firstHidden = await readSheetRows(sheet, headerOnly);
        continue;
      }
      chosen = await readSheetRows(sheet, headerOnly);
    }
    if (!seen) return UNREADABLE;
    const picked = chosen !== undefined ? chosen : (firstHidden ?? []);
    if (picked === null) return OVER_LIMIT;
    rows.push(...picked);
  } catch {
    // exceljs's streaming reader now and then fails on a good file when the machine is busy
    // ("reading 'sheets'" of a workbook model not parsed yet); the pre-count bounds the file, so
    // it is read whole instead (the reader this one replaced), and a bad file stays unreadable
    return tags === null ? UNREADABLE : readXlsxWhole(bytes, headerOnly);
  }
  return { ok: true, rows };
}

/** The whole workbook in memory (only after the row pre-count: bounded): the first visible sheet's rows. */
async function readXlsxWhole(bytes: Uint8Array, headerOnly: boolean): Promise<ReadResult> {
  const rows: RawRow[] = [];
  try {
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.state === 'visible') ?? wb.worksheets[0];
    if (!ws) return UNREADABLE;
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (headerOnly && rows.length > 0) return;
      const raw = rawRowOf(rowNumber, row.values);
      if (raw) rows.push(raw);
    });
  } catch {
    return UNREADABLE;
  }
  return rows.length > MAX_DATA_ROWS + 1 ? OVER_LIMIT : { ok: true, rows };
}

/** An exceljs row as cell texts (null: not a row of cells, or blank). */
function rawRowOf(number: number, values: unknown): RawRow | null {
  if (!Array.isArray(values)) return null;
  const cells: string[] = [];
  const numeric: boolean[] = [];
  // row.values is 1-based (index 0 is empty) and sparse.
  for (let c = 1; c < values.length; c++) {
    const { text, numeric: isNum } = excelValueToString(values[c]);
    cells.push(cleanText(text));
    numeric.push(isNum);
  }
  return cells.every((x) => x === '') ? null : { row: number, cells, numeric };
}

/** A sheet's non-blank rows; null past the limit (header + MAX_DATA_ROWS). */
async function readSheetRows(sheet: AsyncIterable<unknown>, headerOnly: boolean): Promise<RawRow[] | null> {
  const rows: RawRow[] = [];
  for await (const item of sheet) {
    const row = item as { number: number; values: unknown };
    const raw = rawRowOf(row.number, row.values);
    if (!raw) continue;
    rows.push(raw);
    if (headerOnly) break;
    if (rows.length > MAX_DATA_ROWS + 1) return null;
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Header and row access

function headerKey(s: string): string {
  return cleanText(s).toLowerCase().replace(/ /g, '_');
}

export interface Table<C extends string> {
  data: RawRow[];
  get(r: RawRow, col: C): string;
  isNumeric(r: RawRow, col: C): boolean;
  has(col: C): boolean;
}

export function prepareTable<C extends string>(
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
