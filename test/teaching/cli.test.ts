/**
 * The newcomer's path on the command line: the demo school, the shipped timetable with a clash
 * (refused, the cell named, exit 1), the right one (imported), a day of the lesson book run by
 * hand, the month's hours; staff records exported and imported back; settings refused when wrong.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCliCaptured } from '../support/cli.js';
import { DEMO_FIXTURES } from '../../src/roster/demo.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let database: TestDatabase;
let env: Record<string, string>;
const dir = mkdtempSync(path.join(tmpdir(), 'sis-teaching-cli-'));

async function cli(...args: string[]) {
  return runCliCaptured(args, env);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  url.pathname = `/${row!.db}`;
  // No Redis here: commands that change schedules say so and carry on.
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1' };
  expect((await cli('demo')).code).toBe(0);
});
afterAll(() => database.drop());

describe('teaching on the command line', () => {
  it('refuses the timetable with a clash, naming the cell, then imports the right one', async () => {
    const bad = await cli('timetable', 'import', '--school', 'DEMO-001', '--from', '2026-11-16', path.join(DEMO_FIXTURES, 'timetable-conflict.xlsx'), '--lang', 'en');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('1 problem(s), nothing was imported');
    expect(bad.err).toContain('7B!B4: Ly Rathana is also teaching in 7A!B4 on Monday at 07:00-07:40');
    const ok = await cli('timetable', 'import', '--school', 'DEMO-001', '--from', '2026-11-16', path.join(DEMO_FIXTURES, 'timetable.xlsx'));
    expect(ok).toMatchObject({ code: 0, out: expect.stringContaining('5 classes, 150 lessons, 5 teachers; holds from 2026-11-16') });
  });

  it('writes the workbook back out (the current timetable) and the demo sample', async () => {
    const out = path.join(dir, 'current.xlsx');
    expect((await cli('timetable', 'workbook', '--school', 'DEMO-001', '--out', out)).code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(out) as never);
    expect(book.worksheets.map((w) => w.name).slice(1)).toEqual(['1A', '4B', '7A', '7B', '12A']);
    // The file reads back in as it is.
    expect((await cli('timetable', 'import', '--school', 'DEMO-001', '--from', '2026-11-16', out)).code).toBe(0);
    expect((await cli('timetable', 'workbook', '--school', 'DEMO-001', '--out', path.join(dir, 'demo.xlsx'), '--demo', '--conflict')).code).toBe(0);
  });

  it('runs a shift end by hand and reports the month', async () => {
    const r = await cli('teaching', 'run', '--school', 'DEMO-001', '--job', 'shift-end', '--shift', 'morning', '--at', '2026-11-23T11:00:00+07:00');
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('"lessons":15') });
    const hours = await cli('hours', 'report', '--school', 'DEMO-001', '--month', '2026-11', '--lang', 'en', '--out', path.join(dir, 'hours.xlsx'));
    expect(hours.code).toBe(0);
    // November is over: its school days from the 16th are written (13 days × 5 lessons), none confirmed.
    expect(hours.out).toContain('DEMO-001-T005: planned 65, delivered 0 + cover 0, not taught 0, unconfirmed 65');
    expect((await cli('teaching', 'run', '--school', 'DEMO-001', '--job', 'lunch')).code).toBe(2);
  });

  it('changes the settings, refusing impossible ones', async () => {
    const r = await cli('teaching', 'settings', '--school', 'DEMO-001', '--weekly-cap', '30', '--evening', '18:30');
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('weekly cap 30 lessons; evening reminder 18:30') });
    expect((await cli('teaching', 'settings', '--school', 'DEMO-001', '--evening', '25:00')).err).toContain('HH:MM');
  });

  it('exports the staff records and imports them back', async () => {
    const out = path.join(dir, 'staff.xlsx');
    expect((await cli('records', 'export', '--school', 'DEMO-001', '--out', out)).code).toBe(0);
    const r = await cli('records', 'import', '--school', 'DEMO-001', out);
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('8 records saved') });
  });
});
