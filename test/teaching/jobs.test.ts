/**
 * Teaching's scheduled work: one scheduler per school and shift end, the evening and the monthly
 * check, in the school's time zone; the week to close on the last school day; last month's hours
 * on the first school day of a month, once; and leave requests refused for bad input.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eq, sql } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { schools, staff } from '../../src/core/db/schema.js';
import { DEMO_FIXTURES } from '../../src/roster/demo.js';
import { runTeachingJob, syncTeachingSchedules, TEACHING_QUEUE, type TeachingJob } from '../../src/teaching/jobs.js';
import { decideLeaveRequest, requestLeave } from '../../src/teaching/leave-flow.js';
import { parseLeaveDays } from '../../src/teaching/leave-dates.js';
import { setTeachingSettings } from '../../src/teaching/settings.js';
import { importTimetable } from '../../src/teaching/timetable.js';
import { hoursRollup } from '../../src/teaching/hours.js';
import { addSchool } from '../../src/schools/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
let redis: Redis;
let queue: Queue<TeachingJob>;
const prefix = `test-teaching-${randomBytes(4).toString('hex')}`;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const run = (job: TeachingJob, at: string) => runTeachingJob(database, job, notifier, () => new Date(at));
const outbox = (like: string) => database.rows<{ chat_id: string; payload: Record<string, unknown> }>(sql`select chat_id, payload from outbox where dedupe_key like ${like} order by id`);

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  for (const [code, uid] of [['T001', 17001], ['T005', 17005], ['T006', 17006], ['T007', 17007], ['T003', 17003]] as const) {
    await database.db.update(staff).set({ telegramUserId: uid }).where(eq(staff.staffCode, `DEMO-001-${code}`));
  }
  const r = await importTimetable(database.db, { schoolId: 1, fileName: 'timetable.xlsx', bytes: readFileSync(path.join(DEMO_FIXTURES, 'timetable.xlsx')), validFrom: '2026-10-26', actor: 'cli', t: notifier.t });
  if (!r.ok) throw new Error('import failed');
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  queue = new Queue<TeachingJob>(TEACHING_QUEUE, { connection: redis, prefix });
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
  await database.drop();
});

describe('schedulers', () => {
  it('one per shift end, the evening and the monthly check, per school, in its time zone', async () => {
    await setTeachingSettings(database.db, 1, { eveningAt: '18:30' }, 'cli');
    expect(await syncTeachingSchedules(database.db, queue)).toBe(4);
    expect(await syncTeachingSchedules(database.db, queue)).toBe(4);
    const byId = Object.fromEntries((await queue.getJobSchedulers()).map((s) => [s.key, s]));
    expect(byId['teaching-end-1-morning']).toMatchObject({ pattern: '0 11 * * *', tz: 'Asia/Phnom_Penh' });
    expect(byId['teaching-end-1-afternoon']).toMatchObject({ pattern: '0 17 * * *', tz: 'Asia/Phnom_Penh' });
    expect(byId['teaching-evening-1']).toMatchObject({ pattern: '30 18 * * *' });
    expect(byId['teaching-monthly-1']).toMatchObject({ pattern: '45 6 * * *' });
    // A school without an afternoon shift loses that scheduler.
    await database.db.update(schools).set({ shifts: { morning: { start: '07:00', end: '11:30' } }, timezone: 'Asia/Bangkok' }).where(eq(schools.id, 1));
    expect(await syncTeachingSchedules(database.db, queue, 1)).toBe(3);
    const after = Object.fromEntries((await queue.getJobSchedulers()).map((s) => [s.key, s]));
    expect(after['teaching-end-1-afternoon']).toBeUndefined();
    expect(after['teaching-end-1-morning']).toMatchObject({ pattern: '30 11 * * *', tz: 'Asia/Bangkok' });
    await database.db.update(schools).set({ shifts: { morning: { start: '07:00', end: '11:00' }, afternoon: { start: '13:00', end: '17:00' } }, timezone: 'Asia/Phnom_Penh' }).where(eq(schools.id, 1));
    await setTeachingSettings(database.db, 1, { eveningAt: '19:00' }, 'cli');
  });
});

describe('the school week and month', () => {
  it('no lesson book on a day that is not a school day', async () => {
    expect(await run({ kind: 'shift-end', schoolId: 1, shift: 'morning' }, '2026-11-29T04:00:00Z')).toEqual({ skipped: 'holiday' }); // a Sunday
  });

  it('on the week\'s last school day the evening asks homeroom teachers and the principal to close it', async () => {
    await run({ kind: 'shift-end', schoolId: 1, shift: 'morning' }, '2026-10-31T04:00:00Z'); // Saturday 31 October
    const r = await run({ kind: 'evening', schoolId: 1 }, '2026-10-31T12:00:00Z');
    // The linked homeroom teachers (1A T003, 7A T005, 7B T006, 12A T007; 4B's is not on Telegram) and the principal.
    expect(r).toMatchObject({ weekPrompts: 5 });
    const prompts = await outbox('wk:2026-10-26:%');
    expect(prompts.map((p) => Number(p.chat_id)).sort()).toEqual([17001, 17003, 17005, 17006, 17007]);
    // Once: the job running again queues nothing new.
    await run({ kind: 'evening', schoolId: 1 }, '2026-10-31T12:05:00Z');
    expect(await outbox('wk:2026-10-26:%')).toHaveLength(5);
  });

  it('on the first school day of a month, last month goes to the principal and each teacher, once', async () => {
    expect(await run({ kind: 'monthly', schoolId: 1 }, '2026-11-01T23:45:00Z')).toEqual({ sent: expect.any(Number) }); // Monday 2 November
    const toPrincipal = await outbox('hours:2026-10:%');
    expect(toPrincipal.map((m) => Number(m.chat_id))).toEqual([17001, 17001]); // picture + workbook
    const own = await outbox('hours-own:2026-10:%');
    expect(own.length).toBeGreaterThanOrEqual(3);
    expect(String(own[0]!.payload.text)).toContain(notifier.t('km', 'teaching-hours-own-title', { month: 'តុលា ២០២៦' }));
    expect(await run({ kind: 'monthly', schoolId: 1 }, '2026-11-02T23:45:00Z')).toEqual({ skipped: 'not-first-school-day' });
  });

  it('the province sees each school\'s share, and schools without a timetable are to be called', async () => {
    await addSchool(database.db, { code: 'NEW-002', nameKm: 'សាលាថ្មី', nameEn: 'New School', province: 'PP' }, 'cli');
    const rows = await hoursRollup(database.db, { provinceId: null, month: '2026-10', today: '2026-11-15' });
    // 26-31 October: six school days of 25 lessons, none confirmed (nobody pressed ✅ here).
    expect(rows.map((r) => [r.code, r.planned, r.delivered, r.call])).toEqual([
      ['DEMO-001', 150, 0, 'unconfirmed'],
      ['NEW-002', 0, 0, 'no-timetable'],
    ]);
  });
});

describe('leave: bad input changes nothing', () => {
  it('reads typed days and refuses what cannot be', async () => {
    expect(parseLeaveDays('២៤/១១', '2026-11-20')).toEqual({ from: '2026-11-24', to: '2026-11-24' });
    expect(parseLeaveDays('24/11 - 26/11', '2026-11-20')).toEqual({ from: '2026-11-24', to: '2026-11-26' });
    expect(parseLeaveDays('3/1', '2026-12-20')).toEqual({ from: '2027-01-03', to: '2027-01-03' });
    expect(parseLeaveDays('2026-11-30 2026-12-02', '2026-11-20')).toEqual({ from: '2026-11-30', to: '2026-12-02' });
    expect(parseLeaveDays('31/02', '2026-11-20')).toBeNull();
    expect(parseLeaveDays('26/11 24/11', '2026-11-20')).toBeNull();
    expect(parseLeaveDays('tomorrow please', '2026-11-20')).toBeNull();
  });

  it('a document is needed for long sick leave; overlapping leave is refused; only the principal decides', async () => {
    const teacher = await loadActor(database.db, 17007);
    const today = '2026-11-20';
    expect(await requestLeave(database.db, teacher, { fromDay: '2026-11-24', toDay: '2026-11-27', reason: 'sick', documentFileId: null, today }, notifier)).toEqual({ ok: false, reason: 'document-needed' });
    const ok = await requestLeave(database.db, teacher, { fromDay: '2026-11-24', toDay: '2026-11-27', reason: 'sick', documentFileId: 'photo-file-1', today }, notifier);
    expect(ok).toMatchObject({ ok: true, principals: 1 });
    const [ask] = await outbox('leave:%:ask:%');
    expect(ask!.payload).toMatchObject({ photo: 'photo-file-1' });
    expect(await requestLeave(database.db, teacher, { fromDay: '2026-11-26', toDay: '2026-11-26', reason: 'personal', documentFileId: null, today }, notifier)).toEqual({ ok: false, reason: 'overlap' });
    if (!ok.ok) return;
    const other = await loadActor(database.db, 17005);
    expect(await decideLeaveRequest(database.db, other, ok.leaveId, 'approved', notifier, today)).toMatchObject({ ok: false, reason: 'forbidden' });
    const principal = await loadActor(database.db, 17001);
    expect(await decideLeaveRequest(database.db, principal, ok.leaveId, 'declined', notifier, today)).toMatchObject({ ok: true });
    expect(await decideLeaveRequest(database.db, principal, ok.leaveId, 'approved', notifier, today)).toMatchObject({ ok: false, reason: 'already' });
    const denials = await database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action in ('leave.request', 'leave.decide') and outcome = 'denied'`);
    expect(Number(denials[0]!.n)).toBe(3);
  });

  it("nobody decides their own leave: the only principal's request goes to the provincial office, which decides it", async () => {
    const today = '2026-11-20';
    const [school] = await database.rows<{ province_id: number }>(sql`select province_id from schools where id = 1`);
    await database.db.execute(sql`insert into officials (phone, name, province_id, telegram_user_id) values ('+85512000777', 'Provincial office', ${school!.province_id}, 17777)`);
    const principal = await loadActor(database.db, 17001);
    const asked = await requestLeave(database.db, principal, { fromDay: '2026-12-01', toDay: '2026-12-01', reason: 'personal', documentFileId: null, today }, notifier);
    expect(asked).toMatchObject({ ok: true, principals: 1 });
    if (!asked.ok) return;
    const asks = await database.rows<{ chat_id: string }>(sql`select chat_id from outbox where dedupe_key like ${`leave:${asked.leaveId}:ask:%`}`);
    expect(asks.map((a) => Number(a.chat_id))).toEqual([17777]);
    expect(await decideLeaveRequest(database.db, principal, asked.leaveId, 'approved', notifier, today)).toMatchObject({ ok: false, reason: 'own-leave' });
    const office = await loadActor(database.db, 17777);
    expect(await decideLeaveRequest(database.db, office, asked.leaveId, 'approved', notifier, today)).toMatchObject({ ok: true });
    // A teacher's leave is still the school's business, not the province's.
    const teacher = await loadActor(database.db, 17005);
    const theirs = await requestLeave(database.db, teacher, { fromDay: '2026-12-02', toDay: '2026-12-02', reason: 'personal', documentFileId: null, today }, notifier);
    if (!theirs.ok) throw new Error('request refused');
    expect(await decideLeaveRequest(database.db, office, theirs.leaveId, 'approved', notifier, today)).toMatchObject({ ok: false, reason: 'forbidden' });
  });
});
