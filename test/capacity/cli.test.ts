/**
 * `npm run cli -- capacity` on a small deployment: families with several children count once
 * per shift, the morning peak follows the gate rush, and the bots needed follow the peak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCli } from '../../src/cli/main.js';
import { runCliCaptured } from '../support/cli.js';
import { addSchool } from '../../src/schools/service.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { planCapacity, type DeploymentCounts } from '../../src/capacity/service.js';
import { registerBots } from '../../src/core/telegram/fleet.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let database: TestDatabase;
let env: Record<string, string>;
const lines: string[] = [];

async function cli(...args: string[]) {
  return runCliCaptured(args, env);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' };
  const { db } = database;
  await addSchool(db, { code: 'CAP', nameKm: 'សាលា', nameEn: 'Capacity School', province: 'PP' }, 'cli');
  // 6 children, 4 families: one mother of two in the morning, one father of a morning and an
  // afternoon child; one family not on Telegram.
  const students = [
    'class,shift,student_code,name_km,sex,guardian_phone',
    '7A,morning,C1,ក,M,012000001',
    '7A,morning,C2,ខ,F,012000001',
    '7A,morning,C3,គ,M,012000002',
    '8A,afternoon,C4,ឃ,F,012000002',
    '8A,afternoon,C5,ង,M,012000003',
    '8A,afternoon,C6,ច,F,012000004',
  ].join('\n');
  const staff = ['staff_code,name_km,sex,phone,role,homeroom_class', 'T1,គ្រូ,F,077000001,teacher,7A', 'P1,នាយក,M,077000002,principal,'].join('\n');
  expect((await importStudents(db, { schoolCode: 'CAP', file: { name: 's.csv', bytes: Buffer.from(students) }, actor: 'cli' })).ok).toBe(true);
  expect((await importStaff(db, { schoolCode: 'CAP', file: { name: 't.csv', bytes: Buffer.from(staff) }, actor: 'cli' })).ok).toBe(true);
  await db.execute(sql`update guardians set telegram_user_id = 500 + id where phone <> '+85512000004'`);
  await db.execute(sql`update staff set telegram_user_id = 900 + id`);
  await db.execute(sql`insert into scan_settings (school_id, enabled) select id, true from schools`);
});
afterAll(() => database.drop());

describe('capacity', () => {
  it('prints messages per day by kind, the morning peak and the bots needed', async () => {
    const r = await cli('capacity', '--rush-minutes', '1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 schools (1 scanning at the gate), 6 students');
    expect(r.out).toContain('3 family chats on Telegram (2 with several children), 2 staff chats');
    // morning: mother (2 children) + father = 2 messages; afternoon: father + one more = 2
    expect(r.out).toMatch(/arrival notices \(one per family and shift\)\s+4\n/);
    expect(r.out).toContain('(one arrival notice per child would be 5)');
    expect(r.out).toContain('Morning peak: 2 arrival notices in 1 min = 0.0 messages/s');
    expect(r.out).toMatch(/Bots needed: 1 \(peak: 1, day's volume: 1; each bot planned at 24 of 30 messages\/s\)/);
  });

  it('counts one notice per child when arrival digests are off', async () => {
    const on = await cli('capacity', '--rush-minutes', '1');
    expect(on.out).toContain('Arrival digests on: siblings in one shift get one notice (they wait up to 180 s for each other)');
    const off = await runCli(['capacity', '--rush-minutes', '1'], { ...env, ARRIVAL_DIGEST_SECONDS: '0' }, { line: (l = '') => lines.push(l), error: () => {} }).then(() => lines.splice(0).join('\n'));
    expect(off).toContain('Arrival digests off (ARRIVAL_DIGEST_SECONDS=0): one arrival notice per child');
    expect(off).toMatch(/arrival notices \(one per child: digests off\)\s+5\n/);
    // the morning: three children, each their own notice
    expect(off).toContain('Morning peak: 3 arrival notices in 1 min');
  });

  it('splits the rush over the configured fleet by the bot serving each school', async () => {
    const one = await cli('capacity', '--rush-minutes', '1');
    expect(one.out).toContain('Fleet configured: 1 bot(s); enough for the peak');
    expect(one.out).toContain('  default bot id 0: 2 arrival notices in the rush = 0.0 messages/s, 0% of its planned 24/s');

    await registerBots(database.db, [{ id: 777, username: 'sis_fleet_bot' }]);
    await database.db.execute(sql`update schools set bot_id = 777 where code = 'CAP'`);
    const fleetEnv = { ...env, BOT_TOKEN: '123:DEFAULT-TOKEN-abcdefghij', BOT_USERNAME: 'sis_demo_bot', BOT_TOKENS: '777:FLEET-TOKEN-abcdefghij@sis_fleet_bot' };
    await runCli(['capacity', '--rush-minutes', '1', '--headroom', '100'], fleetEnv, { line: (l = '') => lines.push(l), error: () => {} });
    const fleet = lines.splice(0).join('\n');
    expect(fleet).toContain('Fleet configured: 2 bot(s)');
    expect(fleet).toContain('  default bot @sis_demo_bot: 0 arrival notices in the rush = 0.0 messages/s, 0% of its planned 30/s');
    expect(fleet).toContain('  bot @sis_fleet_bot: 2 arrival notices in the rush');
    // the school's bot left out of BOT_TOKENS: named, so its rush is not silently lost
    await runCli(['capacity'], { ...env, BOT_TOKEN: '123:DEFAULT-TOKEN-abcdefghij' }, { line: (l = '') => lines.push(l), error: () => {} });
    expect(lines.splice(0).join('\n')).toContain('  bot id 777: serves schools but is not configured (add its token to BOT_TOKENS)');
    await database.db.execute(sql`update schools set bot_id = null where code = 'CAP'`);
  });

  it('refuses a bad assumption with a usage error', async () => {
    const r = await cli('capacity', '--absent', 'lots');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--absent must be a number from 0 to 100');
  });

  it('a national morning needs a fleet: 3 M families in a 30-minute rush', () => {
    const counts: DeploymentCounts = {
      schools: 13_000,
      scanningSchools: 13_000,
      students: 3_200_000,
      familyChats: 2_600_000,
      familiesWithSeveral: 500_000,
      arrivalsPerChild: { morning: 1_700_000, afternoon: 1_500_000 },
      arrivalsPerFamily: { morning: 1_400_000, afternoon: 1_200_000 },
      staffChats: 100_000,
      teacherChats: 90_000,
      officeChats: 26_000,
      arrivalsByBot: [],
    };
    const plan = planCapacity(counts);
    expect(plan.morningPeakPerSecond).toBeCloseTo(1_400_000 / 1800, 5);
    expect(plan.botsForPeak).toBe(Math.ceil(1_400_000 / 1800 / 24));
    expect(plan.bots).toBe(33);
  });
});
