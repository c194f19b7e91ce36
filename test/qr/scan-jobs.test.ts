/**
 * The cutoff's schedulers: one per school that turned scanning on and per shift, at its cutoff
 * time in its time zone; gone when the school turns scanning off; checkin partitions ahead.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { ensureCheckinPartitions, runScanJob, SCANS_QUEUE, syncScanSchedules, type ScanJob } from '../../src/qr/scan-jobs.js';
import { setScanSettings } from '../../src/qr/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
let redis: Redis;
let queue: Queue<ScanJob>;
let schoolId: number;
const prefix = `test-scanjobs-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  schoolId = Number((await database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-001'`))[0]!.id);
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  queue = new Queue<ScanJob>(SCANS_QUEUE, { connection: redis, prefix });
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
  await database.drop();
});

describe('scan jobs', () => {
  it('has no cutoff for a school that has not turned scanning on', async () => {
    expect(await syncScanSchedules(database.db, queue)).toBe(0);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['partitions']);
  });

  it('keeps one cutoff scheduler per shift at the school\'s time in its time zone, and drops them when scanning is off', async () => {
    await setScanSettings(database.db, schoolId, { enabled: true, cutoffAt: { morning: '07:55' } }, 'cli');
    expect(await syncScanSchedules(database.db, queue)).toBe(2);
    expect(await syncScanSchedules(database.db, queue, schoolId)).toBe(2); // idempotent
    const byId = Object.fromEntries((await queue.getJobSchedulers()).map((s) => [s.key, s]));
    expect(byId[`cutoff-${schoolId}-morning`]).toMatchObject({ pattern: '55 7 * * *', tz: 'Asia/Phnom_Penh' });
    expect(byId[`cutoff-${schoolId}-afternoon`]).toMatchObject({ pattern: '0 14 * * *', tz: 'Asia/Phnom_Penh' });

    await setScanSettings(database.db, schoolId, { enabled: false }, 'cli');
    // What the worker does when the office changes settings in the bot (a `sync` job).
    await runScanJob(database, { kind: 'sync', schoolId }, createNotifier({ DEFAULT_LOCALE: 'km' }), () => new Date(), queue);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['partitions']);
  });

  it("creates this month's and next month's checkin partitions", async () => {
    expect(await ensureCheckinPartitions(database.db, '2027-03-31')).toEqual(['checkins_2027_03', 'checkins_2027_04']);
  });
});
