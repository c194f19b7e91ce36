/**
 * The timetable import on the demo school: the shipped workbook imports (150 lessons), the one
 * with a clash is refused at its cell, and every kind of bad grid is refused with the cell that
 * is wrong and nothing written; a new import replaces the old one from its first day.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { auditLog } from '../../src/core/db/schema.js';
import { DEMO_FIXTURES } from '../../src/roster/demo.js';
import { importTimetable, schoolClasses, timetableOn, weekOf } from '../../src/teaching/timetable.js';
import { setTeachingSettings } from '../../src/teaching/settings.js';
import { timetableLessons, timetables } from '../../src/teaching/schema.js';
import { parsePeriodTimes } from '../../src/teaching/grid.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const t = notifier.t;
const demo = (name: string) => readFileSync(path.join(DEMO_FIXTURES, name));

async function grid(sheets: Record<string, string[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = book.addWorksheet(name);
    rows.forEach((r) => ws.addRow(r));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const run = (bytes: Uint8Array, validFrom = '2026-11-22') => importTimetable(database.db, { schoolId: 1, fileName: 'tt.xlsx', bytes, validFrom, actor: 'cli', t });

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
});
afterAll(() => database.drop());

describe('timetable import', () => {
  it('refuses the sample with a clash, naming both cells and the teacher, and writes nothing', async () => {
    const r = await run(demo('timetable-conflict.xlsx'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([expect.objectContaining({ code: 'teacher-clash', cell: '7B!B4', other: '7A!B4', weekday: 1, value: '07:00-07:40' })]);
    expect(await database.db.select().from(timetables)).toHaveLength(0);
    const [denied] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'timetable.import'));
    expect(denied).toMatchObject({ outcome: 'denied', details: { problems: 1, first: 'teacher-clash' } });
  });

  it('imports the shipped sample: 5 classes, 150 lessons, 5 teachers', async () => {
    const r = await run(demo('timetable.xlsx'));
    expect(r.ok && r.summary).toMatchObject({ classes: 5, lessons: 150, teachers: 5, validFrom: '2026-11-22', withoutTimetable: [] });
    const classes = await schoolClasses(database.db, 1);
    const id7a = classes.find((c) => c.name === '7A')!.id;
    const week = await weekOf(database.db, 1, '2026-11-23', { classId: id7a });
    expect(week!.lessons).toHaveLength(30);
    expect(week!.lessons[0]).toMatchObject({ weekday: 1, period: 1, starts: '07:00', ends: '07:40', shift: 'morning' });
  });

  it('reads the grid as schools write it: Khmer digits, dots, a period number, names instead of codes', async () => {
    expect(parsePeriodTimes('១. ០៧:០០-០៧:៤០')).toEqual({ starts: '07:00', ends: '07:40' });
    expect(parsePeriodTimes('7.00 – 7.40')).toEqual({ starts: '07:00', ends: '07:40' });
    expect(parsePeriodTimes('សម្រាក')).toBeNull();
    expect(parsePeriodTimes('25:00-25:40')).toBe('bad');
    expect(parsePeriodTimes('08:00-07:40')).toBe('bad');
    const bytes = await grid({
      '1A': [
        ['ថ្នាក់ទី 1A'],
        [],
        ['ម៉ោង', 'ច័ន្ទ', 'អង្គារ'],
        ['១. ១៣:០០-១៣:៤០', 'ភាសាខ្មែរ\nអ៊ុំ ម៉ាលី', 'Maths / Um Maly'],
        ['សម្រាក'],
        ['13.55 - 14.35', 'គណិតវិទ្យា T003', ''],
      ],
    });
    const r = await run(bytes, '2026-12-01');
    expect(r.ok && r.summary).toMatchObject({ classes: 1, lessons: 3, teachers: 1 });
  });

  it('lists every bad cell: unknown class, teacher, subject, impossible time, overlapping periods', async () => {
    const bytes = await grid({
      '9Z': [['Period', 'Mon', 'Tue'], ['07:00-07:40', 'Maths / T005', '']],
      '7A': [
        ['Period', 'Mon', 'Tue'],
        ['07:00-07:40', 'Maths / T999', 'Cooking / T005'],
        ['07:30-08:10', 'History / T005', 'just words'],
        ['25:00-25:40', 'History / T005', ''],
      ],
    });
    const before = await database.db.select().from(timetables);
    const r = await run(bytes, '2026-12-01');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(await database.db.select().from(timetables)).toEqual(before);
    expect(r.problems.map((p) => [p.code, p.cell])).toEqual([
      ['unknown-class', '9Z!A1'],
      ['unknown-teacher', '7A!B2'],
      ['unknown-subject', '7A!C2'],
      ['bad-cell', '7A!C3'],
      ['bad-time', '7A!A4'],
      ['overlapping-periods', '7A!A3'],
    ]);
  });

  it('refuses a teacher over the weekly cap, at the cell of the first lesson past it', async () => {
    await setTeachingSettings(database.db, 1, { weeklyCap: 29 }, 'cli');
    const r = await run(demo('timetable.xlsx'), '2026-12-01');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.every((p) => p.code === 'over-cap' && p.count === 30)).toBe(true);
      expect(r.problems).toHaveLength(5);
    }
    await setTeachingSettings(database.db, 1, { weeklyCap: 36 }, 'cli');
  });

  it('a new import replaces the old one from its first day on; the old one holds until the day before', async () => {
    const r = await run(demo('timetable.xlsx'), '2026-12-07');
    expect(r.ok).toBe(true);
    const old = await timetableOn(database.db, 1, '2026-12-06');
    const fresh = await timetableOn(database.db, 1, '2026-12-07');
    expect(old).toBeDefined();
    expect(fresh).not.toBe(old);
    const [row] = await database.db.select().from(timetables).where(eq(timetables.id, old!));
    expect(row!.validTo).toBe('2026-12-06');
    expect(await database.db.select().from(timetableLessons).where(eq(timetableLessons.timetableId, fresh!))).toHaveLength(150);
  });
});
