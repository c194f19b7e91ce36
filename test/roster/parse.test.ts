import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FluentBundle, FluentResource } from '@fluent/bundle';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  ROSTER_ERROR_CODES,
  parseStaffRoster,
  parseStudentRoster,
  rosterErrorText,
  type RosterError,
  type RosterParseResult,
  type StudentRow,
} from '../../src/roster/parse.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(here, '../../scripts/demo-school');
const ROOT = resolve(here, '../..');

const TODAY = '2025-06-01';
const enc = new TextEncoder();
const csv = (text: string, name = 'roster.csv') => ({ name, bytes: enc.encode(text) });

const H = 'class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation';
const H2 = `${H},guardian2_name,guardian2_phone,guardian2_relation`;
const STAFF_H = 'staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects';

function rowsOf<T>(r: RosterParseResult<T>): T[] {
  if (!r.ok) throw new Error(`expected ok, got errors: ${JSON.stringify(r.errors.slice(0, 5))}`);
  return r.rows;
}
function errorsOf<T>(r: RosterParseResult<T>): RosterError[] {
  if (r.ok) throw new Error('expected errors, got ok');
  return r.errors;
}
const students = (text: string, name?: string) => parseStudentRoster(csv(text, name), { today: TODAY });
const staff = (text: string) => parseStaffRoster(csv(text));

describe('sample fixtures', () => {
  it('parses students.csv with zero errors', async () => {
    const bytes = readFileSync(resolve(FIXTURES, 'students.csv'));
    const rows = rowsOf(await parseStudentRoster({ name: 'students.csv', bytes }));
    expect(rows).toHaveLength(160);
    expect(rows[0]!.rowNumber).toBe(2);
    expect(rows[159]!.rowNumber).toBe(161);
    expect(rows[1]).toEqual({
      rowNumber: 3,
      className: '1A',
      grade: 1,
      section: 'A',
      shift: 'afternoon',
      studentCode: 'DEMO-001-S00002',
      nameKm: 'គឹម ដារ៉ា',
      nameEn: 'Kim Dara',
      sex: 'M',
      dateOfBirth: '2019-10-21',
      guardians: [
        { name: 'គឹម ស្រីនាង', phone: '+85598924013', relation: 'mother' },
        { name: 'ឃុន បូរ៉ា', phone: '+85569892318', relation: 'father' },
      ],
    });
    // Siblings share a guardian: 098 924 013 belongs to several students.
    const sharing = rows.filter((r) => r.guardians.some((g) => g.phone === '+85598924013'));
    expect(sharing.map((r) => r.studentCode)).toEqual(['DEMO-001-S00002', 'DEMO-001-S00003', expect.any(String)]);
    expect(new Set(rows.map((r) => r.className))).toEqual(new Set(['1A', '4B', '7A', '7B', '12A']));
    expect(rows.every((r) => r.guardians.length >= 1 && r.guardians.every((g) => /^\+855\d{8,9}$/.test(g.phone)))).toBe(
      true,
    );
  });

  it('parses staff.csv with zero errors', async () => {
    const bytes = readFileSync(resolve(FIXTURES, 'staff.csv'));
    const rows = rowsOf(await parseStaffRoster({ name: 'staff.csv', bytes }));
    expect(rows).toHaveLength(8);
    expect(rows.at(-1)).toMatchObject({ staffCode: 'DEMO-001-T008', roles: ['gatekeeper'], homeroomClass: null });
    expect(rows[0]).toEqual({
      rowNumber: 2,
      staffCode: 'DEMO-001-T001',
      nameKm: 'សុខ សុភា',
      nameEn: 'Sok Sophea',
      sex: 'F',
      phone: '+85593388921',
      roles: ['principal'],
      homeroomClass: null,
      subjects: [],
    });
    expect(rows[6]).toMatchObject({ staffCode: 'DEMO-001-T007', roles: ['teacher'], homeroomClass: '12A', subjects: ['Mathematics'] });
  });
});

describe('whole-file errors', () => {
  it('wrong header → every required column reported missing', async () => {
    const errors = errorsOf(await students('ឈ្មោះ,លេខទូរស័ព្ទ,ថ្នាក់\nសុខ,012345678,7A\n'));
    expect(errors).toEqual(
      ['class', 'shift', 'student_code', 'name_km', 'sex', 'guardian_phone'].map((column) => ({
        row: 0,
        code: 'missing-column',
        column,
      })),
    );
  });

  it('lists every missing column, ignores unknown extra columns', async () => {
    const errors = errorsOf(await students('class,student_code,name_km,sex,notes\n7A,S1,សុខ,M,hello\n'));
    expect(errors).toEqual([
      { row: 0, code: 'missing-column', column: 'shift' },
      { row: 0, code: 'missing-column', column: 'guardian_phone' },
    ]);
    const rows = rowsOf(await students('Class, SHIFT ,Student Code,Name KM,Sex,Guardian  Phone,Notes\n7A,morning,S1,សុខ,M,012345678,x\n'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ className: '7A', guardians: [{ name: null, phone: '+85512345678', relation: 'guardian' }] });
  });

  it('empty file, blank lines only, header only → empty-file', async () => {
    for (const text of ['', '\n\n  \n', `${H}\n`, `${H}\n,,,,\n\n`]) {
      expect(errorsOf(await students(text))).toEqual([{ row: 0, code: 'empty-file' }]);
    }
  });

  it('garbage binary, corrupt zip, fake .xlsx, old .xls → unreadable-file', async () => {
    let seed = 42;
    const garbage = new Uint8Array(4096).map(() => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed >> 16;
    });
    const corruptZip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...garbage.subarray(0, 500)]);
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...garbage.subarray(0, 500)]);
    const files = [
      { name: 'students.csv', bytes: garbage },
      { name: 'students.xlsx', bytes: corruptZip },
      { name: 'photo.jpg', bytes: corruptZip },
      { name: 'students.xlsx', bytes: enc.encode(`${H}\n7A,morning,S1,សុខ,,M,,,012345678,\n`) },
      { name: 'students.xls', bytes: xls },
      { name: 'text-with-nul.csv', bytes: enc.encode(`${H}\n7A\u0000,morning`) },
    ];
    for (const file of files) {
      expect(await parseStudentRoster(file)).toEqual({ ok: false, errors: [{ row: 0, code: 'unreadable-file' }] });
      expect(await parseStaffRoster(file)).toEqual({ ok: false, errors: [{ row: 0, code: 'unreadable-file' }] });
    }
  });

  it('more than 50,000 data rows → too-many-rows', async () => {
    const lines = [H];
    for (let i = 0; i < 50_001; i++) lines.push(`7A,morning,S${i},សុខ,,M,,,012345678,`);
    expect(errorsOf(await students(lines.join('\n')))).toEqual([{ row: 0, code: 'too-many-rows', value: '50001' }]);
  });

  it('caps the error list at 200 plus too-many-errors', async () => {
    const lines = [H];
    for (let i = 0; i < 300; i++) lines.push(`7A,morning,S${i},សុខ,,X,,,012345678,`);
    const errors = errorsOf(await students(lines.join('\n')));
    expect(errors).toHaveLength(201);
    expect(errors[0]).toEqual({ row: 2, code: 'bad-sex', column: 'sex', value: 'X' });
    expect(errors[199]).toEqual({ row: 201, code: 'bad-sex', column: 'sex', value: 'X' });
    expect(errors[200]).toEqual({ row: 0, code: 'too-many-errors', value: '300' });
  });
});

describe('CSV reading', () => {
  it('accepts a UTF-8 BOM', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(`${H}\n7A,morning,S1,សុខ,,M,,,012345678,\n`)]);
    const rows = rowsOf(await parseStudentRoster({ name: 'students.csv', bytes }));
    expect(rows.map((r) => r.studentCode)).toEqual(['S1']);
  });

  it('reads semicolon CSV with quoted fields and CRLF', async () => {
    const text = [
      H.replaceAll(',', ';'),
      '7A;morning;S1;"សុខ; សុភា";"Sok, Sophea";F;2015-03-27;"Mr ""Dara""";012 345 678;Father',
      '"7A";"morning";"S2";"ចាន់";;M;;;"012-345-679";',
    ].join('\r\n');
    const rows = rowsOf(await students(text));
    expect(rows).toEqual([
      expect.objectContaining({
        rowNumber: 2,
        nameKm: 'សុខ; សុភា',
        nameEn: 'Sok, Sophea',
        sex: 'F',
        dateOfBirth: '2015-03-27',
        guardians: [{ name: 'Mr "Dara"', phone: '+85512345678', relation: 'father' }],
      }),
      expect.objectContaining({ rowNumber: 3, studentCode: 'S2', nameEn: null, guardians: [{ name: null, phone: '+85512345679', relation: 'guardian' }] }),
    ]);
  });

  it('cleans Khmer text: zero-width spaces, NFC, whitespace; keeps ZWNJ/ZWJ', async () => {
    const text = `${H}\n  7A , morning ,S1,\u200Bសុខ\u200B\u200Bសុភា\u2060 \u00AD, Ste\u0301phane   Sok ,F,,\uFEFFលី  \t ស្រី,012345678,\n7A,morning,S2,ក\u200Cខ\u200Dគ,,M,,,012345678,\n`;
    const rows = rowsOf(await students(text));
    expect(rows[0]).toMatchObject({ className: '7A', shift: 'morning', nameKm: 'សុខសុភា', nameEn: 'Stéphane Sok' });
    expect(rows[0]!.nameEn).toBe('St\u00E9phane Sok');
    expect(rows[0]!.guardians[0]!.name).toBe('លី ស្រី');
    expect(rows[1]!.nameKm).toBe('ក\u200Cខ\u200Dគ');
  });

  // How fast is a benchmark's question (import speed is measured by hand, see the closing notes), not a unit test's.
  it('a 20,000-row file parses whole and in order', async () => {
    const lines = [H2];
    for (let i = 0; i < 20_000; i++) {
      const grade = (i % 12) + 1;
      lines.push(
        `${grade}${'ABC'[i % 3]},${grade <= 6 ? 'morning' : 'afternoon'},S${String(i).padStart(6, '0')},សិស្ស ${i},Student ${i},${i % 2 ? 'F' : 'M'},2012-0${(i % 9) + 1}-1${i % 10},ឪពុក,0${12_000_000 + (i % 5000)},father,ម្តាយ,097 ${String(1_000_000 + i).slice(1)},mother`,
      );
    }
    const rows = rowsOf(await students(lines.join('\n')));
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]).toMatchObject({ rowNumber: 20_001, studentCode: 'S019999', className: '8B' });
    expect(rows[19_999]!.guardians).toEqual([
      { name: 'ឪពុក', phone: '+85512004999', relation: 'father' },
      { name: 'ម្តាយ', phone: '+85597019999', relation: 'mother' },
    ]);
  });
});

describe('student rows', () => {
  it('normalises class, shift and sex spellings', async () => {
    const text = [
      H,
      '1 a,m,S1,ក,,male,,,012345678,',
      '12b,ព្រឹក,S2,ខ,,ស្រី,,,012345678,',
      '07-A,វេនរសៀល,S3,គ,,ប្រុស,,,012345678,',
      'ថ្នាក់ទី៩ABC,Afternoon,S4,ឃ,,Female,,,012345678,',
    ].join('\n');
    const rows = rowsOf(await students(text));
    expect(rows.map((r) => [r.className, r.grade, r.section, r.shift, r.sex])).toEqual([
      ['1A', 1, 'A', 'morning', 'M'],
      ['12B', 12, 'B', 'morning', 'F'],
      ['7A', 7, 'A', 'afternoon', 'M'],
      ['9ABC', 9, 'ABC', 'afternoon', 'F'],
    ]);
  });

  it('reports bad classes, shifts, codes and sexes', async () => {
    const text = [
      H,
      '13A,morning,S1,ក,,M,,,012345678,', // 2
      '7,morning,S2,ក,,M,,,012345678,', // 3
      'A7,morning,S3,ក,,M,,,012345678,', // 4
      '0A,morning,S4,ក,,M,,,012345678,', // 5
      '7ABCD,morning,S5,ក,,M,,,012345678,', // 6
      '7A,evening,S6,ក,,M,,,012345678,', // 7
      '7A,morning,S 7,ក,,M,,,012345678,', // 8
      `7A,morning,${'X'.repeat(41)},ក,,M,,,012345678,`, // 9
      '7A,morning,S9,ក,,boy?,,,012345678,', // 10
    ].join('\n');
    expect(errorsOf(await students(text))).toEqual([
      { row: 2, code: 'bad-class', column: 'class', value: '13A' },
      { row: 3, code: 'bad-class', column: 'class', value: '7' },
      { row: 4, code: 'bad-class', column: 'class', value: 'A7' },
      { row: 5, code: 'bad-class', column: 'class', value: '0A' },
      { row: 6, code: 'bad-class', column: 'class', value: '7ABCD' },
      { row: 7, code: 'bad-shift', column: 'shift', value: 'evening' },
      { row: 8, code: 'bad-code', column: 'student_code', value: 'S 7' },
      { row: 9, code: 'bad-code', column: 'student_code', value: 'X'.repeat(41) },
      { row: 10, code: 'bad-sex', column: 'sex', value: 'boy?' },
    ]);
  });

  it('duplicate codes name the first row', async () => {
    const text = [
      H,
      '7A,morning,S001,ក,,M,,,012345678,', // 2
      '7A,morning,S002,ក,,M,,,012345678,', // 3
      '7A,morning,S003,ក,,M,,,012345678,', // 4
      '7A,morning,S001,ក,,M,,,012345678,', // 5
      '7A,morning,S001,ក,,M,,,012345678,', // 6
    ].join('\n');
    expect(errorsOf(await students(text))).toEqual([
      { row: 5, code: 'duplicate-code', column: 'student_code', value: 'S001 (row 2)' },
      { row: 6, code: 'duplicate-code', column: 'student_code', value: 'S001 (row 2)' },
    ]);
  });

  it('validates dates of birth', async () => {
    const ok = [
      H,
      '7A,morning,S1,ក,,M,2019-01-28,,012345678,',
      '7A,morning,S2,ក,,M,28/01/2019,,012345678,',
      '7A,morning,S3,ក,,M,2020-02-29,,012345678,',
      '7A,morning,S4,ក,,M,1/2/2010,,012345678,',
      '7A,morning,S5,ក,,M,១៥/០៣/២០១៥,,012345678,',
      '7A,morning,S6,ក,,M,1990-01-01,,012345678,',
      `7A,morning,S7,ក,,M,${TODAY},,012345678,`,
      '7A,morning,S8,ក,,M,,,012345678,',
    ].join('\n');
    expect(rowsOf(await students(ok)).map((r) => r.dateOfBirth)).toEqual([
      '2019-01-28',
      '2019-01-28',
      '2020-02-29',
      '2010-02-01',
      '2015-03-15',
      '1990-01-01',
      TODAY,
      null,
    ]);

    const bad = [
      H,
      '7A,morning,S1,ក,,M,2019-02-30,,012345678,', // 2
      '7A,morning,S2,ក,,M,13/13/2019,,012345678,', // 3
      '7A,morning,S3,ក,,M,2025-06-02,,012345678,', // 4 (tomorrow)
      '7A,morning,S4,ក,,M,1989-12-31,,012345678,', // 5
      '7A,morning,S5,ក,,M,2019-13-01,,012345678,', // 6
      '7A,morning,S6,ក,,M,29/02/2019,,012345678,', // 7
      '7A,morning,S7,ក,,M,yesterday,,012345678,', // 8
      '7A,morning,S8,ក,,M,03/27/2015,,012345678,', // 9 (US order)
    ].join('\n');
    expect(errorsOf(await students(bad))).toEqual(
      ['2019-02-30', '13/13/2019', '2025-06-02', '1989-12-31', '2019-13-01', '29/02/2019', 'yesterday', '03/27/2015'].map(
        (value, i) => ({ row: i + 2, code: 'bad-date', column: 'date_of_birth', value }),
      ),
    );
  });

  it('rejects a future date against the real clock', async () => {
    const result = await parseStudentRoster(csv(`${H}\n7A,morning,S1,ក,,M,2999-01-01,,012345678,\n`));
    expect(errorsOf(result)).toEqual([{ row: 2, code: 'bad-date', column: 'date_of_birth', value: '2999-01-01' }]);
  });

  it('validates guardian phones and guardian 2', async () => {
    const text = [
      H2,
      '7A,morning,S1,ក,,M,,,+66 81 234 5678,,,,', // 2
      '7A,morning,S2,ក,,M,,,12-34,,,,', // 3
      '7A,morning,S3,ក,,M,,,,,,,', // 4
      '7A,morning,S4,ក,,M,,,012345678,,Dara,,father', // 5: guardian 2 started but no phone
      '7A,morning,S5,ក,,M,,,012345678,,,+1 202 555 0123,', // 6
      '7A,morning,S6,ក,,M,,,012345678,,,0123,', // 7
    ].join('\n');
    expect(errorsOf(await students(text))).toEqual([
      { row: 2, code: 'not-cambodian-phone', column: 'guardian_phone', value: '+66 81 234 5678' },
      { row: 3, code: 'bad-phone', column: 'guardian_phone', value: '12-34' },
      { row: 4, code: 'required', column: 'guardian_phone' },
      { row: 5, code: 'required', column: 'guardian2_phone' },
      { row: 6, code: 'not-cambodian-phone', column: 'guardian2_phone', value: '+1 202 555 0123' },
      { row: 7, code: 'bad-phone', column: 'guardian2_phone', value: '0123' },
    ]);
  });

  it('builds guardians: relation lowercased, default guardian, same phone dropped', async () => {
    const text = [
      H2,
      '7A,morning,S1,ក,,M,,លី,012 345 678,MOTHER,សុខ,(+855) 12-345-678,Father',
      '7A,morning,S2,ក,,M,,,012 345 678,,សុខ,097 123 4567,',
    ].join('\n');
    const rows = rowsOf(await students(text));
    expect(rows[0]!.guardians).toEqual([{ name: 'លី', phone: '+85512345678', relation: 'mother' }]);
    expect(rows[1]!.guardians).toEqual([
      { name: null, phone: '+85512345678', relation: 'guardian' },
      { name: 'សុខ', phone: '+855971234567', relation: 'guardian' },
    ]);
  });

  it('a class with two shifts → class-shift-conflict on the later rows', async () => {
    const text = [
      H,
      '7A,morning,S1,ក,,M,,,012345678,', // 2
      '7B,afternoon,S2,ក,,M,,,012345678,', // 3
      '7 a,afternoon,S3,ក,,M,,,012345678,', // 4
      '7A,m,S4,ក,,M,,,012345678,', // 5 fine
      '7B,morning,S5,ក,,M,,,012345678,', // 6
    ].join('\n');
    expect(errorsOf(await students(text))).toEqual([
      { row: 4, code: 'class-shift-conflict', column: 'shift', value: '7A (row 2)' },
      { row: 6, code: 'class-shift-conflict', column: 'shift', value: '7B (row 3)' },
    ]);
  });

  it('reports every bad row with its spreadsheet row number in one run (blank lines counted)', async () => {
    const text = [
      H2, // 1
      '7A,morning,S1,សុខ,,M,2015-01-01,,012345678,,,,', // 2 ok
      '', // 3 blank
      ',,,,,,,,,,,,', // 4 blank (only separators)
      ',morning,S1,,,Z,2019-02-30,,+66812345678,,x,,', // 5: many errors
      '7A,morning,S5,"multi', // 6 (record continues on the next physical line, still one row)
      'line name",,F,,,012345678,,,,', //
      '7A,afternoon,S6,ក,,F,,,098 924 013,,,,', // 7
      '   ', // 8 blank
      '99Z,noon,bad code!,ក,,M,13/13/2019,,abc,,,,', // 9
    ].join('\n');
    expect(errorsOf(await students(text))).toEqual([
      { row: 5, code: 'required', column: 'class' },
      { row: 5, code: 'duplicate-code', column: 'student_code', value: 'S1 (row 2)' },
      { row: 5, code: 'required', column: 'name_km' },
      { row: 5, code: 'bad-sex', column: 'sex', value: 'Z' },
      { row: 5, code: 'bad-date', column: 'date_of_birth', value: '2019-02-30' },
      { row: 5, code: 'not-cambodian-phone', column: 'guardian_phone', value: '+66812345678' },
      { row: 5, code: 'required', column: 'guardian2_phone' },
      { row: 7, code: 'class-shift-conflict', column: 'shift', value: '7A (row 2)' },
      { row: 9, code: 'bad-class', column: 'class', value: '99Z' },
      { row: 9, code: 'bad-shift', column: 'shift', value: 'noon' },
      { row: 9, code: 'bad-code', column: 'student_code', value: 'bad code!' },
      { row: 9, code: 'bad-date', column: 'date_of_birth', value: '13/13/2019' },
      { row: 9, code: 'bad-phone', column: 'guardian_phone', value: 'abc' },
    ]);
  });
});

describe('XLSX', () => {
  async function buildXlsx(fill: (ws: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    fill(wb.addWorksheet('Students'));
    const other = wb.addWorksheet('Notes');
    other.addRow(['ignored']);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('a workbook with a second sheet read again and again: the skipped sheet never fails uncaught', async () => {
    // exceljs parks a sheet that comes before the shared strings in a temporary file and deletes
    // it as soon as the reader moves on; a skipped sheet's stream then opened a deleted file
    // (ENOENT, uncaught: it took the whole process down) about one read in a few hundred
    const process_ = globalThis.process;
    const uncaught: unknown[] = [];
    const catcher = (err: unknown) => void uncaught.push(err);
    process_.on('uncaughtException', catcher);
    try {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Students');
      ws.addRow(H.split(','));
      for (let i = 1; i <= 20; i++) ws.addRow(['7A', 'morning', `S${i}`, `សិស្ស ${i}`, `Student ${i}`, 'F', '2013-05-17', 'លី', `012 345 ${String(600 + i)}`, 'mother']);
      const notes = wb.addWorksheet('Notes');
      for (let i = 0; i < 50; i++) notes.addRow([`note ${i}`, 'text']);
      const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
      for (let i = 0; i < 300; i++) expect(rowsOf(await parseStudentRoster({ name: 'students.xlsx', bytes }, { today: TODAY }))).toHaveLength(20);
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process_.off('uncaughtException', catcher);
    }
  });

  it('reads numbers, Date cells, rich text and formula results from the first sheet', async () => {
    const bytes = await buildXlsx((ws) => {
      ws.addRow(['Class', 'Shift', 'Student Code', 'Name KM', 'Name EN', 'Sex', 'Date of Birth', 'Guardian Name', 'Guardian Phone', 'Guardian Relation', 'Guardian2 Phone']);
      ws.addRow(['7A', 'morning', 1001, 'សុខ\u200Bសុភា', 'Sok Sophea', 'F', new Date(Date.UTC(2013, 4, 17)), 'លី', 12345678, 'Mother', 971234567]);
      ws.addRow([
        { richText: [{ text: '7' }, { font: { bold: true }, text: 'B' }] },
        'afternoon',
        { formula: '"S"&"2"', result: 'S2' },
        'ចាន់ ដារា',
        null,
        'M',
        '28/01/2019',
        null,
        '098 924 013',
        null,
        null,
      ]);
      ws.addRow([]); // blank row 4 keeps numbering
      ws.addRow(['12A', 'morning', 'S3', 'ស្រីមុំ', null, 'F', 41760, null, { formula: '12345678+0', result: 12345678 }, null, null]);
      ws.getCell('G5').numFmt = '0'; // plain number in a date column → Excel serial (2014-05-01)
    });
    const rows = rowsOf(await parseStudentRoster({ name: 'students.xlsx', bytes }, { today: TODAY }));
    expect(rows).toEqual<StudentRow[]>([
      {
        rowNumber: 2,
        className: '7A',
        grade: 7,
        section: 'A',
        shift: 'morning',
        studentCode: '1001',
        nameKm: 'សុខសុភា',
        nameEn: 'Sok Sophea',
        sex: 'F',
        dateOfBirth: '2013-05-17',
        guardians: [
          { name: 'លី', phone: '+85512345678', relation: 'mother' },
          { name: null, phone: '+855971234567', relation: 'guardian' },
        ],
      },
      {
        rowNumber: 3,
        className: '7B',
        grade: 7,
        section: 'B',
        shift: 'afternoon',
        studentCode: 'S2',
        nameKm: 'ចាន់ ដារា',
        nameEn: null,
        sex: 'M',
        dateOfBirth: '2019-01-28',
        guardians: [{ name: null, phone: '+85598924013', relation: 'guardian' }],
      },
      {
        rowNumber: 5,
        className: '12A',
        grade: 12,
        section: 'A',
        shift: 'morning',
        studentCode: 'S3',
        nameKm: 'ស្រីមុំ',
        nameEn: null,
        sex: 'F',
        dateOfBirth: '2014-05-01',
        guardians: [{ name: null, phone: '+85512345678', relation: 'guardian' }],
      },
    ]);
  });

  it('detects XLSX by magic bytes and reports Excel row numbers', async () => {
    const bytes = await buildXlsx((ws) => {
      ws.addRow(STAFF_H.split(','));
      ws.addRow(['T1', 'សុខ', null, 'F', 93388921, 'principal', null, null]);
      ws.addRow([]);
      ws.addRow([]);
      ws.addRow(['T2', 'ដារា', null, 'M', '+66 81 234 5678', 'janitor', '7A', 'Math']);
      ws.addRow(['T1', 'ស្រី', null, 'F', '093 388 921', 'teacher', null, null]);
    });
    expect(errorsOf(await parseStaffRoster({ name: 'upload.bin', bytes }))).toEqual([
      { row: 5, code: 'not-cambodian-phone', column: 'phone', value: '+66 81 234 5678' },
      { row: 5, code: 'bad-role', column: 'role', value: 'janitor' },
      { row: 6, code: 'duplicate-code', column: 'staff_code', value: 'T1 (row 2)' },
      { row: 6, code: 'duplicate-phone', column: 'phone', value: '093 388 921 (row 2)' },
    ]);
  });
});

describe('staff rows', () => {
  it('parses roles, subjects, homeroom and optional fields', async () => {
    const text = [
      STAFF_H,
      'T1,សុខ,,,,teacher; Principal,7 a,"Math; Khmer, ,Physics"',
      'T2,ដារា,Dara,ប្រុស,012 345 678,operator|teacher|teacher,,',
    ].join('\n');
    expect(rowsOf(await staff(text))).toEqual([
      {
        rowNumber: 2,
        staffCode: 'T1',
        nameKm: 'សុខ',
        nameEn: null,
        sex: null,
        phone: null,
        roles: ['teacher', 'principal'],
        homeroomClass: '7A',
        subjects: ['Math', 'Khmer', 'Physics'],
      },
      {
        rowNumber: 3,
        staffCode: 'T2',
        nameKm: 'ដារា',
        nameEn: 'Dara',
        sex: 'M',
        phone: '+85512345678',
        roles: ['operator', 'teacher'],
        homeroomClass: null,
        subjects: [],
      },
    ]);
  });

  it('reports staff errors in one run', async () => {
    const text = [
      STAFF_H,
      'T1,សុខ,,F,012 345 678,teacher,,', // 2 ok
      'T1,ដារា,,X,+85512345678,teacher;cleaner,13C,', // 3
      ',,,,notaphone,,,', // 4
      'T4,ស្រី,,,,;,,', // 5
    ].join('\n');
    expect(errorsOf(await staff(text))).toEqual([
      { row: 3, code: 'duplicate-code', column: 'staff_code', value: 'T1 (row 2)' },
      { row: 3, code: 'bad-sex', column: 'sex', value: 'X' },
      { row: 3, code: 'duplicate-phone', column: 'phone', value: '+85512345678 (row 2)' },
      { row: 3, code: 'bad-role', column: 'role', value: 'cleaner' },
      { row: 3, code: 'bad-class', column: 'homeroom_class', value: '13C' },
      { row: 4, code: 'required', column: 'staff_code' },
      { row: 4, code: 'required', column: 'name_km' },
      { row: 4, code: 'bad-phone', column: 'phone', value: 'notaphone' },
      { row: 4, code: 'required', column: 'role' },
      { row: 5, code: 'required', column: 'role' },
    ]);
  });

  it('missing required staff columns', async () => {
    expect(errorsOf(await staff('staff_code,name_en,phone\nT1,Sok,012345678\n'))).toEqual([
      { row: 0, code: 'missing-column', column: 'name_km' },
      { row: 0, code: 'missing-column', column: 'role' },
    ]);
  });
});

describe('texts', () => {
  const keysOf = (ftl: string) => new Set([...ftl.matchAll(/^(roster-err-[a-z0-9-]+)\s*=/gm)].map((m) => m[1]!));

  it('every error code has a message in km.ftl and en.ftl, and it formats cleanly', () => {
    for (const locale of ['km', 'en']) {
      const ftl = readFileSync(resolve(ROOT, `locales/${locale}.ftl`), 'utf8');
      const keys = keysOf(ftl);
      expect([...keys].sort()).toEqual(ROSTER_ERROR_CODES.map((c) => `roster-err-${c}`).sort());

      const bundle = new FluentBundle(locale, { useIsolating: false });
      expect(bundle.addResource(new FluentResource(ftl))).toEqual([]);
      for (const code of ROSTER_ERROR_CODES) {
        const { key, args } = rosterErrorText({ row: 7, code, column: 'guardian_phone', value: 'X-VALUE' });
        const message = bundle.getMessage(key);
        expect(message?.value, key).toBeTruthy();
        const errors: Error[] = [];
        const text = bundle.formatPattern(message!.value!, args, errors);
        expect(errors, `${locale} ${key}`).toEqual([]);
        expect(text).not.toMatch(/[{}]/);
        if (/\$row/.test(ftl.split('\n').find((l) => l.startsWith(`${key} `))!)) expect(text).toContain('7');
      }
    }
  });
});
