/**
 * Issue 12, for newcomers: the monthly workbook holds the register teachers keep on paper — one
 * row per student, one column per school day, a letter per mark (P/A/L/E in English, ម/អ/យ/ច in
 * Khmer), the day numbers in the reader's digits. Asked through the bot, made by the worker's job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { classes } from '../../src/core/db/schema.js';
import { accessClass, changeMark, submitSheet } from '../../src/attendance/service.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { runReportJob, type ReportJob } from '../../src/reports/jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-25T10:00:00Z'); // Wednesday 25 November 2026, 17:00
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
let teacher: TestUser; // 1A

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await ensurePartitions(app.database.db, '2026-11-01');
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  teacher = app.user(9501, 'Maly');
  await teacher.shareContact('016 005 138');
  const actor = await loadActor(app.database.db, 9501);
  const [cls] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'));
  // Monday: roll 2 absent; Tuesday: roll 2 late, roll 3 excused; Wednesday: nothing submitted.
  for (const [day, marks] of [
    ['2026-11-23', [{ roll: 2, status: 'absent' }]],
    ['2026-11-24', [{ roll: 2, status: 'late', time: '13:20' }, { roll: 3, status: 'excused' }]],
  ] as const) {
    const a = await accessClass(app.database.db, actor, cls!.id, day, day);
    if (!a.ok) throw new Error(a.reason);
    for (const m of marks) await changeMark(app.database.db, a, day, { kind: 'set', ...m });
    await submitSheet(app.database.db, a, day, actor);
  }
  teacher.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

async function registerOf(request: string, sheet: string): Promise<ExcelJS.Worksheet> {
  await teacher.send(request);
  while (app.jobs.length) await runReportJob(app.database, app.jobs.shift()!.data as ReportJob, app.notifier, () => now);
  await deliver();
  const doc = teacher.inbox().find((m) => m.method === 'sendDocument')!;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((doc.payload.document as { bytes: Buffer }).bytes as unknown as ArrayBuffer);
  return book.worksheets.find((w) => w.name === sheet)!;
}

const rowOf = (ws: ExcelJS.Worksheet, roll: number) => {
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(2).value === roll) return ws.getRow(r).values as unknown[];
  return undefined;
};

describe('the register grid of the monthly workbook', () => {
  it('one row per student, one column per school day up to today, a letter per mark (Khmer)', async () => {
    const ws = await registerOf('/report month', 'បញ្ជីវត្តមាន');
    expect(ws).toBeDefined();
    const header = ws.getRow(1).values as unknown[];
    // Class, roll, code, name, then the school days of November up to the 25th (Mon–Sat weeks).
    expect(header.slice(1, 5)).toEqual(['ថ្នាក់', 'ល.រ', app.notifier.t('km', 'reports-col-code'), app.notifier.t('km', 'reports-col-name-km')]);
    expect(header.slice(5, 8)).toEqual(['២', '៣', '៤']);
    expect(header.at(-2)).toBe('២៥');
    const days = header.length - 1 - 5; // minus the leading hole, the four columns and the absent count
    const col = (dayOfMonth: string) => header.indexOf(dayOfMonth);
    const two = rowOf(ws, 2)!;
    expect(two[col('២៣')]).toBe('អ');
    expect(two[col('២៤')]).toBe('យ');
    expect(rowOf(ws, 3)![col('២៤')]).toBe('ច');
    expect(rowOf(ws, 1)![col('២៣')]).toBe('ម');
    expect(rowOf(ws, 1)![col('២៥')]).toBe(''); // not submitted
    expect(two.at(-1)).toBe(1);
    expect(days).toBeGreaterThan(15);
  });

  it('in English: P/A/L/E and ASCII day numbers', async () => {
    await teacher.send('/language');
    await teacher.press('English');
    teacher.inbox();
    const ws = await registerOf('/report month', 'Register');
    const header = ws.getRow(1).values as unknown[];
    const two = rowOf(ws, 2)!;
    expect(two[header.indexOf('23')]).toBe('A');
    expect(two[header.indexOf('24')]).toBe('L');
    expect(rowOf(ws, 3)![header.indexOf('24')]).toBe('E');
    expect(rowOf(ws, 1)![header.indexOf('23')]).toBe('P');
  });
});
