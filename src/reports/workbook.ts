/**
 * The report as an Excel workbook for the school office: Summary (class by shift, with a totals
 * row), Students (chronic absentees highlighted), Days, and Not submitted.
 *
 * Numbers are numbers (rates are fractions with a % format), days are real dates (UTC midnight,
 * shown as yyyy-mm-dd), so the office can sort, filter and sum without retyping anything.
 */
import ExcelJS from 'exceljs';
import type { Locale } from '../core/db/schema.js';
import { formatNumber, type Notifier } from '../core/i18n/index.js';
import type { SchoolReport } from './model.js';
import { girlsRate, periodTitle, schoolName } from './render.js';

type T = Notifier['t'];

export const PERCENT_FORMAT = '0.0%';
export const DATE_FORMAT = 'yyyy-mm-dd';
/** light orange: "look at this row" without looking like an error */
export const CHRONIC_FILL = 'FFFCE4D6';

const HEADER_FILL = 'FFE7EEF7';

interface Column {
  header: string;
  width: number;
  numFmt?: string;
}

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || 'Sheet';
}

function isoDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function addSheet(book: ExcelJS.Workbook, name: string, columns: Column[], title: string): ExcelJS.Worksheet {
  const ws = book.addWorksheet(sheetName(name), {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
    headerFooter: { oddHeader: `&C${title.replace(/&/g, '&&')}`, oddFooter: '&C&P / &N' },
  });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.height = 32;
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF9AA7B8' } } };
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

function rate(present: number, late: number, total: number): number | null {
  return total > 0 ? (present + late) / total : null;
}

/** Column letter of a 1-based column number (A … Z, AA …). */
function letter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export async function renderReportWorkbook(report: SchoolReport, locale: Locale, t: T): Promise<Buffer> {
  const title = `${schoolName(report, locale, t)} — ${periodTitle(report, locale, t)}`;
  const shiftName = (shift: string) => t(locale, `core-shift-${shift}`);
  const girls = (key: string) => t(locale, 'reports-col-girls-of', { column: t(locale, key) });

  const book = new ExcelJS.Workbook();
  book.creator = 'SIS';
  book.lastModifiedBy = 'SIS';
  book.created = new Date();
  book.modified = book.created;
  book.title = title;
  book.subject = `${report.school.code} ${report.period}`;
  book.company = report.school.code;

  // --- Summary -----------------------------------------------------------------------------------
  const summary = addSheet(
    book,
    t(locale, 'reports-sheet-summary'),
    [
      { header: t(locale, 'reports-col-class'), width: 12 },
      { header: t(locale, 'reports-col-shift'), width: 12 },
      { header: t(locale, 'reports-col-students'), width: 11 },
      { header: t(locale, 'reports-col-girls'), width: 11 },
      { header: t(locale, 'reports-col-school-days'), width: 11 },
      { header: t(locale, 'reports-col-days-submitted'), width: 12 },
      { header: t(locale, 'reports-present'), width: 11 },
      { header: t(locale, 'reports-absent'), width: 11 },
      { header: t(locale, 'reports-late'), width: 11 },
      { header: t(locale, 'reports-excused'), width: 11 },
      { header: t(locale, 'reports-col-marks'), width: 12 },
      { header: girls('reports-present'), width: 13 },
      { header: girls('reports-absent'), width: 13 },
      { header: girls('reports-late'), width: 13 },
      { header: girls('reports-excused'), width: 13 },
      { header: girls('reports-col-marks'), width: 14 },
      { header: t(locale, 'reports-col-rate'), width: 13, numFmt: PERCENT_FORMAT },
      { header: t(locale, 'reports-col-girls-rate'), width: 15, numFmt: PERCENT_FORMAT },
    ],
    title,
  );
  for (const c of report.classes) {
    const b = c.counts;
    const row = summary.addRow([
      c.className,
      shiftName(c.shift),
      c.students,
      c.studentsF,
      c.schoolDays,
      c.submittedDays,
      b.present,
      b.absent,
      b.late,
      b.excused,
      b.total,
      b.presentF,
      b.absentF,
      b.lateF,
      b.excusedF,
      b.totalF,
      c.rate,
      girlsRate(b),
    ]);
    if (c.submittedDays === 0) row.font = { color: { argb: 'FF8A8A8A' } };
  }
  // Totals: live SUM formulas (with their values cached, for readers that do not recalculate).
  const first = 2;
  const last = summary.rowCount;
  const totalsRow = summary.addRow([t(locale, 'reports-total')]);
  const sums = new Map<number, number>();
  for (const col of [3, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) {
    let result = 0;
    for (let r = first; r <= last; r++) result += Number(summary.getRow(r).getCell(col).value ?? 0);
    sums.set(col, result);
    totalsRow.getCell(col).value = report.classes.length ? { formula: `SUM(${letter(col)}${first}:${letter(col)}${last})`, result } : 0;
  }
  const sum = (col: number) => sums.get(col) ?? 0;
  const r = totalsRow.number;
  const allRate = rate(sum(7), sum(9), sum(11));
  const girlsAll = rate(sum(12), sum(14), sum(16));
  totalsRow.getCell(17).value = allRate === null ? null : { formula: `IF(K${r}>0,(G${r}+I${r})/K${r},"")`, result: allRate };
  totalsRow.getCell(18).value = girlsAll === null ? null : { formula: `IF(P${r}>0,(L${r}+N${r})/P${r},"")`, result: girlsAll };
  totalsRow.getCell(5).value = report.schoolDays.length;
  totalsRow.font = { bold: true };
  totalsRow.eachCell({ includeEmpty: true }, (c) => {
    c.border = { top: { style: 'thin' } };
  });

  // --- Students ----------------------------------------------------------------------------------
  const studentsSheet = addSheet(
    book,
    t(locale, 'reports-sheet-students'),
    [
      { header: t(locale, 'reports-col-code'), width: 18 },
      { header: t(locale, 'reports-col-name-km'), width: 24 },
      { header: t(locale, 'reports-col-name-en'), width: 24 },
      { header: t(locale, 'reports-col-sex'), width: 8 },
      { header: t(locale, 'reports-col-class'), width: 10 },
      { header: t(locale, 'reports-present'), width: 10 },
      { header: t(locale, 'reports-absent'), width: 10 },
      { header: t(locale, 'reports-late'), width: 10 },
      { header: t(locale, 'reports-excused'), width: 10 },
      { header: t(locale, 'reports-col-days-marked'), width: 12 },
      { header: t(locale, 'reports-col-rate'), width: 13, numFmt: PERCENT_FORMAT },
      { header: t(locale, 'reports-col-longest-absence'), width: 16 },
      { header: t(locale, 'reports-col-chronic'), width: 14 },
    ],
    title,
  );
  const width = 13;
  for (const s of report.students) {
    const row = studentsSheet.addRow([
      s.code,
      s.nameKm,
      s.nameEn ?? '',
      t(locale, s.sex === 'F' ? 'reports-sex-f' : 'reports-sex-m'),
      s.className,
      s.present,
      s.absent,
      s.late,
      s.excused,
      s.days,
      s.rate,
      s.maxConsecutiveAbsent,
      t(locale, s.chronic ? 'reports-yes' : 'reports-no'),
    ]);
    if (s.chronic) {
      for (let col = 1; col <= width; col++) {
        row.getCell(col).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: CHRONIC_FILL } };
      }
      row.getCell(13).font = { bold: true };
    }
  }

  // --- Register: the paper register, one row per student, one column per school day -------------
  if (report.kind === 'monthly' && report.schoolDays.length > 0 && report.students.some((s) => s.register)) {
    const letterOf = { present: t(locale, 'reports-register-p'), absent: t(locale, 'reports-register-a'), late: t(locale, 'reports-register-l'), excused: t(locale, 'reports-register-e') } as const;
    const register = addSheet(
      book,
      t(locale, 'reports-sheet-register'),
      [
        { header: t(locale, 'reports-col-class'), width: 8 },
        { header: t(locale, 'reports-col-roll'), width: 6 },
        { header: t(locale, 'reports-col-code'), width: 18 },
        { header: t(locale, 'reports-col-name-km'), width: 22 },
        // the day of the month, in the reader's digits, as on the paper register
        ...report.schoolDays.map((d) => ({ header: formatNumber(locale, Number(d.slice(8, 10))), width: 4.5 })),
        { header: t(locale, 'reports-absent'), width: 9 },
      ],
      `${title} · ${t(locale, 'reports-register-legend', letterOf)}`,
    );
    const firstDay = 5;
    for (const s of report.students) {
      const marks = s.register ?? report.schoolDays.map(() => null);
      const row = register.addRow([s.className, s.roll ?? '', s.code, s.nameKm, ...marks.map((m) => (m ? letterOf[m] : '')), s.absent]);
      marks.forEach((m, i) => {
        const cell = row.getCell(firstDay + i);
        cell.alignment = { horizontal: 'center' };
        if (m === 'absent') cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: CHRONIC_FILL } };
      });
    }
    register.views = [{ state: 'frozen', ySplit: 1, xSplit: firstDay - 1 }];
    // The legend under the grid: what each letter means.
    register.addRow([]);
    register.addRow([t(locale, 'reports-register-legend', letterOf)]);
  }

  // --- Days --------------------------------------------------------------------------------------
  const days = addSheet(
    book,
    t(locale, 'reports-sheet-days'),
    [
      { header: t(locale, 'reports-col-date'), width: 13, numFmt: DATE_FORMAT },
      { header: t(locale, 'reports-col-class'), width: 10 },
      { header: t(locale, 'reports-col-shift'), width: 12 },
      { header: t(locale, 'reports-present'), width: 10 },
      { header: t(locale, 'reports-absent'), width: 10 },
      { header: t(locale, 'reports-late'), width: 10 },
      { header: t(locale, 'reports-excused'), width: 10 },
      { header: t(locale, 'reports-col-marks'), width: 12 },
      { header: t(locale, 'reports-col-rate'), width: 13, numFmt: PERCENT_FORMAT },
    ],
    title,
  );
  for (const d of report.daily) {
    const total = d.present + d.absent + d.late + d.excused;
    days.addRow([isoDate(d.day), d.className, shiftName(d.shift), d.present, d.absent, d.late, d.excused, total, rate(d.present, d.late, total)]);
  }

  // --- Not submitted -----------------------------------------------------------------------------
  const missing = addSheet(
    book,
    t(locale, 'reports-sheet-missing'),
    [
      { header: t(locale, 'reports-col-date'), width: 13, numFmt: DATE_FORMAT },
      { header: t(locale, 'reports-col-class'), width: 10 },
      { header: t(locale, 'reports-col-shift'), width: 12 },
      { header: t(locale, 'reports-col-teacher'), width: 26 },
    ],
    title,
  );
  for (const m of report.notSubmitted) {
    missing.addRow([isoDate(m.day), m.className, shiftName(m.shift), m.teacher ?? t(locale, 'reports-teacher-none')]);
  }

  return Buffer.from(await book.xlsx.writeBuffer());
}
