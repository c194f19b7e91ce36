/**
 * The national registry as a ministry administrator uses it: the 25 provinces are there, `--province`
 * takes a code or a name, and `schools import` loads a school list all or nothing, idempotently,
 * with row-numbered problems. The officials' roll-up counts adoption per province.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { runCliCaptured } from '../support/cli.js';
import { createNotifier } from '../../src/app.js';
import { buildRollup, renderRollupWorkbook, rollupSummary } from '../../src/reports/rollup.js';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { HEADER, registryOf50 } from './fixture.js';

let database: TestDatabase;
let env: Record<string, string>;
const dir = mkdtempSync(path.join(tmpdir(), 'registry-'));
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });

async function cli(...args: string[]) {
  return runCliCaptured(args, env);
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}


beforeAll(async () => {
  database = await createTestDatabase();
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent' };
});
afterAll(() => database.drop());

describe('provinces', () => {
  it('ships the 25 provinces with codes 01-25 and Khmer and English names', async () => {
    const r = await cli('provinces');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(25);
    expect(lines[0]).toBe('01  Banteay Meanchey  បន្ទាយមានជ័យ');
    expect(lines).toContain('03  Kampong Cham  កំពង់ចាម');
    expect(lines).toContain('12  Phnom Penh  ភ្នំពេញ');
    expect(lines[24]).toBe('25  Tboung Khmum  ត្បូងឃ្មុំ');
  });

  it('--province takes a code or a name, in English or Khmer', async () => {
    for (const [code, province] of [['A-01', 'Kampong Cham'], ['A-02', '03'], ['A-03', 'កំពង់ចាម'], ['A-04', 'kompong-cham']] as const) {
      const r = await cli('school', 'add', '--code', code, '--name-km', 'សាលា', '--name-en', 'School', '--province', province);
      expect(r).toMatchObject({ code: 0 });
    }
    const rows = await database.rows<{ code: string }>(sql`select p.code from schools s join provinces p on p.id = s.province_id where s.code like 'A-0%'`);
    expect(rows.map((r) => r.code)).toEqual(['03', '03', '03', '03']);
    const official = await cli('official', 'add', '--phone', '017 000 009', '--name', 'Director', '--province', 'Siem Reap');
    expect(official).toMatchObject({ code: 0, out: expect.stringContaining('(province Siem Reap) saved') });
    expect((await cli('school', 'add', '--code', 'A-05', '--name-km', 'ស', '--name-en', 'S', '--province', 'Atlantis Bay')).err).toContain('unknown province "Atlantis Bay"');
  });
});

describe('schools import', () => {
  it('loads 50 schools, and the same file again changes nothing', async () => {
    const f = file('registry.csv', registryOf50());
    const first = await cli('schools', 'import', f);
    expect(first).toMatchObject({ code: 0, out: expect.stringContaining('50 schools created, 0 updated, 0 unchanged') });
    const again = await cli('schools', 'import', f);
    expect(again.out).toContain('0 schools created, 0 updated, 50 unchanged');
    const [n] = await database.rows<{ n: number; kc: number; years: number }>(
      sql`select count(*)::int as n, count(*) filter (where p.code = '03')::int as kc,
                 (select count(*)::int from academic_years y join schools s2 on s2.id = y.school_id where s2.code like 'KC-%' or s2.code like 'SR-%') as years
            from schools s join provinces p on p.id = s.province_id join school_registry r on r.school_id = s.id`,
    );
    expect(n).toEqual({ n: 50, kc: 30, years: 50 });
    const [one] = await database.rows(sql`select r.district, r.commune, r.level, r.latitude, r.longitude from school_registry r join schools s on s.id = r.school_id where s.code = 'KC-001'`);
    expect(one).toEqual({ district: 'Cheung Prey', commune: null, level: 'primary', latitude: 12.01, longitude: 105.01 });
  });

  it('a changed row updates its school only', async () => {
    const text = registryOf50().replace('SR-050,សាលា 50,School 50,17,Puok,,primary', 'SR-050,សាលា 50,Fifty School,17,Puok,Samrong,lower-secondary');
    const r = await cli('schools', 'import', file('changed.csv', text));
    expect(r.out).toContain('0 schools created, 1 updated, 49 unchanged');
    const [s] = await database.rows(sql`select s.name_en, r.level, r.commune from schools s join school_registry r on r.school_id = s.id where s.code = 'SR-050'`);
    expect(s).toEqual({ name_en: 'Fifty School', level: 'lower-secondary', commune: 'Samrong' });
  });

  it('refuses duplicate codes, unknown provinces and bad values with row numbers, and saves nothing', async () => {
    const text = [
      HEADER,
      'NEW-1,ថ្មី,New One,Kampot,,,primary,,',
      'NEW-2,ថ្មី,New Two,Narnia,,,primary,,',
      'NEW-1,ថ្មី,New One again,07,,,primary,,',
      'NEW-3,ថ្មី,New Three,07,,,university,95,10',
      'NEW-4,,New Four,07,,,primary,11.5,',
    ].join('\n');
    const r = await cli('schools', 'import', file('bad.csv', text));
    expect(r.code).toBe(1);
    expect(r.err).toContain('6 problem(s), nothing was imported');
    expect(r.err).toContain('row 3: unknown province "Narnia"');
    expect(r.err).toContain('row 4: duplicate school code NEW-1 (first on row 2)');
    expect(r.err).toContain('row 5: unknown level "university"');
    expect(r.err).toContain('row 5: latitude "95" is not a number between -90 and 90');
    expect(r.err).toContain('row 6: name_km is empty');
    expect(r.err).toContain('row 6: give both latitude and longitude, or neither');
    const [n] = await database.rows<{ n: number }>(sql`select count(*)::int as n from schools where code like 'NEW-%'`);
    expect(n!.n).toBe(0);
    const missing = await cli('schools', 'import', file('cols.csv', 'code,name_en\nX,Y\n'));
    expect(missing.err).toContain('missing column "name_km"');
  });
});

describe('adoption in the roll-up', () => {
  it('counts registered schools and those taking attendance, per province', async () => {
    const [kc] = await database.rows<{ id: number }>(sql`select id from provinces where code = '03'`);
    const r = await buildRollup(database, { provinceId: kc!.id, day: '2026-11-23' });
    expect(r.adoption).toEqual([{ code: '03', nameKm: 'កំពង់ចាម', nameEn: 'Kampong Cham', registered: 34, takingAttendance: 0, guardians: 0, guardiansLinked: 0 }]);
    expect(rollupSummary(r, 'en', notifier.t)).toContain('Registry: 34 schools registered · 0 taking attendance (last 7 days) · families linked —');
    expect(rollupSummary(r, 'km', notifier.t)).toContain('សាលាចុះបញ្ជី ៣៤');
    const national = await buildRollup(database, { provinceId: null, day: '2026-11-23' });
    expect(national.adoption?.filter((p) => /^\d\d$/.test(p.code))).toHaveLength(25);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderRollupWorkbook(national, "en", notifier.t)) as never);
    const sheet = wb.getWorksheet('Provinces')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Code', 'Province', 'Schools registered', 'Taking attendance (7 days)', 'Share taking attendance', 'Families linked']);
    const siemReap = sheet.getRows(2, sheet.rowCount - 1)!.find((row) => row.getCell(1).value === '17')!;
    expect([siemReap.getCell(2).value, siemReap.getCell(3).value]).toEqual(['Siem Reap', 20]);
  });
});
