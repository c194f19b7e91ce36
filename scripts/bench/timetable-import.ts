/**
 * Importing a school's timetable workbook of 50 classes (one sheet each, 6 periods × 6 days,
 * 1,800 lessons, 50 teachers) through the same service the bot and the CLI call: read the grid,
 * check it (teacher clashes, overlapping periods, the weekly cap), write it in one transaction.
 * Also the same workbook with 10 clashes (refused, every clash listed). Baseline: exceljs only
 * loading the same file, in this run.
 */
import ExcelJS from 'exceljs';
import { createNotifier } from '../../src/app.js';
import { writeTimetableWorkbook } from '../../src/teaching/timetable-workbook.js';
import { createTestDatabase } from '../../test/support/db.js';
import { benchPlans, importBenchTimetable, seedTeachingSchool } from './teaching-school.js';
import type { Bench, BenchResult } from './types.js';
import { fmt, timed } from './types.js';

const CLASSES = 50;
const ROUNDS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const bench: Bench = {
  name: 'timetable-import',
  description: `timetable import with the conflict check, ${CLASSES} classes`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: 4 });
    try {
      const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
      const { schoolId, workbook } = await seedTeachingSchool(database, notifier, { code: 'TI', teachers: CLASSES });
      const clashing = await writeTimetableWorkbook(benchPlans(CLASSES, CLASSES, { clashes: 10 }), 'km', notifier.t, 'Bench School');
      const loadTimes: number[] = [];
      const importTimes: number[] = [];
      const refuseTimes: number[] = [];
      let lessons = 0;
      let problems = 0;
      for (let i = 0; i < ROUNDS; i++) {
        loadTimes.push(await timed(async () => new ExcelJS.Workbook().xlsx.load(workbook as never)));
        importTimes.push(
          await timed(async () => {
            const r = await importBenchTimetable(database, notifier, schoolId, workbook, `2026-11-${String(16 + i).padStart(2, '0')}`);
            if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.problems.slice(0, 2))}`);
            lessons = r.summary.lessons;
          }),
        );
        refuseTimes.push(
          await timed(async () => {
            const r = await importBenchTimetable(database, notifier, schoolId, clashing, '2026-12-01');
            if (r.ok) throw new Error('the clashing workbook was imported');
            problems = r.problems.length;
          }),
        );
      }
      // The first round pays for loading exceljs and warming the statements.
      const importMs = median(importTimes.slice(1));
      const refuseMs = median(refuseTimes.slice(1));
      const loadMs = median(loadTimes.slice(1));
      return {
        measured: 'importTimetable on the workbook bytes: grid read (exceljs), every cell parsed, conflict check, the timetable written in one transaction (median of 4 after a warm-up)',
        data: `${CLASSES} class sheets × 6 periods × 6 days = ${lessons} lessons, ${CLASSES} teachers, ${fmt(workbook.length / 1024, 0)} KB workbook; the clashing copy has 10 clashes; Postgres ${database.kind}`,
        figures: [
          { label: 'import (read, check, write)', value: importMs, unit: 'ms', target: '≤ 2000', ok: importMs <= 2000 },
          { label: 'lessons written', value: lessons, target: `= ${CLASSES * 36}`, ok: lessons === CLASSES * 36 },
          { label: 'refused import (10 clashes)', value: refuseMs, unit: 'ms', target: '≤ 2000', ok: refuseMs <= 2000 },
          { label: 'problems listed', value: problems, target: '= 10', ok: problems === 10 },
          { label: 'exceljs load only', value: loadMs, unit: 'ms' },
        ],
        primary: { label: 'import', value: importMs, unit: 'ms' },
        baseline: { label: 'exceljs loading the same workbook', value: loadMs, unit: 'ms', measuredInRun: true },
        target: 'a 50-class timetable imported with its conflict check in ≤ 2 s',
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
