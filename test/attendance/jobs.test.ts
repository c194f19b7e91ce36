/**
 * Scheduled reminders and partition upkeep: schedulers per school and shift in the school's time
 * zone, reminders only for classes not submitted, once per shift however often the job runs.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eq, sql } from 'drizzle-orm';
import { staff } from '../../src/core/db/schema.js';
import { createNotifier } from '../../src/app.js';
import { ATTENDANCE_QUEUE, ensurePartitions, runAttendanceJob, syncSchedules, type AttendanceJob } from '../../src/attendance/jobs.js';
import { setCalendarDay, setSettings } from '../../src/attendance/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
let redis: Redis;
let queue: Queue<AttendanceJob>;
const prefix = `test-jobs-${randomBytes(4).toString('hex')}`;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  await database.db.update(staff).set({ telegramUserId: 4001 }).where(eq(staff.staffCode, 'DEMO-001-T005')); // 7A, morning
  await database.db.update(staff).set({ telegramUserId: 4002 }).where(eq(staff.staffCode, 'DEMO-001-T003')); // 1A, afternoon
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  queue = new Queue<AttendanceJob>(ATTENDANCE_QUEUE, { connection: redis, prefix });
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
  await database.drop();
});

describe('attendance jobs', () => {
  it('keeps one reminder scheduler per school and shift, at the school\'s time, in its time zone', async () => {
    await setSettings(database.db, { schoolId: 1, remindAt: { morning: '07:45' }, actor: 'cli' });
    expect(await syncSchedules(database.db, queue)).toBe(2);
    expect(await syncSchedules(database.db, queue)).toBe(2); // idempotent
    const schedulers = await queue.getJobSchedulers();
    const byId = Object.fromEntries(schedulers.map((s) => [s.key, s]));
    expect(byId['remind-1-morning']).toMatchObject({ pattern: '45 7 * * *', tz: 'Asia/Phnom_Penh' });
    expect(byId['remind-1-afternoon']).toMatchObject({ pattern: '30 13 * * *', tz: 'Asia/Phnom_Penh' });
    expect(byId.partitions).toBeDefined();
    expect(schedulers).toHaveLength(3);
  });

  it('the morning job reminds morning classes that have not submitted, once', async () => {
    const now = () => new Date('2026-11-23T00:45:00Z'); // 07:45 in Phnom Penh, a Monday
    const first = await runAttendanceJob(database, { kind: 'remind', schoolId: 1, shift: 'morning' }, notifier, now);
    expect(first).toMatchObject({ classes: 3, messages: 1 }); // 7A, 7B, 12A missing; only the 7A teacher is linked
    const again = await runAttendanceJob(database, { kind: 'remind', schoolId: 1, shift: 'morning' }, notifier, now);
    expect(again).toMatchObject({ classes: 3, messages: 0 });
    const rows = await database.rows<{ chat_id: number }>(sql`select chat_id from outbox where dedupe_key like 'remind:%'`);
    expect(rows.map((r) => Number(r.chat_id))).toEqual([4001]);
  });

  it('sends nothing on a holiday', async () => {
    await setCalendarDay(database.db, { schoolId: 1, day: '2026-11-24', kind: 'holiday', actor: 'cli' });
    const r = await runAttendanceJob(database, { kind: 'remind', schoolId: 1, shift: 'afternoon' }, notifier, () => new Date('2026-11-24T06:30:00Z'));
    expect(r).toEqual({ classes: 0, messages: 0, unreachable: [] });
  });

  it('creates this month\'s and next month\'s partitions', async () => {
    expect(await ensurePartitions(database.db, '2027-01-15')).toEqual(['attendance_2027_01', 'attendance_2027_02']);
    expect(await ensurePartitions(database.db, '2027-01-31')).toEqual(['attendance_2027_01', 'attendance_2027_02']);
  });
});
