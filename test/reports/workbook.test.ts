/**
 * The report workbook, read back with exceljs as the office's spreadsheet program would.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../scripts/render-sample-report.js';
import { createI18n, type Notifier } from '../../src/core/i18n/index.js';
import { CHRONIC_FILL, DATE_FORMAT, PERCENT_FORMAT, renderReportWorkbook, sheetName } from '../../src/reports/workbook.js';

const i18n = createI18n('km', () => undefined);
const t: Notifier['t'] = (locale, key, vars) => i18n.t(locale, key, vars);

async function read(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ArrayBuffer);
  return book;
}

/** A cell's number, whether it holds a plain value or a formula with its cached result. */
function num(cell: ExcelJS.Cell): number {
  const v = cell.value;
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'result' in v) return Number(v.result);
  throw new Error(`${cell.address} is not a number: ${JSON.stringify(v)}`);
}

describe('renderReportWorkbook', () => {
  const report = sampleReport({ kind: 'monthly' });

  it('has the four sheets, named in the reader’s language, and SIS as creator', async () => {
    const en = await read(await renderReportWorkbook(report, 'en', t));
    expect(en.worksheets.map((w) => w.name)).toEqual(['Summary', 'Students', 'Days', 'Not submitted']);
    expect(en.creator).toBe('SIS');
    const km = await read(await renderReportWorkbook(report, 'km', t));
    expect(km.worksheets.map((w) => w.name)).toEqual(['សង្ខេប', 'សិស្ស', 'តាមថ្ងៃ', 'មិនទាន់បញ្ជូន']);
    expect(km.getWorksheet('សង្ខេប')!.getCell('A1').value).toBe('ថ្នាក់');
  });

  it('freezes a bold header row and sets column widths on every sheet', async () => {
    const book = await read(await renderReportWorkbook(report, 'en', t));
    for (const ws of book.worksheets) {
      expect(ws.views[0], ws.name).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.getRow(1).getCell(1).font?.bold, ws.name).toBe(true);
      for (let c = 1; c <= ws.columnCount; c++) expect(ws.getColumn(c).width, `${ws.name} ${c}`).toBeGreaterThanOrEqual(8);
    }
  });

  it('sums the class rows in the totals row, and the sums match the report totals', async () => {
    const ws = (await read(await renderReportWorkbook(report, 'en', t))).getWorksheet('Summary')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const classRows = report.classes.map((_, i) => ws.getRow(2 + i));
    const totals = ws.getRow(2 + report.classes.length);
    expect(totals.getCell(1).value).toBe('Total');
    expect(ws.rowCount).toBe(2 + report.classes.length);

    const expected: Record<string, number> = {
      Students: report.classes.reduce((s, c) => s + c.students, 0),
      Girls: report.classes.reduce((s, c) => s + c.studentsF, 0),
      Present: report.totals.present,
      Absent: report.totals.absent,
      Late: report.totals.late,
      Excused: report.totals.excused,
      'Total marks': report.totals.total,
      'Present, girls': report.totals.presentF,
      'Absent, girls': report.totals.absentF,
      'Late, girls': report.totals.lateF,
      'Excused, girls': report.totals.excusedF,
      'Total marks, girls': report.totals.totalF,
    };
    for (const [name, value] of Object.entries(expected)) {
      const c = col(name);
      expect(c, name).toBeGreaterThan(0);
      const sumOfRows = classRows.reduce((s, r) => s + num(r.getCell(c)), 0);
      expect(num(totals.getCell(c)), name).toBe(sumOfRows);
      expect(sumOfRows, name).toBe(value);
      // a live formula, so a corrected cell updates the total
      expect((totals.getCell(c).value as { formula?: string }).formula, name).toMatch(/^SUM\(/);
    }
    expect(num(totals.getCell(col('Attendance rate')))).toBeCloseTo(report.rate!, 10);
  });

  it('stores rates as numbers with a percent format, and leaves them empty for a class that did not submit', async () => {
    const book = await read(await renderReportWorkbook(report, 'en', t));
    const summary = book.getWorksheet('Summary')!;
    const rateCol = 17;
    expect(summary.getRow(1).getCell(rateCol).value).toBe('Attendance rate');
    report.classes.forEach((c, i) => {
      const cell = summary.getRow(2 + i).getCell(rateCol);
      if (c.rate === null) {
        expect(cell.value).toBeNull();
      } else {
        expect(typeof cell.value).toBe('number');
        expect(cell.value).toBeCloseTo(c.rate, 10);
        expect(cell.numFmt).toBe(PERCENT_FORMAT);
      }
    });
    expect(report.classes.some((c) => c.rate === null)).toBe(true);

    const students = book.getWorksheet('Students')!;
    const rate = students.getRow(2).getCell(11);
    expect(typeof rate.value).toBe('number');
    expect(rate.numFmt).toBe(PERCENT_FORMAT);
  });

  it('highlights the chronic absentees', async () => {
    const ws = (await read(await renderReportWorkbook(report, 'en', t))).getWorksheet('Students')!;
    expect(ws.rowCount).toBe(1 + report.students.length);
    const chronic = report.students.filter((s) => s.chronic);
    expect(chronic.map((s) => s.className).sort()).toEqual(['1A', '7A']);
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const student = report.students[r - 2]!;
      expect(row.getCell(1).value).toBe(student.code);
      const fill = row.getCell(2).fill as ExcelJS.FillPattern | undefined;
      if (student.chronic) {
        expect(fill?.fgColor?.argb, student.code).toBe(CHRONIC_FILL);
        expect(row.getCell(13).value).toBe('yes');
        expect(row.getCell(12).value).toBe(student.maxConsecutiveAbsent);
      } else {
        expect(fill?.fgColor?.argb, student.code).not.toBe(CHRONIC_FILL);
        expect(row.getCell(13).value).toBe('no');
      }
    }
    // the four-day run of 7A's student
    expect(chronic.map((s) => s.maxConsecutiveAbsent).sort()).toEqual([1, 4]);
  });

  it('writes days as real dates, and lists what was not submitted with the teacher', async () => {
    const book = await read(await renderReportWorkbook(report, 'km', t));
    const days = book.worksheets[2]!;
    expect(days.rowCount).toBe(1 + report.daily.length);
    const first = days.getRow(2).getCell(1);
    expect(first.value).toBeInstanceOf(Date);
    expect((first.value as Date).toISOString().slice(0, 10)).toBe(report.daily[0]!.day);
    expect(first.numFmt).toBe(DATE_FORMAT);

    const missing = book.worksheets[3]!;
    expect(missing.rowCount).toBe(1 + report.notSubmitted.length);
    const rows = report.notSubmitted.map((m, i) => ({ m, row: missing.getRow(2 + i) }));
    for (const { m, row } of rows) {
      expect((row.getCell(1).value as Date).toISOString().slice(0, 10)).toBe(m.day);
      expect(row.getCell(2).value).toBe(m.className);
      expect(row.getCell(3).value).toBe(m.shift === 'morning' ? 'ព្រឹក' : 'រសៀល');
      expect(row.getCell(4).value).toBe(m.teacher ?? '(គ្មានគ្រូ)');
    }
    expect(rows.some(({ m }) => m.teacher === null)).toBe(true);
  });

  it('makes sheet names Excel accepts', () => {
    expect(sheetName('a/b:c?')).toBe('a b c');
    expect(sheetName('x'.repeat(40))).toHaveLength(31);
  });
});
