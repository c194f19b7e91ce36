/**
 * Quiet hours and escalation with a pinned clock: a non-urgent question waits for the teacher's
 * morning while an urgent one goes at once; an unanswered question goes to the principal once,
 * counted from when it reached the teacher; a new round after an answer can escalate again; with
 * no principal on Telegram the office is told; a principal's own quiet hours are respected.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, outbox, staff } from '../../src/core/db/schema.js';
import { QUESTIONS_QUEUE, questionsQueue, runQuestionJob, syncQuestionSchedules, type QuestionJob } from '../../src/questions/jobs.js';
import { payloadProblems } from '../../src/core/queue/jobs.js';
import { questionThreads } from '../../src/questions/schema.js';
import { formatMoment } from '../../src/questions/render.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { buttonData } from './helpers.js';

// Monday 11 January 2027, 21:00 in Phnom Penh: after the teacher's quiet hours begin.
let now = new Date('2027-01-11T14:00:00Z');
let app: TestApp;
let delivery: TestDelivery;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const TZ = 'Asia/Phnom_Penh';

let teacher: TestUser; // T005, homeroom 7A
let principal: TestUser;
let operator: TestUser;
let parent: TestUser; // Chhim Ratanak, 7A
let parent2: TestUser; // Keo Piseth, 7A
let urgentThread = 0;
let quietThread = 0;

const texts = (u: TestUser) => u.inbox().filter((m) => m.method !== 'editMessageReplyMarkup').map((m) => m.text);
const escalate = (at: string) => {
  now = new Date(at);
  return runQuestionJob(app.database, { kind: 'escalate' }, app.notifier, () => now);
};
/** The morning came: rows held for quiet hours are due now (the relay compares with the real clock). */
const morning = () => app.database.db.update(outbox).set({ notBefore: sql`now()` }).where(sql`status = 'pending' and not_before > now()`);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  delivery = startTestDelivery(app);
  const link = async (tgId: number, phone: string) => {
    const u = app.user(tgId, `u${tgId}`);
    await u.shareContact(phone);
    u.inbox();
    return u;
  };
  teacher = await link(4001, '016 025 313');
  principal = await link(4002, '093 388 921');
  operator = await link(4003, '016 373 035');
  parent = await link(4101, '015 433 601');
  parent2 = await link(4102, '016 812 644');
});

afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('quiet hours', () => {
  it('an urgent question reaches the teacher at once, marked urgent', async () => {
    await teacher.send('/quiet 20:00 06:30');
    teacher.inbox();
    await parent2.send('/ask');
    parent2.inbox();
    await parent2.press(t('km', 'questions-urgent-off'));
    expect(texts(parent2)).toEqual([t('km', 'questions-urgent-set')]);
    await parent2.send('My son has a fever: can I pick him up at 07:00?');
    expect(texts(parent2)).toEqual([t('km', 'questions-sent', { teacher: 'កែវ មករា' })]);
    await delivery.deliver();
    const [copy] = teacher.inbox();
    expect(copy!.text.split('\n').slice(0, 2)).toEqual([t('km', 'questions-copy-question', { child: 'កែវ ពិសិដ្ឋ', class: '7A' }), t('km', 'questions-copy-urgent')]);
    const [row] = await app.database.db.select().from(outbox).where(eq(outbox.chatId, teacher.id));
    expect(row!.priority).toBe(1);
    const [thread] = await app.database.db.select({ id: questionThreads.id }).from(questionThreads).where(eq(questionThreads.parentUserId, parent2.id));
    urgentThread = thread!.id;
  });

  it('a question that is not urgent waits until the quiet hours end, and the parent is told when', async () => {
    await parent.send('/ask');
    parent.inbox();
    await parent.send('Is the class trip on Thursday or Friday?');
    const reachesAt = new Date('2027-01-11T23:30:00Z'); // 06:30 on Tuesday
    expect(texts(parent)).toEqual([t('km', 'questions-sent-later', { teacher: 'កែវ មករា', time: formatMoment('km', reachesAt, TZ) })]);
    const [row] = await app.database.db.select().from(outbox).where(and(eq(outbox.chatId, teacher.id), eq(outbox.status, 'pending')));
    expect(row!.notBefore.toISOString()).toBe(reachesAt.toISOString());
    expect(teacher.inbox()).toEqual([]);
    const [thread] = await app.database.db.select().from(questionThreads).where(eq(questionThreads.parentUserId, parent.id));
    quietThread = thread!.id;
    // The time to answer starts in the morning, not at 21:00.
    expect(thread!.awaitingSince!.toISOString()).toBe(reachesAt.toISOString());
    expect(thread!.dueAt!.toISOString()).toBe('2027-01-12T23:30:00.000Z');

    now = new Date('2027-01-11T23:31:00Z');
    await morning();
    await delivery.deliver();
    expect(teacher.inbox().map((m) => m.text)).toEqual([`${t('km', 'questions-copy-question', { child: 'ឈឹម រតនៈ', class: '7A' })}\n${t('km', 'questions-copy-from', { name: 'ឈឹម ដារ៉ា' })}\n\nIs the class trip on Thursday or Friday?`]);
  });
});

describe('escalation', () => {
  it('keeps one scheduler, every ten minutes', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const queue = new Queue<QuestionJob>(QUESTIONS_QUEUE, { connection: redis, prefix: `test-q-${randomBytes(4).toString('hex')}` });
    try {
      expect(await syncQuestionSchedules(queue)).toBe(1);
      expect(await syncQuestionSchedules(queue)).toBe(1);
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ key: 'questions-escalate', pattern: '*/10 * * * *' });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await redis.quit();
    }
  });

  it("the scheduler's job is one the queue's payload schema accepts, and nothing else is", async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const queue = new Queue<QuestionJob>(QUESTIONS_QUEUE, { connection: redis, prefix: `test-q-${randomBytes(4).toString('hex')}` });
    try {
      await syncQuestionSchedules(queue);
      const [scheduler] = await queue.getJobSchedulers();
      expect(scheduler!.template?.data).toEqual({ kind: 'escalate' });
      expect(payloadProblems(questionsQueue, scheduler!.template?.data)).toEqual([]);
      expect(payloadProblems(questionsQueue, { kind: 'finish' })).not.toEqual([]);
      expect(payloadProblems(questionsQueue, {})).not.toEqual([]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await redis.quit();
    }
  });

  it('tells the principal once about a question unanswered 24 hours after it reached the teacher', async () => {
    expect(await escalate('2027-01-12T13:59:00Z')).toEqual({ threads: 0, messages: 0 });
    expect(await escalate('2027-01-12T14:01:00Z')).toEqual({ threads: 1, messages: 1 });
    await delivery.deliver();
    const [notice] = principal.inbox();
    expect(notice!.text).toBe(
      t('km', 'questions-escalation', {
        child: 'កែវ ពិសិដ្ឋ',
        class: '7A',
        teacher: 'កែវ មករា',
        waited: t('km', 'questions-dur-hours', { h: '២៤', m: '១' }),
        since: formatMoment('km', new Date('2027-01-11T14:00:00Z'), TZ),
      }),
    );
    expect(buttonData(notice!.replyMarkup)).toEqual([`q:h:${urgentThread}`]);
    // The office is not told while a principal is on Telegram.
    expect(operator.inbox()).toEqual([]);
    expect(await escalate('2027-01-12T14:30:00Z')).toEqual({ threads: 0, messages: 0 });

    await principal.press(t('km', 'questions-button-open'));
    expect(principal.inbox()[0]!.text).toContain('My son has a fever');
    const reads = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'question.read'), eq(auditLog.actor, `tg:${principal.id}`)));
    expect(reads).toHaveLength(1);
  });

  it('does not count the quiet hours against the teacher', async () => {
    // Asked at 21:00, reached the teacher at 06:30: due at 06:30 the next day, not at 21:00.
    expect(await escalate('2027-01-12T23:29:00Z')).toEqual({ threads: 0, messages: 0 });
    expect(await escalate('2027-01-12T23:31:00Z')).toEqual({ threads: 1, messages: 1 });
    await delivery.deliver();
    expect(principal.inbox()[0]!.text).toContain('ឈឹម រតនៈ');
    const escalated = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'question.escalate'));
    expect(escalated.map((a) => Number(a.entityId)).sort()).toEqual([urgentThread, quietThread].sort());
  });

  it('an answered question is not escalated; a new question in the thread may be, once more', async () => {
    await teacher.pressData(`q:r:${urgentThread}`);
    await teacher.send('Yes, of course. Get well soon!');
    await delivery.deliver();
    expect(parent2.inbox().map((m) => m.text)).toEqual([`${t('km', 'questions-copy-answer', { teacher: 'កែវ មករា', child: 'កែវ ពិសិដ្ឋ' })}\n\nYes, of course. Get well soon!`]);
    teacher.inbox();
    expect(await escalate('2027-01-13T10:00:00Z')).toEqual({ threads: 0, messages: 0 });

    now = new Date('2027-01-13T10:05:00Z'); // 17:05, not quiet
    await parent2.press(t('km', 'questions-button-write-back'));
    await parent2.send('Thank you. Does he need a note from the doctor?');
    expect(texts(parent2).at(-1)).toBe(t('km', 'questions-sent', { teacher: 'កែវ មករា' }));
    await delivery.deliver();
    expect(await escalate('2027-01-14T10:04:00Z')).toEqual({ threads: 0, messages: 0 });
    expect(await escalate('2027-01-14T10:06:00Z')).toEqual({ threads: 1, messages: 1 });
    expect(await escalate('2027-01-14T10:16:00Z')).toEqual({ threads: 0, messages: 0 });
    const keys = (await app.database.db.select({ key: outbox.dedupeKey }).from(outbox).where(sql`dedupe_key like 'q-esc:%'`)).map((r) => r.key).sort();
    const principalStaff = (await app.database.db.select({ id: staff.id }).from(staff).where(eq(staff.staffCode, 'DEMO-001-T001')))[0]!.id;
    expect(keys).toEqual([`q-esc:${quietThread}:1:${principalStaff}`, `q-esc:${urgentThread}:1:${principalStaff}`, `q-esc:${urgentThread}:2:${principalStaff}`].sort());
    await delivery.deliver();
    principal.inbox();
  });

  it('respects the principal\'s quiet hours, and tells the office when no principal is on Telegram', async () => {
    // The teacher answers the other thread; the parent asks more; nobody answers.
    await teacher.pressData(`q:r:${quietThread}`);
    await teacher.send('On Friday.');
    now = new Date('2027-01-14T12:00:00Z'); // 19:00
    await parent.pressData(`q:f:${quietThread}`);
    await parent.send('What should he bring?');
    await delivery.deliver();

    await principal.send('/quiet 18:00 07:00');
    const [due] = await app.database.db.select({ dueAt: questionThreads.dueAt }).from(questionThreads).where(eq(questionThreads.id, quietThread));
    expect(due!.dueAt!.toISOString()).toBe('2027-01-15T12:00:00.000Z');
    expect(await escalate('2027-01-15T12:01:00Z')).toEqual({ threads: 1, messages: 1 }); // 19:01: the principal is in quiet hours
    const [held] = await app.database.db.select().from(outbox).where(sql`dedupe_key like ${`q-esc:${quietThread}:2:%`}`);
    expect(held!.notBefore.toISOString()).toBe('2027-01-16T00:00:00.000Z'); // 07:00
    await morning();
    await delivery.deliver();
    expect(principal.inbox().filter((m) => m.text.startsWith('⏰'))).toHaveLength(1);

    // Next round, with the principal off Telegram: the operator is told instead.
    await teacher.pressData(`q:r:${quietThread}`);
    await teacher.send('Water and a hat.');
    await app.database.db.update(staff).set({ telegramUserId: null }).where(eq(staff.staffCode, 'DEMO-001-T001'));
    now = new Date('2027-01-16T03:00:00Z');
    await parent.pressData(`q:f:${quietThread}`);
    await parent.send('Thank you!');
    await delivery.deliver();
    operator.inbox();
    expect(await escalate('2027-01-17T03:01:00Z')).toEqual({ threads: 1, messages: 1 });
    await delivery.deliver();
    expect(operator.inbox().map((m) => m.text.split('\n')[0])).toEqual([t('km', 'questions-escalation', { child: 'ឈឹម រតនៈ', class: '7A', teacher: 'កែវ មករា', waited: t('km', 'questions-dur-hours', { h: '២៤', m: '១' }), since: '' }).split('\n')[0]]);
  });
});
