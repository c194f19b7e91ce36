/**
 * The automatic reminder: every morning at 07:00 (Phnom Penh), each school's teachers with scores
 * missing for a test due in `remind_days_before` days are reminded (once a day per teacher and
 * test: the outbox dedupe key names the day).
 */
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { QueueSpec } from '../core/capability.js';
import type { Database } from '../core/db/client.js';
import type { Notifier } from '../core/i18n/index.js';
import type { Now } from '../core/clock.js';
import { schoolClock } from '../core/clock.js';
import { subjectIndex } from '../teaching/subjects.js';
import { remindMissing, schoolsWithPlans, testsDueSoon } from './service-progress.js';

export const SCORES_QUEUE = 'scores';

const scoresJob = z.object({ kind: z.literal('remind-due') });
export type ScoresJob = z.infer<typeof scoresJob>;

export async function syncScoreSchedules(queue: Queue<ScoresJob>): Promise<number> {
  await queue.upsertJobScheduler('scores-remind-due', { pattern: '0 7 * * *', tz: 'Asia/Phnom_Penh' }, { name: 'remind-due', data: { kind: 'remind-due' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  return 1;
}

/** Runs the due-date reminders of every school; returns how many teachers were reminded. */
export async function remindDue(database: Database, notifier: Notifier, now: Now): Promise<number> {
  const subjects = subjectIndex((locale, key) => notifier.t(locale, key));
  const day = schoolClock('Asia/Phnom_Penh', now()).day;
  let teachers = 0;
  for (const schoolId of await schoolsWithPlans(database.db)) {
    for (const assessment of await testsDueSoon(database.db, schoolId, day)) {
      teachers += (await remindMissing(database, notifier, { schoolId, assessment, subjects, day, actor: 'system' })).teachers;
    }
  }
  return teachers;
}

export const scoresQueue: QueueSpec<ScoresJob> = {
  name: SCORES_QUEUE,
  payload: scoresJob,
  concurrency: 1,
  schedule: (queue) => syncScoreSchedules(queue),
  run: async (_job, ctx) => {
    const n = await remindDue(ctx.database, ctx.notifier, ctx.now);
    if (n) ctx.onOutbox?.();
    return n;
  },
};
