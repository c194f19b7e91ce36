/**
 * The admin CLI as an administrator uses it: exit codes and what it prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCliCaptured } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FIXTURES } from '../support/fixtures.js';
import { createNotifier } from '../../src/app.js';

let database: TestDatabase;
let env: Record<string, string>;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });

async function cli(...args: string[]) {
  return runCliCaptured(args, env);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const [row] = await database.rows<{ db: string }>((await import("drizzle-orm")).sql`select current_database() as db`);
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent' };
});
afterAll(() => database.drop());

describe('admin CLI', () => {
  it('explains usage and refuses unknown commands with exit code 2', async () => {
    expect((await cli()).code).toBe(2);
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "frobnicate"');
  });

  it('adds a school, imports its rosters, and prints invites', async () => {
    const add = await cli('school', 'add', '--code', 'PP-001', '--name-km', 'សាលាបឋមសិក្សា ភ្នំពេញ', '--name-en', 'Phnom Penh Primary', '--province', 'PP');
    expect(add).toMatchObject({ code: 0, out: expect.stringContaining('School PP-001 created') });

    const students = await cli('roster', 'import', '--school', 'PP-001', path.join(FIXTURES, 'students.csv'));
    expect(students.code).toBe(0);
    expect(JSON.parse(students.out.slice(students.out.indexOf('{'))).students.created).toBe(160);
    const staff = await cli('staff', 'import', '--school', 'PP-001', path.join(FIXTURES, 'staff.csv'));
    expect(staff.code).toBe(0);

    const classInvites = await cli('invite', '--school', 'PP-001', '--role', 'parent', '--class', '7a');
    expect(classInvites.code).toBe(0);
    const lines = classInvites.out.split('\n').filter((l) => l.includes('https://t.me/sis_demo_bot?start=i'));
    expect(lines.length).toBeGreaterThan(10);
    expect(new Set(lines.map((l) => l.split('\t')[3])).size).toBe(lines.length); // one code each

    const teacher = await cli('invite', '--school', 'PP-001', '--role', 'teacher', '--staff', 'DEMO-001-T004');
    expect(teacher.out).toMatch(/link: https:\/\/t\.me\/sis_demo_bot\?start=i[A-Za-z0-9_-]{22}/);
  });

  it('reports every bad row of a file in Khmer and imports nothing (exit 1)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sis-cli-'));
    const file = path.join(dir, 'bad.csv');
    writeFileSync(
      file,
      'class,shift,student_code,name_km,sex,guardian_phone\n13A,morning,A1,ក,M,012 345 678\n1A,evening,A2,ខ,X,not a phone\n',
    );
    const r = await cli('roster', 'import', '--school', 'PP-001', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(notifier.t('km', 'roster-err-bad-class', { row: 2, column: 'class', value: '13A' }));
    expect(r.err).toContain(notifier.t('km', 'roster-err-bad-shift', { row: 3, column: 'shift', value: 'evening' }));
    expect(r.err).toContain('ជួរទី 3');
    const en = await cli('roster', 'import', '--school', 'PP-001', file, '--lang', 'en');
    expect(en.err).toContain('Row 2');
  });

  it('says clearly when the school, role or student does not exist', async () => {
    expect((await cli('roster', 'import', '--school', 'NOPE', path.join(FIXTURES, 'students.csv'))).err).toContain('No school with code NOPE');
    expect((await cli('invite', '--school', 'PP-001', '--role', 'janitor')).err).toContain('--role must be one of');
    expect((await cli('invite', '--school', 'PP-001', '--role', 'parent', '--student', 'NOBODY')).err).toContain('no student NOBODY');
    expect((await cli('school', 'add', '--code', 'X'))).toMatchObject({ code: 2, err: expect.stringContaining('--name-km is required') });
  });

  it('loads the demo school', async () => {
    const r = await cli('demo');
    expect(r.code).toBe(0);
    expect(r.out).toContain('School DEMO-001 is ready.');
    expect(r.out).toMatch(/link: https:\/\/t\.me\/sis_demo_bot\?start=i/);
  });
});

describe('admin CLI: calendar', () => {
  it('sets holidays, the school week and reminder times, and refuses bad values', async () => {
    const r = await cli('calendar', '--school', 'PP-001', '--holiday', '2027-04-14', '--note', 'Khmer New Year', '--week-days', '1,2,3,4,5', '--remind-morning', '07:15');
    expect(r.code).toBe(0);
    expect(r.out).toContain('school week 1,2,3,4,5');
    expect(r.out).toContain('reminders morning 07:15, afternoon 13:30');
    expect(r.out).toContain('2027-04-14 (Khmer New Year)');
    expect((await cli('calendar', '--school', 'PP-001', '--holiday', '2027-02-30')).err).toContain('--holiday takes a date');
    expect((await cli('calendar', '--school', 'PP-001', '--remind-afternoon', '25:00')).err).toContain('--remind-afternoon takes HH:MM');
    expect((await cli('calendar', '--school', 'PP-001', '--week-days', '0,8')).err).toContain('--week-days');
  });
});

describe('admin CLI: officials', () => {
  it('adds a provincial director by phone, and refuses an unknown province or a foreign phone', async () => {
    const r = await cli('official', 'add', '--phone', '017 000 009', '--name', 'Provincial Director', '--province', 'PP');
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('(province PP) saved') });
    expect((await cli('official', 'add', '--phone', '017 000 010', '--name', 'X', '--province', 'ZZ')).err).toContain('no province with code ZZ');
    expect((await cli('official', 'add', '--phone', '+66 81 234 5678', '--name', 'X')).err).toContain('--phone is not a Cambodian phone number');
  });
});
