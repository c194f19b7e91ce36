/**
 * The worker side of announcements: a job scheduler looks for finished announcements every
 * minute (reports survive crashes), and the sender's completed messages nudge an earlier look,
 * which writes the report and wakes the relay.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { outbox, staff } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { createLogger } from '../../src/core/logger.js';
import { createNotifier } from '../../src/app.js';
import { announcementsQueue, startAnnouncementJobs, type AnnouncementJobs } from '../../src/announcements/jobs.js';
import { payloadProblems } from '../../src/core/queue/jobs.js';
import { confirmAnnouncement, createDraft } from '../../src/announcements/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
let redis: Redis;
let jobs: AnnouncementJobs;
let kicks = 0;
const prefix = `test-annjobs-${randomBytes(4).toString('hex')}`;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  await database.db.update(staff).set({ telegramUserId: 6001 }).where(eq(staff.staffCode, 'DEMO-001-T001')); // principal
  await database.db.update(staff).set({ telegramUserId: 6002 }).where(eq(staff.staffCode, 'DEMO-001-T003')); // teacher 1A
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  jobs = await startAnnouncementJobs({
    database,
    connection: redis,
    prefix,
    log: createLogger('silent'),
    notifier,
    now: () => new Date(),
    onOutbox: () => kicks++,
    nudgeDelayMs: 10,
  });
});

afterAll(async () => {
  await jobs?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await database.drop();
});

describe('announcement jobs', () => {
  it('keep a scheduler that looks for finished announcements every minute', async () => {
    const schedulers = await jobs.queue.getJobSchedulers();
    expect(schedulers.map((s) => ({ key: s.key, every: s.every }))).toEqual([{ key: 'announcements-finish', every: 60_000 }]);
  });

  it("take only the scheduler's job: its data is what the queue's payload schema accepts", async () => {
    const [scheduler] = await jobs.queue.getJobSchedulers();
    expect(scheduler!.template?.data).toEqual({ kind: 'finish' });
    expect(payloadProblems(announcementsQueue, scheduler!.template?.data)).toEqual([]);
    expect(payloadProblems(announcementsQueue, { kind: 'escalate' })).not.toEqual([]);
    expect(payloadProblems(announcementsQueue, undefined)).not.toEqual([]);
  });

  it('write the report soon after the last message went, when the sender nudges them', async () => {
    const principal = await loadActor(database.db, 6001);
    const draft = await createDraft(database.db, principal, { content: { kind: 'text', text: 'ប្រជុំ' }, audience: { kind: 'staff' }, viaGroups: true, sendAt: null }, notifier, new Date());
    if (!draft.ok) throw new Error(draft.reason);
    const confirmed = await confirmAnnouncement(database.db, principal, draft.preview.id, notifier, new Date());
    expect(confirmed).toMatchObject({ ok: true, recipients: 1 });
    await database.db.execute(sql`update outbox set status = 'sent' where dedupe_key like ${`ann:${draft.preview.id}:%`}`);
    jobs.nudge();
    jobs.nudge();
    let report: Array<{ chatId: number }> = [];
    for (let i = 0; i < 200 && report.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      report = await database.db.select({ chatId: outbox.chatId }).from(outbox).where(eq(outbox.dedupeKey, `ann-report:${draft.preview.id}`));
    }
    expect(report).toEqual([{ chatId: 6001 }]);
    expect(kicks).toBeGreaterThanOrEqual(1);
  });
});
